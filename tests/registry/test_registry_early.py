"""A plan reads history and the registry while the gate's workers check the files
(sync/early.py): one read when the names guessed covered every name, a second one when they
did not, and the gate's verdict before any error of the early read."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from registry_helpers import TOKEN, ServerFactory

from tests.conftest import GOOD_IMPORT, Run, write
from validator.registry.base import ModelSpec
from validator.registry.local import LocalRegistry
from validator.registry.local_db import Database
from validator.server.serving import RunningServer
from validator.sync import early

NAMES = ("alpha-model", "beta-model", "gamma-model")


@pytest.fixture
def server(make_server: ServerFactory) -> RunningServer:
    return make_server(publish_delay=0.0)


@pytest.fixture
def synced(
    run: Run, repo: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str]]:
    """Three models in three folders, synced; two workers, so the gate runs in parallel.
    A refusing gate leaves its early read running: it ends before the server stops (else
    it would go on retrying a closed port while later tests run)."""
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", "2")
    for name in NAMES:
        write(repo, f"models/{name}/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", name))
    target = ("--registry", f"{server.url}/v1/{server.project_id}")
    assert run("sync", *target).code == 0
    shutil.rmtree(repo / ".modelarts-gitops" / "cache")
    yield target
    for thread in threading.enumerate():
        if thread.name == early.THREAD_NAME:
            thread.join(timeout=30)


def test_a_covered_plan_reads_the_registry_once(
    run: Run, server: RunningServer, synced: tuple[str, str]
) -> None:
    lists, shows = server.api.lists, server.api.shows
    result = run("plan", *synced)
    assert result.out.startswith("No changes."), result.out + result.err
    assert server.api.lists - lists == 1  # the early read's page, and no second listing
    assert server.api.shows - shows == len(NAMES)


def test_a_name_the_guess_cannot_read_is_read_again(
    run: Run, repo: Path, server: RunningServer, synced: tuple[str, str]
) -> None:
    # `\x2d` is `-` to YAML; the early read's guess does not read escapes.
    path = repo / "models" / "beta-model" / "1.0.0.yaml"
    path.write_text(path.read_text().replace("name: beta-model", 'name: "beta\\x2dmodel"'))
    lists = server.api.lists
    result = run("plan", *synced)
    assert result.out.startswith("No changes."), result.out + result.err
    assert server.api.lists - lists == 2  # the early read did not cover beta-model


def test_the_gate_speaks_before_an_early_read_that_failed(
    run: Run, repo: Path, synced: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELARTS_TOKEN", "not-the-token")  # the early read gets a 401
    write(repo, "models/alpha-model/1.0.1.yaml", GOOD_IMPORT.replace("name: demo-model\n", ""))
    result = run("plan", *synced)
    assert result.code != 0
    assert "error-level finding(s)" in result.err
    assert "ModelArts.0203" not in result.err


def test_an_early_read_that_failed_is_reported_after_the_gate(
    run: Run, synced: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELARTS_TOKEN", "not-the-token")
    result = run("plan", *synced)
    assert result.code != 0
    assert result.err.startswith("error: ") and "ModelArts.0203" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        (b"name: churn\nversion: 1.0.0\n", "churn"),
        (b"version: '1.0.0'\nname: 'churn.v2'  # the model\r\n", "churn.v2"),
        (b'# a comment\nname: "churn"\n', "churn"),
        (b"docs:\n  - name: guide\n", None),  # not a top-level key
        (b'name: "churn\\x2d"\n', None),  # an escape: not guessed
        (b"name: 'churn\"\n", None),  # quotes that do not pair
        (b"{name: churn}\n", None),
        (b"name: \xff\xfe\n", None),
        (b"", None),
    ],
)
def test_names_are_guessed_cheaply_or_not_at_all(
    tmp_path: Path, text: bytes, guess: str | None
) -> None:
    path = tmp_path / "1.0.0.yaml"
    path.write_bytes(text)
    assert early.guess_name(path) == guess
    assert early.guess_name(tmp_path / "gone.yaml") is None


@pytest.fixture
def alive(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """For each early read, how many worker processes were alive when it started."""
    counts: list[int] = []
    original = early.EarlyRead.read

    def spy(self: early.EarlyRead, files: list[Path]) -> None:
        counts.append(len(multiprocessing.active_children()))
        original(self, files)

    monkeypatch.setattr(early.EarlyRead, "read", spy)
    return counts


def test_the_early_read_runs_once_while_the_workers_check(
    run: Run, synced: tuple[str, str], alive: list[int]
) -> None:
    assert run("plan", *synced).out.startswith("No changes.")
    assert len(alive) == 1 and alive[0] >= 1


def test_the_embedded_registry_is_read_whole_while_the_workers_check(
    run: Run, repo: Path, synced: tuple[str, str], alive: list[int]
) -> None:
    assert run("sync").code == 0  # sync plans first: one early read
    alive.clear()
    # beta-model escapes the guess; the whole read covers it all the same
    path = repo / "models" / "beta-model" / "1.0.0.yaml"
    path.write_text(path.read_text().replace("name: beta-model", 'name: "beta\\x2dmodel"'))
    result = run("plan")
    assert result.out.startswith("No changes."), result.out + result.err
    assert len(alive) == 1 and alive[0] >= 1


@pytest.fixture
def silent() -> Iterator[tuple[str, list[socket.socket]]]:
    """A registry that accepts connections and never answers; the connections it got."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept() -> None:
        with contextlib.suppress(OSError):
            while True:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1/p1", accepted
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_refusing_gate_never_waits_for_the_registry(
    repo: Path, silent: tuple[str, list[socket.socket]], workers: str
) -> None:
    """Findings come at once however slow the registry; a serial gate does not contact it."""
    url, accepted = silent
    for name in NAMES:
        write(repo, f"models/{name}/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", name))
    write(repo, "models/alpha-model/1.0.1.yaml", GOOD_IMPORT.replace("name: demo-model\n", ""))
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN, "MODELARTS_GITOPS_WORKERS": workers}
    command = [sys.executable, "-m", "validator", "plan", "--registry", url]
    # The registry's read timeout is 30 s: a run that waited for it would time out here.
    result = subprocess.run(
        command, cwd=repo, env=env, capture_output=True, text=True, timeout=25, check=False
    )
    assert result.returncode == 1, result.stderr
    assert "error-level finding(s)" in result.stderr
    if workers == "1":
        assert accepted == []


