"""`registry serve`: the local SQLite registry behind a ModelArts-compatible HTTP API.

The behaviour lives in api.py; this module only moves bytes between sockets and it.
Request lines are logged (they carry no secrets); headers never are.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any, TextIO

from validator.registry.base import RegistryError
from validator.registry.local import LocalRegistry
from validator.server.api import ModelArtsApi, Reply, ServerConfig, error
from validator.server.faults import FaultConfig
from validator.server.head import HeadParsingHandler

MAX_BODY = 1 << 20  # a CreateModel body is a few KiB; refuse to buffer more than this
IDLE_TIMEOUT = 60.0  # seconds an idle keep-alive connection stays open


class _Server(ThreadingHTTPServer):
    # Handler threads are joined on close, after their sockets are shut down (see close()),
    # so no request is still using the database when it is closed.
    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], api: ModelArtsApi, *, quiet: bool) -> None:
        super().__init__(address, _Handler)
        self.api = api
        self.quiet = quiet
        self.connections: set[socket.socket] = set()
        self.mutex = threading.Lock()

    def shut_connections(self) -> None:
        with self.mutex:
            for connection in self.connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)


class _Handler(HeadParsingHandler):
    # HTTP/1.1: connections are kept alive between requests, as ModelArts' are.
    protocol_version = "HTTP/1.1"
    timeout = IDLE_TIMEOUT
    # Headers and body leave in one write (flushed per request), with Nagle off: a small
    # answer split into two segments would wait out the client's delayed ACK.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.mutex:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.mutex:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def _answer(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True  # the body's end is unknown: the stream is lost
            self._send(
                error(413, "ModelArts.0101", "body without a valid Content-Length or over 1 MiB")
            )
            return
        body = self.rfile.read(length) if length else b""
        headers = dict(self.headers.items())
        reply = self.server.api.handle(method, self.path, headers, body)
        if reply.drop:
            self.close_connection = True
            return  # the server closes the socket: the client sees no answer at all
        self._send(reply)

    def _send(self, reply: Reply) -> None:
        data = b"" if reply.body is None else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Protocol errors (a bad request line, an unknown method) in ModelArts' shape too."""
        self.close_connection = True
        text = message or self.responses.get(code, ("error",))[0]
        self._send(error(code, "ModelArts.0101", text))

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


class RunningServer:
    """A server on its own thread; `close()` stops it and closes the database."""

    def __init__(
        self, db_path: str | Path, config: ServerConfig, host: str, port: int, *, quiet: bool
    ) -> None:
        self.registry = LocalRegistry(db_path)
        self.api = ModelArtsApi(self.registry, config)
        try:
            self._server = _Server((host, port), self.api, quiet=quiet)
        except OSError as exc:
            self.registry.close()
            raise RegistryError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.host = host
        self.port: int = self._server.server_address[1]
        self.project_id = config.project_id
        # A short poll interval makes close() quick; idle cost is negligible.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The endpoint to give the HTTP backend (without /v1/<project>)."""
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.shut_connections()  # idle keep-alive connections end now
        self._server.server_close()  # joins the handler threads
        self._thread.join()
        self.registry.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start_server(
    db_path: str | Path,
    config: ServerConfig,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    quiet: bool = True,
) -> RunningServer:
    """Serve in a background thread (tests); port 0 picks a free port, see `.port`."""
    return RunningServer(db_path, config, host, port, quiet=quiet)


def serve(
    host: str,
    port: int,
    db_path: str | Path,
    token: str,
    *,
    ak: str | None = None,
    sk: str | None = None,
    project_id: str = "local",
    publish_delay: float = 0.0,
    faults: FaultConfig = FaultConfig(),  # noqa: B008 - frozen, so sharing it is safe
    username: str | None = None,
    password: str | None = None,
    domain: str | None = None,
    failed_names: frozenset[str] = frozenset(),
    build_failed_names: frozenset[str] = frozenset(),
    offset_items: bool = False,
    out: TextIO | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve in the foreground until Ctrl-C (returns normally) or until `stop` is set.

    Prints the URL it serves to `out` (stdout), then one line per request to stderr.
    """
    config = ServerConfig(
        token=token,
        project_id=project_id,
        ak=ak,
        sk=sk,
        username=username,
        password=password,
        domain=domain,
        publish_delay=publish_delay,
        failed_names=failed_names,
        build_failed_names=build_failed_names,
        faults=faults,
        offset_items=offset_items,
    )
    with start_server(db_path, config, host=host, port=port, quiet=False) as running:
        stream = out or sys.stdout
        print(f"serving ModelArts-compatible API on {running.url}/v1/{project_id}", file=stream)
        stream.flush()
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the normal way to stop
            (stop or threading.Event()).wait()
