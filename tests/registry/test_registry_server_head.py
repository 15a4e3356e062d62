"""The server reads request heads itself (server/head.py): raw bytes on a real socket."""

from __future__ import annotations

import json
import socket

import pytest
from registry_helpers import PROJECT, TOKEN

from validator.server.serving import RunningServer

LIST = f"/v1/{PROJECT}/models"


def exchange(server: RunningServer, data: bytes, answers: int = 1) -> list[tuple[str, dict]]:
    """Send raw bytes; read `answers` answers: (status line, JSON body)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(data)
        stream = conn.makefile("rb")
        found = []
        for _ in range(answers):
            status = stream.readline().decode().rstrip("\r\n")
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            found.append((status, json.loads(stream.read(length)) if length else {}))
        return found


def get(path: str = LIST, *extra: str, version: str = "HTTP/1.1") -> bytes:
    lines = [f"GET {path} {version}", "Host: 127.0.0.1", f"X-Auth-Token: {TOKEN}", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def test_keep_alive_answers_each_request_on_one_connection(server: RunningServer) -> None:
    (first, body), (second, _) = exchange(server, get() + get(), answers=2)
    assert first == second == "HTTP/1.1 200 OK"
    assert body["total_count"] == 0


def test_header_names_are_case_insensitive(server: RunningServer) -> None:
    data = get().replace(b"X-Auth-Token", b"x-AUTH-token")
    assert exchange(server, data)[0][0] == "HTTP/1.1 200 OK"


def test_a_folded_header_line_continues_the_one_before(server: RunningServer) -> None:
    data = get(LIST, "X-Note: first", "\tsecond")
    assert exchange(server, data)[0][0] == "HTTP/1.1 200 OK"


def test_connection_close_is_honoured(server: RunningServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(get(LIST, "Connection: close"))
        answer = b""
        while chunk := conn.recv(65536):  # the server closes: recv returns b"" at the end
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (get(LIST, *(f"X-{n}: v" for n in range(101))), 431, "Too many headers"),
        (get(LIST, "X-Long: " + "v" * 70000), 431, "Line too long"),
        (get(LIST, "no colon here"), 400, "Bad header line ('no colon here')"),
        (get(LIST, "X-Bad : name"), 400, "Bad header line ('X-Bad : name')"),
        (get(LIST, "X-Ok: v").replace(b"Host:", b" Host:"), 400, "Bad header line"),
        (get(version="HTTP/\u00b2.1"), 400, "Bad request version"),
        (get(version="HTTP/x.y"), 400, "Bad request version ('HTTP/x.y')"),
        (get(version="HTTP/2.0"), 505, "Invalid HTTP version (2.0)"),
        (b"GET /\r\n\r\n", 400, "Bad request syntax ('GET /')"),
    ],
)
def test_a_bad_head_is_refused_in_modelarts_shape(
    server: RunningServer, data: bytes, status: int, message: str
) -> None:
    [(line, body)] = exchange(server, data)
    assert line.startswith(f"HTTP/1.1 {status} ")
    assert body["error_code"] == "ModelArts.0101"
    assert body["error_msg"].startswith(message)


def test_expect_100_continue_is_answered_before_the_body(server: RunningServer) -> None:
    body = b"{}"
    head = (
        f"POST {LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: {TOKEN}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        "Expect: 100-continue\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as conn:
        conn.sendall(head)
        assert conn.recv(25).startswith(b"HTTP/1.1 100 Continue")
        conn.sendall(body)
        answer = conn.recv(65536)
    assert answer.split(b"\r\n", 1)[0].split()[1] == b"400"  # an empty CreateModel body
