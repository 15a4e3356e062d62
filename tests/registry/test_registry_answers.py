"""Answers a server may send that the client must not misread: error codes, retry hints,
malformed shapes, and both readings of ListModels `offset`."""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable

import pytest
from canned import Answer, CannedFactory, Request, example
from registry_helpers import PROJECT, ClientFactory, ServerFactory, nested, spec

from validator.registry.answers import MalformedAnswer
from validator.registry.base import AlreadyExists, ModelInUse, RegistryError
from validator.registry.transport import RETRY_AFTER_MAX, retry_after

BASE = f"/v1/{PROJECT}/models"
SHOW = example("show_model.json")


def error(status: int, code: str | None, headers: dict[str, str] | None = None) -> Answer:
    body = {"error_code": code, "error_msg": "refused."} if code else {"message": "busy"}
    return Answer(status, body, headers or {})


# --- error codes: a definite ModelArts code is final whatever its HTTP status -------------


def test_3009_under_http_500_is_not_retried(canned: CannedFactory) -> None:
    server, client = canned(lambda request: error(500, "ModelArts.3009"))
    with pytest.raises(ModelInUse):
        client.delete("some-id")
    assert server.count("DELETE") == 1


@pytest.mark.parametrize("code", ["ModelArts.3015", "ModelArts.3006", "ModelArts.3044"])
def test_create_with_a_definite_code_is_not_retried(canned: CannedFactory, code: str) -> None:
    status = 400 if code == "ModelArts.3015" else 500
    server, client = canned(lambda request: error(status, code))
    with pytest.raises(RegistryError) as caught:
        client.create(spec())
    assert caught.value.code == code
    assert server.count("POST") == 1
    assert server.count("GET") == 0  # a definite refusal is not ambiguous: no reconcile


def test_3002_under_http_500_is_already_exists(canned: CannedFactory) -> None:
    server, client = canned(lambda request: error(500, "ModelArts.3002"))
    with pytest.raises(AlreadyExists):
        client.create(spec())
    assert server.count("POST") == 1


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (500, None),
        (503, None),
        (500, "ModelArts.0010"),
        (429, "ModelArts.2799"),
        (502, "APIG.0001"),
    ],
)
def test_transient_answers_are_retried(
    canned: CannedFactory, status: int, code: str | None
) -> None:
    server, client = canned(lambda request: error(status, code))
    with pytest.raises(RegistryError):
        client.get("some-id")
    assert server.count("GET") == 5  # the first try and 4 retries


def test_transient_error_then_success(canned: CannedFactory) -> None:
    answers = [error(500, "ModelArts.0010"), error(429, None, {"Retry-After": "0"})]

    def route(request: Request) -> Answer:
        return answers.pop(0) if answers else Answer(body=SHOW)

    server, client = canned(route)
    model = client.get(SHOW["model_id"])
    assert model is not None and model.spec.name == "mnist"
    assert server.count("GET") == 3


# --- Retry-After: seconds or an HTTP date, capped; anything else is the default backoff -----


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2", 2.0),
        ("0", 0.0),
        ("120", RETRY_AFTER_MAX),
        ("99999999999999999999", 0.25),
        ("soon", 0.25),
        ("nan", 0.25),
        ("inf", 0.25),
        ("-1", 0.25),
        ("1.5", 0.25),
        ("1e3", 0.25),
        ("\u0662", 0.25),  # an Arabic-Indic digit is not a delay-seconds
        ("", 0.25),
        (None, 0.25),
        ("Mon, 01 Jan 1990 00:00:00 GMT", 0.0),  # in the past
        ("Mon, 01 Jan 1990 00:00:00", 0.25),  # no zone: not an HTTP date
    ],
)
def test_retry_after_is_parsed_strictly(value: str | None, expected: float) -> None:
    assert retry_after(value, 0.25) == expected


def test_retry_after_as_an_http_date_in_the_future() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= retry_after(when, 0.25) <= 30
    far = email.utils.formatdate(time.time() + 86400, usegmt=True)
    assert retry_after(far, 0.25) == RETRY_AFTER_MAX


