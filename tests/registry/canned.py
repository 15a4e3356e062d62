"""A recording HTTP server on 127.0.0.1 that answers what a test tells it to.

It stands in for ModelArts in tests of the client against the API reference's own example
bodies, and for servers that misbehave (malformed answers, error codes, paging readings).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

CONTRACT = Path(__file__).parent / "contract"


def example(name: str) -> Any:
    """An example body from the API reference, stored in tests/registry/contract/."""
    return json.loads((CONTRACT / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as it is, instead of `body` as JSON


Route = Callable[[Request], Answer]


class Canned:
    """`route(request) -> Answer` answers every request; `requests` records them."""

    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[Request] = []
        canned = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    dict(parse_qsl(parts.query)),
                    self.rfile.read(length) if length else b"",
                )
                canned.requests.append(request)
                answer = canned.route(request)
                data = answer.raw if answer.raw is not None else json.dumps(answer.body).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _any

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def count(self, method: str) -> int:
        return sum(1 for r in self.requests if r.method == method)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


# canned(route, **client options) -> (server, ModelArtsRegistry), see conftest.
CannedFactory = Callable[..., tuple[Canned, Any]]
