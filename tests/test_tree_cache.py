"""The tree snapshot: a one-file run in an unchanged repository reads one cache file.

It must find exactly what the walk finds: an edited, added or removed file or folder makes
the run walk again, a damaged or foreign snapshot is ignored, and a tree with a file
changed just before the run is not recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cache_helpers import model_text, settle
from tests.conftest import Run, write
from validator.check import survey, surveyed
from validator.load import folders, identities, tree

CACHE = ".modelarts-gitops/cache/tree.json"


@pytest.fixture
def tree_(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(identities, "RACY_NS", 0)
    monkeypatch.setattr(folders, "RACY_NS", 0)
    for n in range(6):
        write(repo, f"models/m{n}/1.0.0.yaml", model_text(f"m{n}"))
    write(repo, "models/m1/1.0.1.yaml", model_text("m1", "1.0.1"))
    write(repo, "models/deep/a/1.0.0.yaml", model_text("deep"))
    settle(repo)
    return repo


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """ "walk" for each walk of the models folder, and each file the light index reads."""
    seen: list[str] = []
    real_walk: Callable[..., Any] = survey.walk_folders
    real_read: Callable[..., Any] = surveyed.read_light

    def walk(*args: Any) -> Any:
        seen.append("walk")
        return real_walk(*args)

    def read(path: Path, shown: str, max_size: int) -> Any:
        seen.append(shown)
        return real_read(path, shown, max_size)

    monkeypatch.setattr(survey, "walk_folders", walk)
    monkeypatch.setattr(surveyed, "read_light", read)
    return seen


def test_an_unchanged_tree_is_not_walked(run: Run, tree_: Path, walks: list[str]) -> None:
    first = run("validate", "models/m0/1.0.0.yaml")
    assert walks[0] == "walk" and len(walks) == 8  # the walk, and the seven others read
    assert (tree_ / CACHE).exists()
    walks.clear()
    assert run("validate", "models/m0/1.0.0.yaml") == first
    assert walks == []
    assert run("validate", "models/m1/1.0.1.yaml").code == first.code  # another target
    assert walks == []


def test_a_duplicate_is_found_from_the_snapshot(run: Run, tree_: Path, walks: list[str]) -> None:
    write(tree_, "models/m4/1.0.0.yaml", model_text("m0"))
    settle(tree_)
    run("validate", "models/m0/1.0.0.yaml")
    walks.clear()
    result = run("validate", "models/m0/1.0.0.yaml")
    assert walks == []
    assert "MA601" in result.out and "models/m4/1.0.0.yaml" in result.out


def test_a_duplicate_is_found_from_the_snapshot_on_workers(
    run: Run, tree_: Path, walks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two targets in two folders are checked on two workers; the duplicate of one of them
    is still only in the snapshot, and must be decoded before the records are chosen."""
    write(tree_, "models/m4/1.0.0.yaml", model_text("m0"))
    settle(tree_)
    targets = ("models/m0/1.0.0.yaml", "models/m1/1.0.1.yaml")
    serial = run("validate", *targets)
    walks.clear()
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", "2")
    result = run("validate", *targets)
    assert walks == []
    assert result == serial
    assert "MA601" in result.out and "models/m4/1.0.0.yaml" in result.out


