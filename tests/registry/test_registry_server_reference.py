"""`registry serve` against the API reference's field tables and examples."""

from __future__ import annotations

import http.client
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from canned import example
from registry_helpers import PROJECT, TOKEN, ClientFactory, spec

from validator.server.serving import RunningServer

TABLES = example("field_tables.json")
CREATE = example("create_model_request.json")
BASE = f"/v1/{PROJECT}/models"
AUTH = {"X-Auth-Token": TOKEN, "Content-Type": "application/json"}
TYPES: dict[str, type | tuple[type, ...]] = {
    "String": str,
    "Boolean": bool,
    "Integer": int,
    "Long": int,
    "Number": (int, float),
}


class Connection:
    """One keep-alive connection to the server; answers decoded, headers kept."""

    def __init__(self, server: RunningServer) -> None:
        self.http = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)

    def __call__(
        self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None
    ) -> tuple[int, Any, http.client.HTTPMessage]:
        data = None if body is None else json.dumps(body).encode()
        self.http.request(method, path, body=data, headers=AUTH if headers is None else headers)
        response = self.http.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None, response.headers

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def conn(server: RunningServer) -> Any:
    connection = Connection(server)
    yield connection
    connection.close()


def check_types(body: dict[str, Any], table: dict[str, str]) -> None:
    assert set(body) == set(table), set(body) ^ set(table)
    for key, documented in table.items():
        value = body[key]
        if documented in TYPES:
            expected = TYPES[documented]
            assert isinstance(value, expected), (key, value)
            if expected is int:
                assert not isinstance(value, bool), key
        elif documented.startswith("Array"):
            assert isinstance(value, list), key
        else:  # an object or a map
            assert isinstance(value, dict), key


def test_create_example_is_echoed_with_the_documented_fields(conn: Connection) -> None:
    status, created, _ = conn("POST", BASE, CREATE)
    assert status == 200 and set(created) == {"model_id"}
    status, shown, _ = conn("GET", f"{BASE}/{created['model_id']}")
    assert status == 200
    check_types(shown, TABLES["ShowModel response"])
    for key in ("runtime", "execution_code", "model_metrics", "source_job_id",
                "source_job_version", "dependencies", "input_params", "output_params"):  # fmt: skip
        assert shown[key] == CREATE[key], key
    assert json.loads(shown["apis"]) == CREATE["apis"]
    assert shown["install_type"] == ["realtime", "batch"]  # the default, spelt as answered


def test_list_items_and_the_delete_answer_have_the_documented_fields(conn: Connection) -> None:
    created = conn("POST", BASE, CREATE)[1]
    status, listed, _ = conn("GET", BASE)
    assert status == 200
    check_types(listed, TABLES["ListModels response"])
    check_types(listed["models"][0], TABLES["ListModels item"])
    status, deleted, _ = conn("DELETE", f"{BASE}/{created['model_id']}")
    assert status == 200
    check_types(deleted, TABLES["DeleteModel response"])


def test_show_answers_config_as_a_json_string_with_modelarts_keys(
    server: RunningServer, make_client: ClientFactory, conn: Connection
) -> None:
    data = {"Content-type": "application/json", "data": {"type": "object"}}
    api = {"url": "/", "method": "post", "protocol": "http", "request": data, "response": data}
    health = {"url": "/health", "protocol": "http", "initial_delay_seconds": 5}
    config = {"model_type": "Image", "apis": [api], "health": health}
    model_id = make_client(server).create(
        spec(install_type=("real-time",), initial_config=json.dumps(config))
    )
    shown = conn("GET", f"{BASE}/{model_id}")[1]
    stored = json.loads(shown["config"])
    assert {k: stored.pop(k) for k in ("model_source", "tunable", "downloadable_flag")}
    assert stored == config
    assert shown["install_type"] == ["realtime"]
    assert shown["health"] == {"url": "/health", "protocol": "http", "initial_delay_seconds": "5"}
    apis = json.loads(shown["apis"])
    assert apis[0]["input_params"]["properties"]["data"] == {"type": "object"}
    assert "initial_config" not in shown
    assert make_client(server).get(model_id).spec.initial_config == json.dumps(  # type: ignore[union-attr]
        config, sort_keys=True, separators=(",", ":")
    )


@pytest.mark.parametrize(
    "install",
    [["edge"], ["realtime"], ["Real-time"], [], ["batch", "batch"], ["real-time", "edge"]],
)
def test_create_applies_the_install_type_rules(conn: Connection, install: list[str]) -> None:
    body = {"model_name": "m", "model_version": "1.0.0", "model_type": "Image",
            "source_location": "swr/a/b:1", "install_type": install}  # fmt: skip
    status, answer, _ = conn("POST", BASE, body)
    assert (status, answer["error_code"]) == (400, "ModelArts.3037")


