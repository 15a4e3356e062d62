"""`validate` on worker processes gives exactly the serial diagnostics and exit code."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import git
import pytest

from tests.conftest import Result, Run, load_script, write
from validator.check import parallel
from validator.check.registry import checks
from validator.commands import check as check_command
from validator.commands.check import MIN_PARALLEL_FILES, worker_count
from validator.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
WORKERS = "MODELARTS_GITOPS_WORKERS"


bench = load_script("benchmarks/validate.py")


def generate(root: Path, models: int) -> None:
    """`models` models of three versions each; every third shares a config.json."""
    rng = random.Random(7)
    for index in range(models):
        name, shared = f"model-{index:03d}", index % 3 == 0
        if shared:
            write(root, f"models/{name}/config.json", json.dumps(bench.CONFIG, indent=2))
        for version in ("1.0.0", "1.1.0", "1.2.0"):
            write(
                root, f"models/{name}/{version}.yaml", bench.model_file(rng, name, version, shared)
            )


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def spoil(root: Path) -> None:
    """Mistakes of every kind, spread over many folders (so over several chunks)."""
    edit(root, "models/model-001/1.0.0.yaml", "labels:", "labls:")  # unknown key
    edit(root, "models/model-002/1.1.0.yaml", '"1.1.0"', "1.10")  # a number, not 1.1.0
    edit(root, "models/model-004/1.0.0.yaml", '"1.0.0"', '"01.0.0"')  # leading zero
    edit(root, "models/model-005/1.0.0.yaml", "labels:", "labls:  # modelarts-gitops: ignore[MA]")
    copy = (root / "models/model-007/1.0.0.yaml").read_text(encoding="utf-8")
    write(root, "models/model-080/extra.yaml", copy)  # a duplicate, far from the original
    ignored = copy.replace('"1.0.0"', '"1.0.0"  # modelarts-gitops: ignore[MA601]')
    write(root, "models/model-081/extra.yaml", ignored)
    edit(root, "models/model-003/config.json", '"http"', '"gopher"')  # shared config, 3 users
    edit(root, "models/model-006/config.json", '"model_type"', '"swr_location": "x", "model_type"')
    edit(root, "models/model-009/1.2.0.yaml", "name:", "name: [")  # YAML syntax error
    for version in ("1.0.0", "1.1.0"):  # users of a config file in another folder
        edit(root, f"models/model-090/{version}.yaml", "config.json", "../model-003/config.json")


@pytest.fixture
def big(repo: Path) -> Path:
    """About 300 imports on `main`, then changes on a branch: edited, removed, added."""
    generate(repo, 100)
    with git.Repo(repo) as handle:
        handle.git.add(A=True)
        handle.index.commit("publish")
        handle.git.branch("-M", "main")
        handle.git.checkout("-b", "feature")
    spoil(repo)
    edit(repo, "models/model-010/1.0.0.yaml", "copy: true", "copy: false")  # MA602
    shutil.rmtree(repo / "models/model-011")  # MA603
    text = (repo / "models/model-012/1.0.0.yaml").read_text(encoding="utf-8")
    write(repo, "models/model-012/1.0.5.yaml", text.replace('"1.0.0"', '"1.0.5"'))  # MA604
    return repo


def serial_then_parallel(
    run: Run, monkeypatch: pytest.MonkeyPatch, path: str, *args: str
) -> tuple[Result, Result]:
    """`run(*args)` on one process, then on two workers, checking that the parallel
    function `path` of validator.check.parallel ran the second time and did not fall back."""
    ran: list[object] = []
    original = getattr(parallel, path)

    def spy(*a: object, **k: object) -> object:
        ran.append(result := original(*a, **k))
        return result

    monkeypatch.setattr(parallel, path, spy)
    monkeypatch.setenv(WORKERS, "1")
    serial = run(*args)
    assert ran == []
    monkeypatch.setenv(WORKERS, "2")
    fast = run(*args)
    assert ran and ran[0] is not None, "the parallel path fell back to serial"
    return serial, fast


def both(run: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    """The serial result, after checking that two workers give the same one."""
    serial, fast = serial_then_parallel(
        run, monkeypatch, "validate_parallel", "validate", "--format", "json", *args
    )
    assert fast.out == serial.out
    assert fast.code == serial.code
    return serial.code, serial.out


def test_parallel_equals_serial_with_base(
    run: Run, big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = both(run, monkeypatch, "--base", "main")
    rules = {d["rule"] for d in json.loads(out)["diagnostics"]}
    assert code == 1
    assert {"MA601", "MA602", "MA603", "MA604", "MA001"} <= rules
    assert "MA601" in _lines(out, "model-080/extra") and "MA601" not in _lines(out, "model-081")


def test_parallel_equals_serial_on_named_files_and_configs(
    run: Run, big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    both(run, monkeypatch)
    both(run, monkeypatch, "models/model-003/config.json", *map(str, _some(big)))
    both(run, monkeypatch, "--base", "main", "--changed-only")


def _some(root: Path) -> list[Path]:
    return sorted((root / "models").glob("model-0[2-6]*/*.yaml"))


def _lines(out: str, where: str) -> str:
    return json.dumps([d for d in json.loads(out)["diagnostics"] if where in d["file"]])


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_command, "_cpus", lambda: 2)
    assert worker_count({}, MIN_PARALLEL_FILES - 1) == 1
    assert worker_count({}, MIN_PARALLEL_FILES) == 2
    assert worker_count({WORKERS: "auto"}, 10_000) == 2
    assert worker_count({WORKERS: "1"}, 10_000) == 1
    assert worker_count({WORKERS: "3"}, 1) == 3
    for bad in ("0", "two", "-1"):
        with pytest.raises(UserError):
            worker_count({WORKERS: bad}, 10)


def test_every_repository_rule_has_a_place() -> None:
    """A new repository rule must be placed: per import (workers) or across files (parent)."""
    assert {r.id for r in checks("repository")} == {"MA601", "MA602", "MA603", "MA604"}
    assert {"MA602", "MA604"} == parallel.PER_IMPORT


def plan_both(run: Run, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """plan's serial result (code, out, err), after checking that two workers give the same."""
    serial, fast = serial_then_parallel(run, monkeypatch, "check_parallel", "plan", *args)
    assert (fast.code, fast.out, fast.err) == (serial.code, serial.out, serial.err)
    return serial.code, serial.out, serial.err