@pytest.mark.parametrize("change", ["edit", "add", "remove", "rename", "folder"])
def test_a_change_makes_the_run_walk_again(
    run: Run, tree_: Path, walks: list[str], change: str
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    if change == "edit":
        with (tree_ / "models/m3/1.0.0.yaml").open("a") as stream:
            stream.write("# edited\n")
    elif change == "add":
        write(tree_, "models/m3/1.0.1.yaml", model_text("m0"))
    elif change == "remove":
        (tree_ / "models/m3/1.0.0.yaml").unlink()
    elif change == "rename":
        (tree_ / "models/deep/a").rename(tree_ / "models/deep/b")
    else:
        write(tree_, "models/deep/a/new/2.0.0.yaml", model_text("m0", "2.0.0"))
    walks.clear()
    result = run("validate", "models/m0/1.0.0.yaml")
    assert walks[:1] == ["walk"]
    fresh = run("validate", "models/m0/1.0.0.yaml")  # and the same findings from the new one
    assert fresh == result
    assert ("MA601" in result.out) == (change == "add")


@pytest.mark.parametrize(
    "damage",
    [
        b"\x00garbage",
        b"{not json",
        b'{"version": "0.0.0/1/1048576", "entries": {}}',
        b"[]",
        b"[" * 200_000,
    ],
    ids=["bytes", "truncated", "another-version", "list", "nested"],
)
def test_a_damaged_or_foreign_snapshot_is_not_used(
    run: Run, tree_: Path, walks: list[str], damage: bytes
) -> None:
    expected = run("validate", "models/m0/1.0.0.yaml")
    (tree_ / CACHE).write_bytes(damage)
    walks.clear()
    assert run("validate", "models/m0/1.0.0.yaml") == expected
    assert walks == ["walk"]


def test_damaged_entries_are_not_believed(run: Run, tree_: Path, walks: list[str]) -> None:
    expected = run("validate", "models/m0/1.0.0.yaml")
    data = json.loads((tree_ / CACHE).read_text())
    damaged = (
        ("files", [1, 2]),
        ("marks", [0]),
        ("marks", "00"),
        ("signed", "zz"),
        ("signed", data["entries"]["signed"][:-16]),
        ("names", []),
        ("records", ""),
        ("folders", ["../.."]),
    )
    for key, value in damaged:
        (tree_ / CACHE).write_text(json.dumps({**data, "entries": {**data["entries"], key: value}}))
        walks.clear()
        assert run("validate", "models/m0/1.0.0.yaml") == expected, key
        assert walks[:1] == ["walk"], key
    for record in ('{"name":"m2"}', "[not json", "[" * 100_000):
        entries = json.loads((tree_ / CACHE).read_text())["entries"]
        n = entries["files"].index("m2/1.0.0.yaml")
        lines = entries["records"].split("\n")
        lines[n] = record  # a damaged record, and no name to skip it by: the file is read
        entries["records"], entries["names"][n] = "\n".join(lines), None
        (tree_ / CACHE).write_text(json.dumps({**data, "entries": entries}))
        walks.clear()
        assert run("validate", "models/m0/1.0.0.yaml") == expected
        assert walks == ["models/m2/1.0.0.yaml"]


def test_a_tree_changed_just_before_the_run_is_not_recorded(
    run: Run, tree_: Path, monkeypatch: pytest.MonkeyPatch, walks: list[str]
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    assert (tree_ / CACHE).exists()
    monkeypatch.setattr(identities, "RACY_NS", 10**9)
    write(tree_, "models/m2/1.0.0.yaml", model_text("m2") + "# edited\n")  # same folder listing
    run("validate", "models/m0/1.0.0.yaml")
    assert not (tree_ / CACHE).exists()
    monkeypatch.setattr(identities, "RACY_NS", 0)
    walks.clear()
    run("validate", "models/m0/1.0.0.yaml")
    assert walks == ["walk", "models/m2/1.0.0.yaml"]
    assert (tree_ / CACHE).exists()


def test_a_folder_with_a_symlink_is_never_in_a_snapshot(run: Run, tree_: Path) -> None:
    (tree_ / "models/m2/linked").symlink_to(tree_ / "models/deep", target_is_directory=True)
    settle(tree_)
    run("validate", "models/m0/1.0.0.yaml")
    assert not (tree_ / CACHE).exists()


def test_a_new_tool_version_starts_afresh(
    run: Run, tree_: Path, walks: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    monkeypatch.setattr(tree, "__version__", "99.0.0")
    walks.clear()
    run("validate", "models/m0/1.0.0.yaml")
    assert walks[:1] == ["walk"]
    assert json.loads((tree_ / CACHE).read_text())["version"].startswith("99.0.0/")


# A run in a process of its own, as the hook runs: the test process may hold other threads
# (servers of other tests), beside which no child is forked. It prints what happened.
PROBE = """
import json, os, sys
from validator.check import survey
from validator.cli import main
from validator.load import identities, folders, tree

identities.RACY_NS = folders.RACY_NS = 0
tree._cpus = lambda: int(os.environ.get("PROBE_CPUS", "2"))
parent, born, walked, compared = os.getpid(), [], [], []
real_fork, real_walk, real_signatures = os.fork, survey.walk_folders, tree._signatures

def fork():
    pid = real_fork()
    if pid:
        born.append(pid)
    return pid

def walk(*args):
    walked.append(1)
    return real_walk(*args)

def signatures(stored, models):
    if os.getpid() != parent:
        if os.environ.get("PROBE_MUTE"):
            os._exit(3)  # dies before it answers
    else:
        compared.append(1)
    return real_signatures(stored, models)

def reaped(pid):
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False

os.fork, survey.walk_folders, tree._signatures = fork, walk, signatures
if os.environ.get("PROBE_THREAD"):
    import threading
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
sys.stdout = out = __import__("io").StringIO()
code = main(sys.argv[1:])
sys.stdout = sys.__stdout__
facts = {"forks": len(born), "reaped": all(map(reaped, born)), "walked": bool(walked)}
print(json.dumps({**facts, "compared": len(compared), "code": code, "out": out.getvalue()}))
"""


def _probe(root: Path, **env: str) -> dict[str, Any]:
    """`validate models/m0/1.0.0.yaml` in a new process; what it forked, walked and printed."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "validate", "models/m0/1.0.0.yaml"],
        cwd=root,
        env={**os.environ, **{f"PROBE_{k.upper()}": v for k, v in env.items()}},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    facts: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return facts


def test_the_tree_is_compared_in_a_child_beside_the_run(tree_: Path) -> None:
    first = _probe(tree_)
    assert first["forks"] == 0 and first["walked"]  # no snapshot yet: nothing to compare
    again = _probe(tree_)
    assert again["forks"] == 1 and again["reaped"] and not again["walked"]
    assert again["compared"] == 0 and again["out"] == first["out"]  # the child's answer
    (tree_ / "models/m3/1.0.0.yaml").write_text(model_text("m0"))  # now a duplicate of m0
    changed = _probe(tree_)
    assert changed["forks"] == 1 and changed["reaped"] and changed["walked"]
    assert "MA601" in changed["out"] and "models/m3/1.0.0.yaml" in changed["out"]


def test_a_child_that_does_not_answer_leaves_the_comparison_to_the_run(tree_: Path) -> None:
    first = _probe(tree_)
    again = _probe(tree_, mute="1")
    assert again["forks"] == 1 and again["reaped"] and again["compared"] == 1
    assert not again["walked"] and again["out"] == first["out"]
    write(tree_, "models/m3/1.0.1.yaml", model_text("m0"))
    changed = _probe(tree_, mute="1")
    assert changed["compared"] == 1 and changed["walked"] and "MA601" in changed["out"]


@pytest.mark.parametrize("env", [{"thread": "1"}, {"cpus": "1"}], ids=["threads", "one-cpu"])
def test_no_child_is_forked_beside_other_threads_or_on_one_cpu(
    tree_: Path, env: dict[str, str]
) -> None:
    first = _probe(tree_)
    alone = _probe(tree_, **env)
    assert alone["forks"] == 0 and alone["compared"] == 1 and not alone["walked"]
    assert alone["out"] == first["out"]


def test_no_child_is_forked_for_a_snapshot_of_another_version(tree_: Path) -> None:
    """A snapshot written by another version (or with another size limit) is of no use:
    its first bytes say so, and the run forks nothing to compare with it."""
    first = _probe(tree_)
    cache = tree_ / CACHE
    data = json.loads(cache.read_text())
    data["version"] = "0.0.1/" + data["version"].split("/", 1)[1]
    cache.write_text(json.dumps(data, separators=(",", ":")))
    foreign = _probe(tree_)
    assert foreign["forks"] == 0 and foreign["walked"]
    assert foreign["out"] == first["out"]
    assert _probe(tree_)["forks"] == 1  # that run wrote a snapshot of this version again
