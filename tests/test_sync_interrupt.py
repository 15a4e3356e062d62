"""Interruptions tell the truth; saved plans are data, checked against a plan made now."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from tests.conftest import Run
from tests.registry.registry_helpers import spec
from tests.sync_helpers import DB, add, commit, stored
from validator.registry.local import LocalRegistry
from validator.server.api import ServerConfig
from validator.server.serving import start_server
from validator.settings import Settings
from validator.sync.apply import Interrupt, Interrupted, apply
from validator.sync.plan import Action, Change, Plan, fingerprint
from validator.sync.running import run_plan

TOKEN = "int-token-4b5c6d7e"


def _before_each_create(registry: LocalRegistry, hook: Callable[[int], object]) -> None:
    """`hook(n)` runs before the registry's n-th create (from 1), in the thread making it."""
    create, calls = registry.create, itertools.count(1)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        hook(next(calls))
        return create(*args, **kwargs)

    registry.create = wrapped  # type: ignore[method-assign]


def _gate_creates_after(registry: LocalRegistry, passing: int) -> threading.Event:
    """Creates after the first `passing` wait until the returned event is set (60 s at most)."""
    opened = threading.Event()
    _before_each_create(registry, lambda n: n <= passing or opened.wait(60))
    return opened


@pytest.mark.parametrize(("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_sync_reports_every_finished_change_then_a_summary(
    repo: Path, tmp_path: Path, number: int, code: int
) -> None:
    for minor in range(6):
        add(repo, "slow", f"1.{minor}.0")
    commit(repo)
    config = ServerConfig(token=TOKEN, project_id="p1")
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    with start_server(tmp_path / "slow.db", config) as slow:
        # The first two creates go through; later ones wait inside the server until the sync
        # says it was interrupted: however late the signal lands, the last two are still queued.
        opened = _gate_creates_after(slow.registry, passing=2)
        command = [sys.executable, "-m", "validator", "sync", "--registry", slow.url + "/v1/p1"]
        process = subprocess.Popen(
            [*command, "--concurrency", "2"], cwd=repo, env=env, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        lines, masks = [], {}
        for line in process.stdout:
            lines.append(line)
            if line.startswith("[1/"):
                masks = _signal_masks(process.pid)
                process.send_signal(number)
            if line.startswith("Interrupted:"):
                opened.set()
                break
        opened.set()
        rest = process.stdout.read()  # not communicate(): it would skip what is buffered here
        process.stdout.close()
        process.wait(timeout=60)
        output = "".join(lines) + rest
        created = len(slow.registry.list())
    assert process.returncode == code, output
    results = [line for line in output.splitlines() if line.startswith("[")]
    assert len([r for r in results if ": ok: created" in r]) == created, output
    # Nothing starts after the signal: the third and fourth changes may have started before it
    # (the server holds them), the fifth and sixth cannot have.
    assert 2 <= created <= 4, output
    notice = re.search(
        r"^Interrupted: no change starts now(; waiting for the (\d) in flight)?", output, re.M
    )
    assert notice, output
    before = len([line for line in lines if line.startswith("[")])  # reported before the notice
    assert int(notice[2] or 0) <= len(results) - before  # every change in flight is reported
    assert output.splitlines()[-1] == (
        f"Sync interrupted: {created} of 6 changes applied, 0 failed, {6 - created} not started;"
        " run sync again to finish."
    )
    assert "Traceback" not in output
    if masks:  # Linux: only the applying thread takes the signal; a worker would not wake it
        taken = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1))
        assert masks.pop(process.pid) & taken == 0
        assert masks and all(mask & taken == taken for mask in masks.values()), masks


def _signal_masks(pid: int) -> dict[int, int]:
    """Each thread's blocked-signal mask, from /proc (empty where there is none)."""
    masks = {}
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        blocked = re.search(r"^SigBlk:\s*([0-9a-f]+)$", status.read_text(), re.M)
        if blocked:
            masks[int(status.parent.name)] = int(blocked[1], 16)
    return masks


def test_a_second_signal_exits_at_once_and_the_next_sync_finishes(
    repo: Path, tmp_path: Path
) -> None:
    for minor in range(6):
        add(repo, "slow", f"1.{minor}.0")
    commit(repo)
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    with start_server(tmp_path / "slow.db", ServerConfig(token=TOKEN, project_id="p1")) as slow:
        opened = _gate_creates_after(slow.registry, passing=2)
        command = [sys.executable, "-m", "validator", "sync", "--registry", slow.url + "/v1/p1"]
        process = subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith(("[1/", "Interrupted:")):
                process.send_signal(signal.SIGTERM)
        process.stdout.close()
        process.wait(timeout=60)
        output = "".join(lines)
        assert process.returncode == 143, output
        assert lines[-1] == (
            "Interrupted again: exiting without waiting for the changes in flight;"
            " run sync again to finish.\n"
        )
        assert not opened.is_set() and "Traceback" not in output
        opened.set()  # the creates it did not wait for go through, as a registry's may
        again = subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, check=False, timeout=60
        )
        assert again.returncode == 0, again.stdout + again.stderr
        models = sorted(m.spec.key for m in slow.registry.list())
    assert models == [("slow", f"1.{minor}.0") for minor in range(6)]