def test_429_with_retry_after_nan_falls_back_to_backoff(canned: CannedFactory) -> None:
    answers = [error(429, "ModelArts.2799", {"Retry-After": "nan"})]

    def route(request: Request) -> Answer:
        if request.method == "POST":
            return answers.pop(0) if answers else Answer(body={"model_id": "new-id"})
        return Answer(body={"models": [], "total_count": 0, "count": 0})

    server, client = canned(route)
    assert client.create(spec()) == "new-id"
    assert server.count("POST") == 2


def test_a_created_model_with_a_bad_retry_after_is_not_a_crash(canned: CannedFactory) -> None:
    server, client = canned(
        lambda request: Answer(body={"model_id": "new-id"}, headers={"Retry-After": "soon"})
    )
    assert client.create(spec()) == "new-id"
    assert server.count("POST") == 1


def test_a_created_model_without_its_id_is_found_by_name(canned: CannedFactory) -> None:
    item = {"model_id": "found-id", "model_name": "resnet", "model_version": "1.0.0"}
    shown = {**item, "model_status": "publishing", "source_location": "swr/acme/resnet:v1"}

    def route(request: Request) -> Answer:
        if request.method == "POST":
            return Answer(raw=b"<html>ok</html>")
        if request.path == BASE:
            return Answer(body={"models": [item], "total_count": 1, "count": 1})
        return Answer(body=shown)

    server, client = canned(route)
    assert client.create(spec()) == "found-id"
    assert server.count("POST") == 1


# --- malformed answers: one line naming the field, never a traceback ------------------------


def listing(models: object, **extra: object) -> Callable[[Request], Answer]:
    return lambda request: Answer(body={"models": models, **extra})


@pytest.mark.parametrize(
    ("route", "field"),
    [
        (listing([{"model_name": "a", "model_version": "1.0.0"}]), "`models[0].model_id`"),
        (listing([], total_count="many"), "`total_count`"),
        (listing([1, 2, 3]), "`models[0]`"),
        (listing("all of them"), "`models`"),
        (
            listing([{"model_id": 7, "model_name": "a", "model_version": "1"}]),
            "`models[0].model_id`",
        ),
        (listing([], total_count=True), "`total_count`"),
        (lambda request: Answer(body=[1, 2]), "not a JSON object"),
    ],
)
def test_malformed_list_answers_name_the_field(
    canned: CannedFactory, route: Callable[[Request], Answer], field: str
) -> None:
    _, client = canned(route)
    with pytest.raises(MalformedAnswer) as caught:
        client.list()
    message = str(caught.value)
    assert field in message
    assert message.startswith(f"GET {BASE}: malformed registry answer")
    assert "\n" not in message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"model_status": "exploded"}, "`model_status`"),
        ({"model_status": None}, "`model_status`"),
        ({"install_type": "realtime"}, "`install_type`"),
        ({"config": "{not json"}, "`config`"),
        ({"config": "[1, 2]"}, "`config`"),
        ({"apis": 5}, "`apis`"),
        ({"model_docs": [{"doc_name": "x"}]}, "`model_docs[0].doc_url`"),
        ({"source_copy": "maybe"}, "`source_copy`"),
        ({"create_at": "yesterday"}, "`create_at`"),
        ({"description": ["a"]}, "`description`"),
        ({"model_name": None}, "`model_name`"),
    ],
)
def test_malformed_show_answers_name_the_field(
    canned: CannedFactory, change: dict[str, object], field: str
) -> None:
    body = {**SHOW, **change}
    _, client = canned(lambda request: Answer(body=body))
    with pytest.raises(MalformedAnswer) as caught:
        client.get(SHOW["model_id"])
    assert field in str(caught.value)


@pytest.mark.parametrize("depth", [150, 100_000])  # a walk's limit; the decoder's (~1,000)
def test_a_deeply_nested_answer_is_malformed_not_a_crash(canned: CannedFactory, depth: int) -> None:
    model = {"model_id": "m", "model_name": "a", "model_version": "1.0.0"}
    listing = json.dumps({"models": [model], "total_count": 1}).encode()
    deep = listing[:-1] + b', "extra": ' + nested(depth).encode() + b"}"
    _, client = canned(lambda request: Answer(raw=deep))
    with pytest.raises(MalformedAnswer) as caught:
        client.list()
    assert str(caught.value) == f"GET {BASE}: malformed registry answer: not a JSON object"