def test_a_damaged_row_of_another_team_is_one_line(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beside the workers the embedded registry is read whole: a damaged row anywhere is a
    one-line error, never a crash."""
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", "2")
    for name in NAMES:
        write(repo, f"models/{name}/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", name))
    assert run("sync").code == 0
    registry = LocalRegistry(repo / ".modelarts-gitops" / "registry.db")
    registry.create(ModelSpec(name="theirs", version="1.0.0", source_location="swr/x/y:1"))
    registry.close()
    with sqlite3.connect(repo / ".modelarts-gitops" / "registry.db") as db:
        db.execute("UPDATE models SET install_type = 'not json' WHERE name = 'theirs'")
    result = run("plan")
    assert result.code != 0
    assert result.err.startswith("error: cannot read ") and "is damaged" in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["plan", "sync"])
def test_a_refusing_gate_closes_the_embedded_registry_only_after_its_read(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Closing the SQLite file under the early read's query crashed the process (exit 139):
    a refused plan waits for that read, one query, before its caller closes the registry.
    The read is slowed here so that the gate surely refuses first."""
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", "2")
    for name in NAMES:
        write(repo, f"models/{name}/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", name))
    assert run("sync").code == 0
    write(repo, "models/alpha-model/1.0.1.yaml", GOOD_IMPORT.replace("name: demo-model\n", ""))
    reading, read_when_closed = threading.Event(), []
    original_read, original_close = early.EarlyRead.read, Database.close

    def slow_read(self: early.EarlyRead, files: list[Path]) -> None:
        reading.set()
        time.sleep(0.3)
        original_read(self, files)
        reading.clear()

    def close(self: Database) -> None:
        read_when_closed.append(reading.is_set())
        original_close(self)

    monkeypatch.setattr(early.EarlyRead, "read", slow_read)
    monkeypatch.setattr(Database, "close", close)
    result = run(command)
    assert result.code == 1 and "error-level finding(s)" in result.err, result.err
    assert read_when_closed == [False]
