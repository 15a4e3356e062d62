"""plan / sync / export end to end: real git repositories, real SQLite, the real HTTP server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from tests.pipes import first_line_then_leave, into_a_closed_pipe
from tests.sync_helpers import stored
from validator.registry.local import LocalRegistry
from validator.server.api import ServerConfig
from validator.server.faults import FaultConfig
from validator.server.serving import RunningServer, start_server

TOKEN = "s3cr3t-token-value"
DB = ".modelarts-gitops/registry.db"


def add(root: Path, name: str, version: str, description: str = "A demo model") -> Path:
    text = GOOD_IMPORT.replace("demo-model", name).replace('"1.0.0"', f'"{version}"')
    return write(root, f"models/{name}/{version}.yaml", text.replace("A demo model", description))


@pytest.fixture
def models(repo: Path) -> Path:
    for version in ("1.0.0", "1.1.0"):
        add(repo, "demo", version)
    add(repo, "other", "0.1.0")
    return repo


def test_sync_creates_then_a_second_sync_changes_nothing(run: Run, models: Path) -> None:
    first = run("sync")
    assert first.code == 0, first.err
    assert "Plan: 3 to create, 0 to delete, 0 conflicts." in first.out
    assert "Sync: 3 changes applied." in first.out
    assert stored(models) == [("demo", "1.0.0"), ("demo", "1.1.0"), ("other", "0.1.0")]
    second = run("sync")
    assert second.code == 0
    assert second.out.startswith("No changes.")


def test_sync_refuses_to_touch_the_registry_when_validation_fails(run: Run, models: Path) -> None:
    write(models, "models/demo/1.2.0.yaml", "name: demo\nversion: 1.2\n")
    result = run("sync")
    assert result.code == 1
    assert "fix them before planning or syncing" in result.err
    assert "models/demo/1.2.0.yaml:2:10: MA202 error" in result.err
    assert not (models / DB).exists() or stored(models) == []


def test_plan_detailed_exitcode_and_formats(run: Run, models: Path) -> None:
    assert run("plan", "--detailed-exitcode").code == 2
    document = json.loads(run("plan", "--format", "json").out)
    assert document["summary"] == {
        "create": 3,
        "replace": 0,
        "delete": 0,
        "conflict": 0,
        "unchanged": 0,
        "kept": 0,
    }
    assert run("plan", "--format", "markdown").out.startswith("### ModelArts sync plan")
    run("sync")
    assert run("plan", "--detailed-exitcode").code == 0


def test_saved_plan_is_applied_and_a_stale_one_refused(run: Run, models: Path) -> None:
    assert run("plan", "--out", "plan.json").code == 0
    assert run("sync", "--plan", "plan.json").code == 0
    assert len(stored(models)) == 3
    add(models, "late", "1.0.0")
    run("plan", "--out", "stale.json")
    registry = LocalRegistry(models / DB)
    model = registry.list(["demo"])[0]
    registry.delete(model.model_id)
    registry.close()
    result = run("sync", "--plan", "stale.json")
    assert result.code == 1
    assert "the registry changed since the plan was made" in result.err
    assert ("late", "1.0.0") not in stored(models)


def test_prune_deletes_only_owned_names(run: Run, models: Path) -> None:
    run("sync")
    registry = LocalRegistry(models / DB)
    foreign = registry.list(["other"])[0].spec
    from dataclasses import replace

    registry.create(replace(foreign, name="someone-else"))
    registry.close()
    (models / "models/demo/1.0.0.yaml").unlink()
    kept = run("plan").out
    assert "= demo 1.0.0  kept: not in the models folder (plan --prune deletes it)" in kept
    assert "- demo 1.0.0" in run("plan", "--prune").out
    result = run("sync", "--prune")
    assert result.code == 0, result.out + result.err
    assert stored(models) == [("demo", "1.1.0"), ("other", "0.1.0"), ("someone-else", "0.1.0")]


def test_safety_limit_on_deletions_needs_force(run: Run, repo: Path) -> None:
    for minor in range(8):
        add(repo, "many", f"1.{minor}.0")
    run("sync")
    for minor in range(1, 8):
        (repo / f"models/many/1.{minor}.0.yaml").unlink()
    refused = run("sync", "--prune")
    assert refused.code == 1
    assert "over the safety limit" in refused.err
    assert len(stored(repo)) == 8
    assert run("sync", "--prune", "--force").code == 0
    assert stored(repo) == [("many", "1.0.0")]


def test_conflict_is_never_overwritten_and_replace_recreates(run: Run, models: Path) -> None:
    run("sync")
    add(models, "demo", "1.0.0", description="Edited after publishing")
    conflict = run("sync")
    assert conflict.code == 1
    assert "! demo 1.0.0  (conflict)" in conflict.out
    assert 'description: "A demo model" -> "Edited after publishing"' in conflict.out
    registry = LocalRegistry(models / DB)
    assert registry.list(["demo"])[0].spec.description == "A demo model"
    registry.close()
    replaced = run("sync", "--replace")
    assert replaced.code == 0, replaced.out
    registry = LocalRegistry(models / DB)
    descriptions = {m.spec.version: m.spec.description for m in registry.list(["demo"])}
    in_use = registry.list(["other"])[0]
    registry.set_in_use(in_use.model_id)
    registry.close()
    assert descriptions["1.0.0"] == "Edited after publishing"
    add(models, "other", "0.1.0", description="Changed too")
    blocked = run("sync", "--replace")
    assert blocked.code == 1
    assert "kept: used by service service-" in blocked.out


def test_a_second_sync_is_locked_out(run: Run, models: Path) -> None:
    registry = LocalRegistry(models / DB)
    with registry.lock():
        result = run("sync")
    registry.close()
    assert result.code == 1
    assert "another sync holds the lock" in result.err


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    config = ServerConfig(token=TOKEN, project_id="p1")
    with start_server(tmp_path / "served.db", config) as running:
        yield running


def test_sync_over_http_and_no_secret_in_any_output(
    run: Run, models: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    target = ("--registry", server.url, "--project-id", "p1")
    planned = run("plan", *target, "--out", "plan.json", "--format", "json")
    synced = run("sync", *target)
    again = run("sync", *target)
    assert synced.code == 0, synced.err
    assert again.out.startswith("No changes.")
    assert len(server.registry.list()) == 3
    everything = (
        planned.out + planned.err + synced.out + synced.err + (models / "plan.json").read_text()
    )
    assert TOKEN not in everything
    monkeypatch.setenv("MODELARTS_TOKEN", "wrong")
    denied = run("plan", *target)
    assert denied.code == 1
    assert "ModelArts.0203" in denied.err or "401" in denied.err
    assert "wrong" not in denied.err


def test_http_sync_converges_under_faults_without_duplicates(
    run: Run, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for minor in range(10):
        add(repo, "flaky", f"1.{minor}.0")
    faults = FaultConfig(seed=7, error_rate=0.1, drop_rate=0.1, throttle_rate=0.0)
    config = ServerConfig(token=TOKEN, project_id="p1", faults=faults)
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    with start_server(tmp_path / "faulty.db", config) as faulty:
        target = ("--registry", faulty.url, "--project-id", "p1")
        for _ in range(3):  # converges; every run is safe to repeat
            if run("sync", *target, "--keep-going").code == 0:
                break
        keys = [m.spec.key for m in faulty.registry.list()]
        assert faulty.api.faults.counts  # faults really happened
    assert sorted(keys) == sorted(set(keys))
    assert len(keys) == 10


def sync_command(server: RunningServer) -> list[str]:
    """A `sync` against the server, one change at a time, as a separate process."""
    target = ["--registry", server.url, "--project-id", "p1", "--concurrency", "1"]
    return [sys.executable, "-m", "validator", "sync", *target]


def signal_after_first_result(
    repo: Path, server: RunningServer, signal_number: int
) -> subprocess.Popen[str]:
    """Start a sync, wait for its first result line, then send it a signal; it has ended."""
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    process = subprocess.Popen(
        sync_command(server), cwd=repo, env=env, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("[1/"):
            break
    process.send_signal(signal_number)
    process.communicate(timeout=30)
    return process


def test_killed_sync_converges_when_run_again(repo: Path, tmp_path: Path) -> None:
    for minor in range(6):
        add(repo, "slow", f"1.{minor}.0")
    config = ServerConfig(token=TOKEN, project_id="p1", faults=FaultConfig(latency=0.25))
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    with start_server(tmp_path / "slow.db", config) as slow:
        signal_after_first_result(repo, slow, signal.SIGKILL)
        partial = len(slow.registry.list())
        assert 1 <= partial < 6
        done = subprocess.run(
            sync_command(slow), cwd=repo, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout + done.stderr
        keys = [m.spec.key for m in slow.registry.list()]
    assert len(keys) == 6 == len(set(keys))


def test_export_writes_files_that_validate_and_plan_clean(run: Run, models: Path) -> None:
    run("sync")
    exported = models / "exported"
    assert run("export", "--out", str(exported)).code == 0
    # This repository has no schemas/ folder: no `$schema` comment pointing to one.
    assert not (exported / "demo/1.0.0.yaml").read_text().startswith("# yaml-language-server")
    assert run("export", "--out", str(exported)).code == 2  # never overwrites without --force
    assert run("export", "--out", str(exported), "--force").code == 0
    for path in (models / "models").iterdir():
        for file in path.iterdir():
            file.unlink()
        path.rmdir()
    (exported).rename(models / "models")
    result = run("validate")
    assert result.code == 0, result.out
    assert run("plan").out.startswith("No changes.")


def test_registry_serve_prints_its_url(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "validator",
        "registry",
        "serve",
        "--port",
        "0",
        "--db",
        str(tmp_path / "r.db"),
        "--token",
        TOKEN,
        "--project-id",
        "p9",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert line.startswith("serving ModelArts-compatible API on http://127.0.0.1:")
    assert line.rstrip().endswith("/v1/p9")
    assert TOKEN not in line


def test_bad_registry_url_is_a_one_line_error(run: Run, models: Path) -> None:
    result = run("plan", "--registry", "ftp://example.com")
    assert result.code == 2
    assert result.err.startswith("error: unsupported registry URL")


def test_registry_and_project_come_from_the_environment_over_the_file(
    run: Run, models: Path, server: RunningServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(models, ".modelarts-gitops.yaml", "registry:\n  project_id: from-the-file\n")
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    monkeypatch.setenv("MODELARTS_REGISTRY", server.url)
    monkeypatch.setenv("MODELARTS_PROJECT_ID", "p1")
    result = run("sync")
    assert result.code == 0, result.err
    assert len(server.registry.list()) == 3
    assert not (models / DB).exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c.update(desired=None),
        lambda c: c["desired"].update(name="evil"),
        lambda c: c["desired"].update(install_type="abc"),
        lambda c: c["desired"].update(name=123),
        lambda c: c.update(name="../../x", version="1.0.0"),
        lambda c: c.update(action="explode"),
    ],
)
def test_an_edited_plan_file_is_refused_before_anything_happens(
    run: Run, models: Path, tamper: object
) -> None:
    run("plan", "--out", "plan.json")
    document = json.loads((models / "plan.json").read_text())
    tamper(document["changes"][0])  # type: ignore[operator]
    (models / "plan.json").write_text(json.dumps(document))
    result = run("sync", "--plan", "plan.json")
    assert result.code == 2
    assert result.err.startswith("error: plan.json: not a readable plan file")
    assert not (models / DB).exists() or stored(models) == []


def test_garbage_plan_files_are_one_line_errors(run: Run, models: Path) -> None:
    (models / "plan.json").write_bytes(b"\xff\xfe garbage")
    assert run("sync", "--plan", "plan.json").code == 2
    (models / "plan.json").write_text("[1, 2]")
    assert run("sync", "--plan", "plan.json").code == 2
    (models / "plan.json").write_text("[" * 100_000 + "]" * 100_000)
    deep = run("sync", "--plan", "plan.json")
    assert deep.code == 2
    assert (
        deep.err.startswith("error: plan.json: not a readable plan file")
        and "internal" not in deep.err
    )
    assert run("sync", "--plan", "missing.json").code == 2


def test_a_sync_whose_output_is_closed_says_it_did_not_finish(models: Path, run: Run) -> None:
    """`sync | head -1`: each result line is flushed as its change ends, so the first one
    written after the reader has left fails. The run must stop starting changes and not
    report success: one `error:` line, exit 1; the next sync applies what it did not."""
    for n in range(300):
        add(models, f"bulk-{n:03d}", "1.0.0")
    first, error, code = first_line_then_leave(models, "sync")
    assert code == 1
    assert first.startswith(b"  + ")
    assert "Traceback" not in error and "Exception ignored" not in error
    assert error.splitlines()[-1] == (
        "error: the output was closed before sync wrote everything; sync stopped: the changes"
        " that had not started were not made (run sync again to make them)"
    )
    assert len(stored(models)) < 303  # it stopped
    again = run("sync")
    assert again.code == 0, again.err
    assert len(stored(models)) == 303


def test_a_sync_whose_last_lines_cannot_be_written_is_not_a_success(run: Run, models: Path) -> None:
    """The reader gone before the run starts: the little a sync with nothing to do prints
    waits in Python's buffer until the exit, and fails there."""
    assert run("sync").code == 0
    result = into_a_closed_pipe(models, "sync")
    assert result.returncode == 1
    assert result.stderr == (
        "error: the output was closed before sync wrote everything; the sync itself finished\n"
    )