def test_every_error_has_a_code_a_message_and_a_request_id(
    server: RunningServer, conn: Connection
) -> None:
    cases = [
        ("GET", f"{BASE}/nope", None, AUTH, 404),
        ("PUT", BASE, None, AUTH, 405),
        ("PATCH", f"{BASE}/x", None, AUTH, 405),
        ("GET", BASE, None, {}, 401),
        ("POST", BASE, {"model_name": 1}, AUTH, 400),
        ("GET", f"{BASE}?order=up", None, AUTH, 400),
        ("GET", "/v1/other/models", None, AUTH, 403),
    ]
    seen = set()
    for method, path, body, headers, expected in cases:
        status, answer, got = conn(method, path, body, headers)
        assert status == expected, (method, path)
        assert set(answer) == {"error_code", "error_msg"}
        assert answer["error_code"].startswith("ModelArts.")
        seen.add(got["X-Request-Id"])
    assert len(seen) == len(cases)  # one id per answer


def test_protocol_errors_answer_in_the_modelarts_shape(server: RunningServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.putrequest("BREW", BASE)
        connection.endheaders()
        response = connection.getresponse()
        assert response.status == 501
        assert set(json.loads(response.read())) == {"error_code", "error_msg"}
    finally:
        connection.close()


def test_keep_alive_serves_many_requests_on_one_connection(
    server: RunningServer, conn: Connection
) -> None:
    for _ in range(5):
        status, _, headers = conn("GET", BASE)
        assert status == 200
        assert headers.get("Connection", "").lower() != "close"
    assert conn.http.sock is not None
    assert len(server._server.connections) == 1


def test_filters_sort_and_order(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server)
    ids = {v: client.create(spec("m", v, description=f"version {v}")) for v in
           ("1.0.10", "1.0.5", "1.0.9", "2.0.0")}  # fmt: skip
    other = client.create(spec("tf", "1.0.0", model_type="TensorFlow", description="tensor"))
    client.wait_until_published(other, timeout=5)  # for the model_status filter below
    conn = Connection(server)
    try:

        def names(query: str) -> list[str]:
            status, answer, _ = conn("GET", f"{BASE}?{query}")
            assert status == 200, answer
            return [m["model_id"] for m in answer["models"]]

        ascending = names("model_name=m&sort_by=model_version&order=asc")
        assert ascending == [ids[v] for v in ("1.0.5", "1.0.9", "1.0.10", "2.0.0")]
        descending = names("model_name=m&sort_by=model_version")  # desc is the default
        assert descending == ascending[::-1]
        assert names("model_type=TensorFlow") == [other]
        assert set(names("not_model_type=TensorFlow")) == set(ids.values())
        assert names("description=tens") == [other]
        assert names("description=version%201.0.9") == [ids["1.0.9"]]
        assert names("model_status=published&model_name=tf") == [other]
        status, answer, _ = conn("GET", f"{BASE}?model_type=Image&not_model_type=Template")
        assert (status, answer["error_code"]) == (400, "ModelArts.0104")
        status, answer, _ = conn("GET", f"{BASE}?sort_by=size")
        assert status == 400
    finally:
        conn.close()


def test_cascade_deletes_every_version_of_the_name(
    server: RunningServer, make_client: ClientFactory, conn: Connection
) -> None:
    client = make_client(server)
    ids = [client.create(spec("m", f"1.0.{n}")) for n in range(3)]
    keep = client.create(spec("n"))
    used = client.create(spec("m", "2.0.0"))
    assert server.registry.set_in_use(used)
    status, answer, _ = conn("DELETE", f"{BASE}/{ids[0]}?cascade=true")
    assert status == 200
    assert sorted(answer["delete_success_list"]) == sorted(ids)
    assert [f["model_id"] for f in answer["delete_failed_list"]] == [used]
    assert answer["delete_failed_list"][0]["error_code"] == "ModelArts.3009"
    assert {m.model_id for m in client.list()} == {keep, used}
    status, answer, _ = conn("DELETE", f"{BASE}/{keep}?cascade=maybe")
    assert status == 400


def test_storage_is_wal_with_indexes(server: RunningServer, tmp_path: Path) -> None:
    db = sqlite3.connect(server.registry.path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        indexes = {row[1] for row in db.execute("PRAGMA index_list(models)")}
        assert {"models_created", "models_pending"} <= indexes
        plan = " ".join(
            str(row[3])
            for row in db.execute(
                "EXPLAIN QUERY PLAN SELECT * FROM models WHERE name = 'x' ORDER BY created_at"
            )
        )
        assert "USING INDEX" in plan
    finally:
        db.close()
