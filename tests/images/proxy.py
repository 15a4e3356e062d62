"""A real HTTP front for the open test registry that misbehaves on purpose.

It forwards GETs to the registry, after answering the first attempt at each path with
`fail_first` (429 or 503 with Retry-After), or it answers every registry call with 500
and echoes the request headers (a server that must not make us print a credential).
It records how many calls were in flight at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests


@dataclass
class Proxy:
    upstream: str  # http://127.0.0.1:PORT of an open registry
    fail_first: int | None = None  # status for the first attempt at each path
    retry_after: str = "1"
    echo_errors: bool = False  # 401 Basic on /v2/, then 500 echoing the headers
    delay: float = 0.0  # seconds each forwarded call takes, to make calls overlap
    attempts: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    most_in_flight: int = 0
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def host(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Proxy:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with owner.lock:
                    owner.attempts[self.path] += 1
                    first = owner.attempts[self.path] == 1
                    owner.in_flight += 1
                    owner.most_in_flight = max(owner.most_in_flight, owner.in_flight)
                try:
                    status, body, headers = self.answer(first)
                finally:  # before replying: the client sends its next call only after that
                    with owner.lock:
                        owner.in_flight -= 1
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def answer(self, first: bool) -> tuple[int, bytes, dict[str, str]]:
                if owner.echo_errors:
                    if self.path == "/v2/":
                        return 401, b"{}", {"WWW-Authenticate": 'Basic realm="echo"'}
                    echoed = json.dumps(dict(self.headers.items()))
                    body = {"errors": [{"code": echoed, "message": echoed, "detail": echoed}]}
                    return 500, json.dumps(body).encode(), {"X-Echo": echoed}
                if first and owner.fail_first is not None and self.path != "/v2/":
                    return owner.fail_first, b"{}", {"Retry-After": owner.retry_after}
                time.sleep(owner.delay)
                forwarded = {k: v for k, v in self.headers.items() if k.lower() == "accept"}
                upstream = requests.get(owner.upstream + self.path, headers=forwarded, timeout=10)
                keep = ("Content-Type", "Docker-Content-Digest")
                headers = {k: upstream.headers[k] for k in keep if k in upstream.headers}
                return upstream.status_code, upstream.content, headers

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
