"""The server's own surface: foreground serve(), the admin endpoint, request checking."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from registry_helpers import PROJECT, TOKEN, ClientFactory, config, nested, spec

from validator.registry.auth import TokenAuth
from validator.registry.base import ModelInUse, RegistryError
from validator.registry.modelarts import ModelArtsRegistry
from validator.server.serving import RunningServer, serve, start_server

AUTH = {"X-Auth-Token": TOKEN}


def call(server: RunningServer, method: str, path: str, body: object = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    with (
        requests.Session() as session,
        session.request(method, server.url + path, headers=AUTH, data=data, timeout=5) as answer,
    ):
        return answer.status_code, answer.json()


def test_serve_in_the_foreground(tmp_path: Path) -> None:
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(
        target=serve,
        args=("127.0.0.1", 0, tmp_path / "fg.db", TOKEN),
        kwargs={"project_id": PROJECT, "out": out, "stop": stop},
    )
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while "serving" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        line = out.getvalue().strip()
        match = re.fullmatch(
            rf"serving ModelArts-compatible API on http://127\.0\.0\.1:(\d+)/v1/{PROJECT}", line
        )
        assert match, line
        with_url = ModelArtsRegistry(f"http://127.0.0.1:{match[1]}", PROJECT, TokenAuth(TOKEN))
        try:
            assert with_url.list() == []
        finally:
            with_url.close()
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_port_in_use_is_a_clear_error(server: RunningServer, tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        start_server(tmp_path / "other.db", config(), port=server.port)


def test_admin_endpoint_marks_a_model_in_use(
    server: RunningServer, make_client: ClientFactory
) -> None:
    client = make_client(server)
    model_id = client.create(spec())
    assert call(server, "POST", f"/_admin/models/{model_id}/in-use") == (
        200,
        {"model_id": model_id, "in_use": True},
    )
    with pytest.raises(ModelInUse, match=r"^ModelArts.3009: Failed to delete model"):
        client.delete(model_id)
    assert call(server, "DELETE", f"/_admin/models/{model_id}/in-use")[0] == 200
    client.delete(model_id)
    assert call(server, "POST", f"/_admin/models/{model_id}/in-use")[0] == 404


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"model_name": "a", "model_version": "1.0.0", "model_type": "Image"}, "ModelArts.3036"),
        ({"model_name": "a", "model_version": "1.0.0", "model_type": "Image",
          "source_location": "x", "labels": ["l"]}, "ModelArts.0104"),
        ({"model_name": "a", "model_version": "1.0.0", "model_type": "Image",
          "source_location": "x", "source_copy": True}, "ModelArts.3037"),
        ({"model_name": "a", "model_version": "1.0.0", "model_type": "Image",
          "source_location": "x", "initial_config": "{not json"}, "ModelArts.3015"),
        ([1, 2], "ModelArts.0101"),
    ],
)  # fmt: skip
def test_create_checks_the_body(server: RunningServer, body: object, code: str) -> None:
    status, answer = call(server, "POST", f"/v1/{PROJECT}/models", body)
    assert status == 400
    assert isinstance(answer, dict) and answer["error_code"] == code


def test_list_query_shape_and_pagination(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server)
    ids = [client.create(spec("resnet", f"1.0.{n}")) for n in range(5)]
    ids.append(client.create(spec("resnet_big")))
    other = client.create(spec("resnetXbig"))
    path = f"/v1/{PROJECT}/models?model_name=resnet_&exact_match=true&limit=2&order=asc"
    pages = [call(server, "GET", f"{path}&offset={n}")[1] for n in range(4)]
    assert [p["total_count"] for p in pages] == [1, 1, 1, 1]
    path = f"/v1/{PROJECT}/models?model_name=resnet&limit=2&order=asc"
    pages = [call(server, "GET", f"{path}&offset={n}")[1] for n in range(5)]
    assert [p["total_count"] for p in pages] == [7] * 5
    assert [p["count"] for p in pages] == [2, 2, 2, 1, 0]
    seen = [m["model_id"] for p in pages for m in p["models"]]
    assert seen == [*ids, other]  # offset is the page index
    # The name filter is fuzzy, and `_` is a wildcard unless exact_match escapes it.
    fuzzy = call(server, "GET", f"/v1/{PROJECT}/models?model_name=resnet_b")[1]
    assert {m["model_name"] for m in fuzzy["models"]} == {"resnet_big", "resnetXbig"}
    exact = call(server, "GET", f"/v1/{PROJECT}/models?model_name=resnet_b&exact_match=true")[1]
    assert [m["model_name"] for m in exact["models"]] == ["resnet_big"]
    version = call(server, "GET", f"/v1/{PROJECT}/models?model_version=1.0.3")[1]
    assert [m["model_id"] for m in version["models"]] == [ids[3]]
    bad = call(server, "GET", f"/v1/{PROJECT}/models?limit=0")
    assert bad[0] == 400


def test_unknown_route(server: RunningServer) -> None:
    status, answer = call(server, "GET", "/v2/whatever")
    assert status == 404
    assert isinstance(answer, dict) and answer["error_code"] == "ModelArts.0101"


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_missing_model_is_3001(server: RunningServer, method: str) -> None:
    status, answer = call(server, method, f"/v1/{PROJECT}/models/nope")
    assert (status, answer["error_code"]) == (404, "ModelArts.3001")


def test_project_header_must_match_the_path(server: RunningServer) -> None:
    headers = {**AUTH, "X-Project-Id": "other"}
    reply = server.api.handle("GET", f"/v1/{PROJECT}/models", headers, b"")
    assert reply.status == 403
    assert reply.body == {
        "error_code": "ModelArts.0108",
        "error_msg": f"not authorized for project {PROJECT}",
    }


@pytest.mark.parametrize("depth", [150, 100_000])  # a walk's limit; the decoder's (~1,000)
def test_a_deeply_nested_body_is_a_400(server: RunningServer, depth: int) -> None:
    deep = nested(depth)
    fields = {"model_name": "a", "model_version": "1.0.0", "model_type": "Image"}
    good = {**fields, "source_location": "swr.example.com/ml/a:1"}
    bodies = {
        "ModelArts.0101": json.dumps(good)[:-1] + ', "model_docs_extra": ' + deep + "}",
        "ModelArts.3015": json.dumps({**good, "initial_config": deep}),
    }
    for code, body in bodies.items():
        with requests.post(
            f"{server.url}/v1/{PROJECT}/models", data=body, headers=AUTH, timeout=5
        ) as answer:
            assert (answer.status_code, answer.json()["error_code"]) == (400, code)
    with requests.get(f"{server.url}/v1/{PROJECT}/models", headers=AUTH, timeout=5) as listed:
        assert listed.json()["models"] == []


def test_oversized_body_is_refused(server: RunningServer) -> None:
    # Only the header claims 5 MB: the server must answer without reading (or buffering) it.
    request = f"POST /v1/{PROJECT}/models HTTP/1.0\r\nContent-Length: 5000000\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(request.encode())
        assert conn.recv(100).startswith(b"HTTP/1.1 413 ")