def test_a_sync_whose_errors_cannot_be_written_still_fails_with_its_own_code(
    run: Run, models: Path
) -> None:
    """`sync 2>&1 | head -0` with files that fail validation: exit 1, as without the pipe,
    not Python's 120 from a last flush of stderr."""
    write(models, "models/demo/1.2.0.yaml", "name: demo\nversion: 1.2\n" * 400)
    assert into_a_closed_pipe(models, "sync", stderr_too=True).returncode == 1
    assert not (models / DB).exists() or stored(models) == []


LAST_FLUSH = """
import sys
from validator.cli import Outcome
from validator.console import _flushed
sys.stdout.write("Sync: 1 change applied, 1 failed.\\n")  # waits in the buffer
print(_flushed(Outcome("sync", 1)), file=sys.stderr)
"""


def test_a_failed_sync_whose_summary_is_lost_says_it_ran_to_its_end(tmp_path: Path) -> None:
    """A sync that returned (one change failed) and then lost its summary line to a closed
    pipe did not stop early: it says the sync finished, and keeps its exit code."""
    result = into_a_closed_pipe(tmp_path, python=("-c", LAST_FLUSH))
    assert result.stderr.splitlines() == [
        "error: the output was closed before sync wrote everything; the sync itself finished",
        "1",
    ]
