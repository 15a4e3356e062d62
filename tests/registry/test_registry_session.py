"""The HTTP session reads the environment once per host, and still follows it."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
import requests

from validator.images.client import new_session as image_session
from validator.registry.auth import AkSkAuth, TokenAuth
from validator.registry.base import RegistryError
from validator.registry.transport import Transport, new_session


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every GET with `{}` and records the request line and the headers."""

    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.requestline, dict(self.headers)))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[str, list[tuple[str, dict[str, str]]]]]:
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", _Recorder.seen
    finally:
        server.shutdown()
        server.server_close()


def test_a_proxy_in_the_environment_is_used(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy, seen = recorder
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = new_session()
    for _ in range(2):  # the second request reads the settings kept from the first
        assert session.get("http://modelarts.example/v1/p/models", timeout=5).json() == {}
    assert [line for line, _ in seen] == ["GET http://modelarts.example/v1/p/models HTTP/1.1"] * 2


def test_no_proxy_is_followed_per_host(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    direct, seen = recorder
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    session = new_session()
    assert session.get(f"{direct}/v1/p/models", timeout=5).json() == {}
    assert [line for line, _ in seen] == ["GET /v1/p/models HTTP/1.1"]


@pytest.mark.parametrize("make", [new_session, lambda: image_session(2, 0.1)])
def test_netrc_credentials_are_never_sent(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    make: Callable[[], requests.Session],
) -> None:
    """Neither the ModelArts client nor the image-registry client: a ~/.netrc entry would
    replace the Authorization header a request carries."""
    url, seen = recorder
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    session = make()
    sent = {"X-Auth-Token": "t", "Authorization": "Bearer ours"}
    session.get(f"{url}/v1/p/models", headers=sent, timeout=5)
    headers = seen[0][1]
    assert headers["Authorization"] == "Bearer ours"
    assert headers["X-Auth-Token"] == "t"


def _transport(endpoint: str) -> Transport:
    return Transport(endpoint, TokenAuth("t0ken-value"), timeout=(5.0, 5.0), backoff=0.01)


def test_reads_go_through_the_proxy_requests_would_choose(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Transport.call` sends its GETs straight on requests' pool: through a plain-HTTP
    proxy the request line carries the whole URL, as requests sends it."""
    proxy, seen = recorder
    monkeypatch.setenv("HTTP_PROXY", proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http = _transport("http://modelarts.example")
    for _ in range(2):
        assert http.call("GET", "/v1/p/models", [("limit", "2")]) == (200, {})
    wanted = "GET http://modelarts.example/v1/p/models?limit=2 HTTP/1.1"
    assert [line for line, _ in seen] == [wanted] * 2
    assert http.requests == 2


def test_reads_send_the_headers_a_requests_call_sends(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, seen = recorder
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = _transport(url)
    assert http.call("GET", "/v1/p/models/m1") == (200, {})
    with http.send("GET", "/v1/p/models/m1") as response:
        assert response.json() == {}
    (pooled_line, pooled), (plain_line, plain) = seen
    assert pooled_line == plain_line == "GET /v1/p/models/m1 HTTP/1.1"
    assert pooled["X-Auth-Token"] == "t0ken-value"
    assert {k.lower(): v for k, v in pooled.items()} == {k.lower(): v for k, v in plain.items()}


def test_a_read_that_reaches_no_server_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = Transport("http://127.0.0.1:9", TokenAuth("t0ken-value"), timeout=(1, 1), backoff=0)
    with pytest.raises(RegistryError) as caught:
        http.call("GET", "/v1/p/models")
    assert str(caught.value) == "GET /v1/p/models: ConnectionError from http://127.0.0.1:9"


def test_reads_sign_what_a_requests_call_signs(
    recorder: tuple[str, list[tuple[str, dict[str, str]]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """requests adds its default headers after the signature: the pooled reads too, so a
    proxy that rewrites `Connection` or `Accept-Encoding` cannot break an AK/SK signature."""
    url, seen = recorder
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = Transport(url, AkSkAuth("AK1", "s3cret-sk", "p1"), timeout=(5, 5), backoff=0.01)
    assert http.call("GET", "/v1/p1/models/m1") == (200, {})
    with http.send("GET", "/v1/p1/models/m1") as response:
        assert response.json() == {}

    def signed(headers: dict[str, str]) -> str:
        return headers["Authorization"].split("SignedHeaders=")[1].split(",")[0]

    (_, pooled), (_, plain) = seen
    assert signed(pooled) == signed(plain)
    assert "connection" not in signed(pooled) and "accept-encoding" not in signed(pooled)


def test_a_line_break_in_a_token_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = Transport("http://127.0.0.1:9", TokenAuth("t0ken-value\r"), timeout=(1, 1), backoff=0)
    with pytest.raises(RegistryError) as caught:
        http.call("GET", "/v1/p/models")
    assert str(caught.value).startswith("GET /v1/p/models: InvalidHeader")
    assert "t0ken-value" not in str(caught.value)


def test_a_delete_whose_answer_is_cut_off_is_sent_once() -> None:
    """The body is read after urlopen: a dropped answer is an error, never a second DELETE."""
    requests_seen: list[bytes] = []
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        for _ in range(2):
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                requests_seen.append(conn.recv(65536).split(b"\r\n", 1)[0])
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"dele')

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    endpoint = f"http://127.0.0.1:{listener.getsockname()[1]}"
    http = Transport(endpoint, TokenAuth("t0ken-value"), timeout=(2, 2), backoff=0)
    try:
        with pytest.raises(RegistryError, match="DELETE /v1/p/models/m1: ConnectionError"):
            http.call("DELETE", "/v1/p/models/m1")
    finally:
        listener.close()
        thread.join(5)
    assert requests_seen == [b"DELETE /v1/p/models/m1 HTTP/1.1"]
