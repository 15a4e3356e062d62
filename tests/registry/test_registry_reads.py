"""Reads that scale: details only for owned names, the ShowModel cache, read-only plans."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from registry_helpers import TOKEN, ClientFactory, ServerFactory, spec

from tests.conftest import GOOD_IMPORT, Run, write
from validator.registry.base import RegistryError
from validator.registry.local import LocalRegistry
from validator.registry.showcache import VERSION, ShowCache, cache_path
from validator.server.serving import RunningServer


def shows(server: RunningServer, before: int = 0) -> int:
    return server.api.shows - before


def test_details_only_for_matching_names(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(publish_delay=0.0)
    client = make_client(server)
    mine = {client.create(spec("mine", f"1.0.{n}")) for n in range(4)}
    for n in range(5):
        client.create(spec("theirs", f"1.0.{n}"))
    before = server.api.shows
    models = client.list(match=lambda name: name == "mine")
    assert {m.model_id for m in models} == mine
    assert shows(server, before) == 4  # no ShowModel for other teams' models


def test_cache_serves_details_of_finished_imports(
    make_server: ServerFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = make_server(publish_delay=0.0)
    path = tmp_path / "cache.json"
    client = make_client(server, cache=path)
    made = '{"model_type":"Image","health":{"url":"/health","protocol":"http"}}'
    ids = {client.create(spec("m", f"1.0.{n}", initial_config=made)) for n in range(5)}
    first = client.list()
    stored = json.loads(path.read_text())
    assert stored["version"] == VERSION
    # kept as read: the canonical config, and no `apis` (checked on the first read only)
    for entry in stored["entries"].values():
        assert "apis" not in entry and "model_status" not in entry
    canonical = '{"health":{"protocol":"http","url":"/health"},"model_type":"Image"}'
    assert [entry["config"] for entry in stored["entries"].values()] == [canonical] * 5
    assert {m.spec.initial_config for m in first} == {canonical}
    before = server.api.shows
    again = make_client(server, cache=path)
    second = again.list()
    assert shows(server, before) == 0  # list pages only
    assert sorted(m.model_id for m in second) == sorted(ids)
    assert sorted(first, key=lambda m: m.model_id) == sorted(second, key=lambda m: m.model_id)
    # A status change reaches the reader through the list page, not the cache.
    server.registry.delete(next(iter(ids)))
    assert len(make_client(server, cache=path).list()) == 4
    assert len(json.loads(path.read_text())["entries"]) == 4  # the deleted id is dropped


def test_publishing_models_are_not_cached(
    make_server: ServerFactory, make_client: ClientFactory, tmp_path: Path
) -> None:
    server = make_server(publish_delay=30.0)
    path = tmp_path / "cache.json"
    client = make_client(server, cache=path)
    client.create(spec())
    client.list()
    assert not path.exists() or json.loads(path.read_text())["entries"] == {}


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b'{"version": "showmodel-2", "entries": []}',
        b"\x00\xff" * 10,
        b'{"version": "showmodel-2", "entries": {"x": {"model_name": 5}}}',
    ],
)
def test_a_damaged_cache_reads_as_empty(
    make_server: ServerFactory, make_client: ClientFactory, tmp_path: Path, damage: bytes
) -> None:
    server = make_server(publish_delay=0.0)
    model_id = make_client(server).create(spec())
    path = tmp_path / "cache.json"
    path.write_bytes(damage.replace(b'"x"', f'"{model_id}"'.encode()))
    models = make_client(server, cache=path).list()
    assert [m.model_id for m in models] == [model_id]
    assert model_id in json.loads(path.read_text())["entries"]


def test_concurrent_writers_never_leave_a_broken_cache(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    body = {"model_id": "x", "model_name": "m", "model_version": "1.0.0"}

    def writer(n: int) -> None:
        for i in range(30):
            cache = ShowCache(path)
            cache.put(f"{n}-{i}", {**body, "model_status": "published"}, None)
            cache.save()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = json.loads(path.read_text())["entries"]  # whole JSON: never half a file
    assert len(entries) >= 30
    assert all(entry == body for entry in entries.values())


def test_cache_files_are_per_registry(tmp_path: Path) -> None:
    one = cache_path(tmp_path, "https://a", "p1")
    assert one is not None and one.parent == tmp_path / ".modelarts-gitops" / "cache"
    assert one != cache_path(tmp_path, "https://a", "p2")
    assert one != cache_path(tmp_path, "https://b", "p1")
    assert (tmp_path / ".modelarts-gitops" / ".gitignore").exists()


def test_read_only_registry_never_creates_the_file(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "registry.db"
    registry = LocalRegistry(path, read_only=True)
    try:
        assert registry.list() == []
        assert registry.get("x") is None
        with pytest.raises(RegistryError, match="read-only"):
            registry.create(spec())
    finally:
        registry.close()
    assert not path.parent.exists()


def test_read_only_registry_reads_a_wal_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    writer = LocalRegistry(path)
    model_id = writer.create(spec())
    writer.close()
    reader = LocalRegistry(path, read_only=True)
    try:
        assert [m.model_id for m in reader.list()] == [model_id]
    finally:
        reader.close()


def test_plan_does_not_create_the_sqlite_file(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    result = run("plan", "--registry", "sqlite:///elsewhere/registry.db")
    assert result.code == 0, result.err
    assert "Plan: 1 to create" in result.out
    assert not (repo / "elsewhere").exists()
    assert not (repo / ".modelarts-gitops" / "registry.db").exists()


def test_a_second_plan_over_http_costs_list_pages_only(
    run: Run, repo: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    target = ("--registry", f"{server.url}/v1/{server.project_id}")
    assert run("sync", *target).code == 0
    assert run("plan", *target).out.startswith("No changes.")  # fills the cache
    before = server.api.shows
    again = run("plan", *target)
    assert again.out.startswith("No changes."), again.out
    assert shows(server, before) == 0