def test_plan_on_workers_gives_the_serial_desired_state(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(repo, 40)
    monkeypatch.setenv(WORKERS, "1")
    assert run("sync").code == 0
    edit(repo, "models/model-003/config.json", '"/health"', '"/healthz"')  # 3 users change
    edit(repo, "models/model-010/1.0.0.yaml", "description: ", "description: Now ")
    code, out, err = plan_both(run, monkeypatch, "--format", "json")
    assert out, err
    changed = {(c["name"], c["version"]) for c in json.loads(out)["changes"]}
    assert code == 0
    assert changed == {("model-003", v) for v in ("1.0.0", "1.1.0", "1.2.0")} | {
        ("model-010", "1.0.0")
    }


def test_the_gate_on_workers_refuses_what_it_refuses_serially(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(repo, 40)
    write(repo, ".modelarts-gitops.yaml", "ignore: [MA0, MA1]\n")  # cannot narrow the gate
    edit(repo, "models/model-009/1.2.0.yaml", "name:", "name: [")  # YAML syntax error
    edit(repo, "models/model-001/1.0.0.yaml", "labels:", "labls:  # modelarts-gitops: ignore[MA]")
    code, _, err = plan_both(run, monkeypatch, "--prune")
    assert code == 1
    assert "models/model-009/1.2.0.yaml" in err and "MA001 error" in err
    assert "models/model-001/1.0.0.yaml" in err and "MA101 error" in err