@pytest.mark.parametrize("depth", [150, 100_000])
@pytest.mark.parametrize("field", ["config", "apis"])
def test_a_deeply_nested_json_string_is_malformed_not_a_crash(
    canned: CannedFactory, field: str, depth: int
) -> None:
    _, client = canned(lambda request: Answer(body={**SHOW, field: nested(depth)}))
    with pytest.raises(MalformedAnswer) as caught:
        client.get(SHOW["model_id"])
    assert str(caught.value).endswith(f"`{field}` is JSON nested deeper than 100 levels")


def test_a_config_nested_to_the_limit_is_read(canned: CannedFactory) -> None:
    _, client = canned(lambda request: Answer(body={**SHOW, "config": nested(100)}))
    model = client.get(SHOW["model_id"])
    assert model is not None and model.spec.initial_config is not None


def test_show_answer_for_another_model_is_refused(canned: CannedFactory) -> None:
    _, client = canned(lambda request: Answer(body=SHOW))
    with pytest.raises(MalformedAnswer, match="the answer is for model"):
        client.get("another-id")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"delete_failed_list": {"model_id": "x"}}, "`delete_failed_list`"),
        ({"delete_failed_list": ["x"]}, "`delete_failed_list[0]`"),
        ({"delete_failed_list": [{"error_code": 3009}]}, "`delete_failed_list[0].error_code`"),
    ],
)
def test_malformed_delete_answers_name_the_field(
    canned: CannedFactory, body: dict[str, object], field: str
) -> None:
    _, client = canned(lambda request: Answer(body=body))
    with pytest.raises(MalformedAnswer) as caught:
        client.delete("x")
    assert field in str(caught.value)


# --- paging: either reading of offset, confirmed by the count --------------------------------


def paged(total: int, *, items: bool, drift: int = 0) -> Callable[[Request], Answer]:
    """A list of `total` models paged as pages (the reference) or as items (Terraform)."""
    rows = [{"model_id": f"id{n}", "model_name": f"m{n}", "model_version": "1.0.0",
             "model_status": "published"} for n in range(total)]  # fmt: skip

    def route(request: Request) -> Answer:
        offset, limit = int(request.query["offset"]), int(request.query["limit"])
        start = offset if items else offset * limit
        page = rows[start : start + limit]
        return Answer(body={"models": page, "count": len(page), "total_count": total + drift})

    return route


@pytest.mark.parametrize("items", [False, True])
@pytest.mark.parametrize("total", [0, 1, 4, 5, 6, 12, 13])
def test_paging_under_either_reading(canned: CannedFactory, items: bool, total: int) -> None:
    server, client = canned(paged(total, items=items), page_size=4)
    found = client.list(match=lambda name: False)
    assert found == []
    ids = [r.query["offset"] for r in server.requests]
    pages = -(-total // 4)
    if items and total > 4:
        assert ids[:2] == ["0", "1"]  # the second page tells the reading
        assert all(int(o) >= 5 for o in ids[2:])
    assert len(server.requests) <= max(pages, 1) + 1


@pytest.mark.parametrize("items", [False, True])
def test_paging_collects_every_model_once(canned: CannedFactory, items: bool) -> None:
    rows = paged(11, items=items)

    def route(request: Request) -> Answer:
        if request.path == BASE:
            return rows(request)
        n = request.path.rsplit("id", 1)[1]
        body = {"model_id": f"id{n}", "model_name": f"m{n}", "model_version": "1.0.0"}
        return Answer(body={**body, "model_status": "published", "source_location": "swr/a:1"})

    _, client = canned(route, page_size=4)
    models = client.list()
    assert sorted(m.model_id for m in models) == sorted(f"id{n}" for n in range(11))


def test_a_count_that_never_agrees_is_an_error(canned: CannedFactory) -> None:
    server, client = canned(paged(6, items=False, drift=2), page_size=4)
    with pytest.raises(RegistryError, match="listed 6 models but the registry counts 8"):
        client.list()
    assert server.count("GET") == 4  # listed twice, then refused


def test_the_real_server_under_the_item_reading(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(offset_items=True, publish_delay=0.0)
    client = make_client(server)  # page_size 3
    ids = {client.create(spec("m", f"1.0.{n}")) for n in range(8)}
    assert {m.model_id for m in client.list()} == ids
    assert {m.model_id for m in client.list(["m"])} == ids