def test_once_interrupted_no_change_starts(tmp_path: Path) -> None:
    registry = LocalRegistry(tmp_path / "registry.db")
    wanted = [spec("demo", f"1.{minor}.0") for minor in range(4)]
    interrupt, told = Interrupt(), list[int]()

    def signalled(call: int) -> None:
        interrupt.number = signal.SIGTERM  # what the handler does when a signal lands now

    _before_each_create(registry, signalled)
    with pytest.raises(Interrupted) as stopped:
        apply(
            [Change(Action.CREATE, *w.key, desired=w) for w in wanted],
            registry,
            concurrency=2,
            interrupt=interrupt,
            interrupted=told.append,
        )
    results = stopped.value.results
    assert stopped.value.signal_number == signal.SIGTERM
    applied = [r for r in results if r.ok]
    assert 1 <= len(applied) <= 2, results  # the two the workers took first may both run
    assert all(r.detail == "skipped: interrupted" for r in results if not r.ok)
    assert len(told) == 1 and told[0] <= 2  # at most one a worker
    assert len(registry.list()) == len(applied)
    registry.close()


def test_an_unexpected_error_in_a_change_starts_no_other(tmp_path: Path) -> None:
    registry = LocalRegistry(tmp_path / "registry.db")
    wanted = [spec("demo", f"1.{minor}.0") for minor in range(4)]

    def fail_the_second(call: int) -> None:
        if call == 2:
            raise sqlite3.OperationalError("database or disk is full")

    _before_each_create(registry, fail_the_second)
    with pytest.raises(sqlite3.OperationalError):
        apply([Change(Action.CREATE, *w.key, desired=w) for w in wanted], registry, concurrency=1)
    assert [m.spec.key for m in registry.list()] == [wanted[0].key]
    registry.close()


def test_a_signal_as_the_last_change_ends_is_an_interruption(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = LocalRegistry(tmp_path / "registry.db")
    # The signal lands while the only change is in flight, or just after it finished.
    _before_each_create(registry, lambda call: os.kill(os.getpid(), signal.SIGTERM))
    wanted = spec("demo")
    plan = Plan((Change(Action.CREATE, *wanted.key, desired=wanted),), 0, "")
    before = signal.getsignal(signal.SIGTERM)
    code = run_plan(plan, registry, Settings(root=tmp_path), None, False)
    lines = capsys.readouterr().out.splitlines()
    assert code == 143
    assert any(line.startswith("[1/1] + demo 1.0.0: ok: created") for line in lines), lines
    assert lines[-1] == (
        "Sync interrupted: 1 of 1 changes applied, 0 failed, 0 not started;"
        " run sync again to finish."
    )
    assert signal.getsignal(signal.SIGTERM) is before
    registry.close()


@pytest.fixture
def synced(run: Run, repo: Path) -> Path:
    add(repo, "demo", "1.0.0")
    add(repo, "demo", "1.1.0")
    add(repo, "other", "0.1.0")
    commit(repo)
    assert run("sync").code == 0
    return repo


def test_a_saved_plan_cannot_widen_ownership(run: Run, synced: Path) -> None:
    registry = LocalRegistry(synced / DB)
    foreign = registry.list(["other"])[0].spec
    from dataclasses import replace

    their_id = registry.create(replace(foreign, name="their-model"))
    registry.close()
    (synced / "models/demo/1.0.0.yaml").unlink()
    assert run("plan", "--prune", "--out", "plan.json").code == 0
    document = json.loads((synced / "plan.json").read_text())
    document["owns"] = ["*"]
    delete = next(c for c in document["changes"] if c["action"] == "delete")
    forged = json.loads(json.dumps(delete))
    forged.update(name="their-model", version="0.1.0")
    forged["current"].update(model_id=their_id)
    forged["current"]["spec"].update(name="their-model", version="0.1.0")
    document["changes"].append(forged)
    registry = LocalRegistry(synced / DB)
    document["state"] = fingerprint(registry.list())  # what `owns: ["*"]` makes of the state
    registry.close()
    (synced / "plan.json").write_text(json.dumps(document))
    result = run("sync", "--plan", "plan.json")
    assert result.code == 1
    assert result.err == (
        "error: plan.json deletes their-model 0.1.0, a name this repository does not own now;"
        " run `modelarts-gitops plan` again\n"
    )
    assert ("their-model", "0.1.0") in stored(synced)
    assert ("demo", "1.0.0") in stored(synced)


def test_a_saved_plan_is_refused_when_the_gate_or_a_service_says_no(run: Run, synced: Path) -> None:
    (synced / "models/demo/1.0.0.yaml").unlink()
    commit(synced, "retire demo 1.0.0")
    assert run("plan", "--prune", "--out", "plan.json").code == 0
    registry = LocalRegistry(synced / DB)
    demo = next(m for m in registry.list(["demo"]) if m.spec.version == "1.0.0")
    registry.set_in_use(demo.model_id, service="demo-api")
    registry.close()
    used = run("sync", "--plan", "plan.json")
    assert used.code == 1
    assert "which the plan made now from the repository does not" in used.err
    registry = LocalRegistry(synced / DB)
    registry.set_in_use(demo.model_id, False)
    registry.close()
    (synced / "models/other/0.1.0.yaml").write_text("name: other\nversion: [broken\n")
    broken = run("sync", "--plan", "plan.json")
    assert broken.code == 1
    assert "MA001 error" in broken.err
    assert len(stored(synced)) == 3


def test_a_saved_plan_is_refused_on_an_older_checkout(
    run: Run, synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with git.Repo(synced) as handle:
        handle.git.branch("-M", "main")
    (synced / "models/demo/1.0.0.yaml").unlink()
    commit(synced, "retire demo 1.0.0")
    clone = tmp_path / "clone"
    git.Repo.clone_from(f"file://{synced}", clone).close()
    (clone / ".modelarts-gitops").mkdir()
    (clone / DB).write_bytes((synced / DB).read_bytes())
    monkeypatch.chdir(clone)
    assert run("plan", "--prune", "--out", "plan.json").code == 0
    with git.Repo(clone) as handle:
        handle.git.reset("--hard", "HEAD~1")
    result = run("sync", "--plan", "plan.json")
    assert result.code == 1
    assert "newer commit" in result.err
    assert len(stored(clone)) == 3
