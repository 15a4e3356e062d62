"""Interruptions tell the truth; saved plans are data, checked against a plan made now."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import git
import pytest

from tests.conftest import Run
from tests.sync_helpers import DB, add, commit, stored
from validator.registry.local import LocalRegistry
from validator.server.api import ServerConfig
from validator.server.faults import FaultConfig
from validator.server.serving import start_server
from validator.sync.plan import fingerprint

TOKEN = "int-token-4b5c6d7e"


@pytest.mark.parametrize(("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_sync_reports_every_finished_change_then_a_summary(
    repo: Path, tmp_path: Path, number: int, code: int
) -> None:
    for minor in range(6):
        add(repo, "slow", f"1.{minor}.0")
    commit(repo)
    # Each call waits 1 s (a change is two calls): the signal comes while most changes are
    # still to start, even on a loaded machine slow to deliver it (0.5 s was not enough).
    config = ServerConfig(token=TOKEN, project_id="p1", faults=FaultConfig(latency=1.0))
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    with start_server(tmp_path / "slow.db", config) as slow:
        command = [sys.executable, "-m", "validator", "sync", "--registry", slow.url + "/v1/p1"]
        process = subprocess.Popen(
            [*command, "--concurrency", "2"], cwd=repo, env=env, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if line.startswith("[1/"):
                break
        process.send_signal(number)
        rest = process.stdout.read()  # not communicate(): it would skip what is buffered here
        process.stdout.close()
        process.wait(timeout=60)
        output = "".join(lines) + rest
        created = len(slow.registry.list())
    assert process.returncode == code, output
    results = [line for line in output.splitlines() if line.startswith("[")]
    assert len([r for r in results if ": ok: created" in r]) == created, output
    assert 1 <= created < 6
    assert output.splitlines()[-1] == (
        f"Sync interrupted: {created} of 6 changes applied, 0 failed, {6 - created} not started;"
        " run sync again to finish."
    )
    assert "Traceback" not in output


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
