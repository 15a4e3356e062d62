"""Real parts only: SQLite files in tmp_path and `registry serve` on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from canned import Canned, CannedFactory, Route
from registry_helpers import PROJECT, TOKEN, Backend, ClientFactory, ServerFactory, config

from validator.registry.auth import Auth, TokenAuth
from validator.registry.local import LocalRegistry
from validator.registry.modelarts import ModelArtsRegistry
from validator.server.serving import RunningServer, start_server


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment would send 127.0.0.1 traffic elsewhere.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def make_server(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start servers with `config(**overrides)`; all are closed after the test."""
    started: list[RunningServer] = []

    def make(**overrides: Any) -> RunningServer:
        server = start_server(tmp_path / f"served{len(started)}.db", config(**overrides))
        started.append(server)
        return server

    yield make
    for server in started:
        server.close()


@pytest.fixture
def server(make_server: ServerFactory) -> RunningServer:
    return make_server()


@pytest.fixture
def make_client() -> Iterator[ClientFactory]:
    """HTTP backends with fast polling and backoff; all are closed after the test."""
    made: list[ModelArtsRegistry] = []

    def make(
        server: RunningServer, auth: Auth | None = None, project_id: str = "", **kw: Any
    ) -> ModelArtsRegistry:
        options: dict[str, Any] = {"poll_interval": 0.01, "backoff": 0.01, "page_size": 3}
        client = ModelArtsRegistry(
            server.url,
            project_id or server.project_id,
            auth or TokenAuth(TOKEN),
            **{**options, **kw},
        )
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(params=["local", "http"])
def backend(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    server: RunningServer,
    make_client: ClientFactory,
) -> Iterator[Backend]:
    if request.param == "local":
        local = LocalRegistry(tmp_path / "deep" / "dir" / "registry.db", poll_interval=0.01)
        yield Backend("local", local, lambda model_id: _mark(local, model_id))
        local.close()
    else:
        yield Backend(
            "http", make_client(server), lambda model_id: _mark(server.registry, model_id)
        )


def _mark(registry: LocalRegistry, model_id: str) -> None:
    assert registry.set_in_use(model_id)


@pytest.fixture
def canned() -> Iterator[CannedFactory]:
    """A recording server answering with `route`, and an HTTP backend pointed at it."""
    servers: list[Canned] = []
    clients: list[ModelArtsRegistry] = []

    def make(route: Route, **kw: Any) -> tuple[Canned, ModelArtsRegistry]:
        server = Canned(route)
        servers.append(server)
        options: dict[str, Any] = {"poll_interval": 0.01, "backoff": 0.001, **kw}
        client = ModelArtsRegistry(server.url, PROJECT, TokenAuth(TOKEN), **options)
        clients.append(client)
        return server, client

    yield make
    for client in clients:
        client.close()
    for server in servers:
        server.close()
