"""The identity cache: a one-file run reads unchanged imports from `.modelarts-gitops/cache/`.

It must never change a finding: a changed file is read again, a damaged or foreign cache
is ignored, concurrent runs leave a whole cache, and a file changed just before the run
is not recorded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.check import surveyed
from validator.load import identities

CACHE = ".modelarts-gitops/cache/identities.json"


def _entries(root: Path) -> dict[str, list[Any]]:
    """The cache's records by file under models/: [signature, name, version, config, at,
    ignores, exact] (the cache holds them by folder)."""
    found: dict[str, list[Any]] = {}
    entries = json.loads((root / CACHE).read_text())["entries"]
    for folder, (names, signed, records) in entries.items():
        for n, record in enumerate(records):
            found[folder + names[n]] = [signed[4 * n : 4 * n + 4], *record]
    return found


def _store(root: Path, records: dict[str, Any], version: str) -> None:
    """Write `records` (as `_entries` gives them; a record may be any value) as the cache."""
    entries: dict[str, list[Any]] = {}
    known = _entries(root)
    for relative, record in records.items():
        folder, _, name = relative.rpartition("/")
        names, signed, kept = entries.setdefault(folder + "/", [[], [], []])
        names.append(name)
        signed += record[0] if isinstance(record, list) else known[relative][0]
        kept.append(record[1:] if isinstance(record, list) else record)
    (root / CACHE).write_text(json.dumps({"version": version, "entries": entries}))


def _version(root: Path) -> str:
    return str(json.loads((root / CACHE).read_text())["version"])


def _model(name: str, version: str = "1.0.0") -> str:
    return GOOD_IMPORT.replace("demo-model", name).replace('"1.0.0"', f'"{version}"')


@pytest.fixture
def tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Ten imports; files written before the run count as settled (no racy window)."""
    monkeypatch.setattr(identities, "RACY_NS", 0)
    for n in range(10):
        write(repo, f"models/m{n}/1.0.0.yaml", _model(f"m{n}"))
    return repo


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files the light index reads (a spy around the real function)."""
    seen: list[str] = []
    real: Callable[..., Any] = surveyed.read_light

    def spy(path: Path, shown: str, max_size: int) -> Any:
        seen.append(shown)
        return real(path, shown, max_size)

    monkeypatch.setattr(surveyed, "read_light", spy)
    return seen


def test_a_second_run_reads_no_unchanged_file(run: Run, tree: Path, reads: list[str]) -> None:
    first = run("validate", "models/m0/1.0.0.yaml")
    assert len(reads) == 9
    assert sorted(_entries(tree)) == [f"m{n}/1.0.0.yaml" for n in range(10)]  # the target too
    reads.clear()
    second = run("validate", "models/m0/1.0.0.yaml")
    assert reads == []
    assert second == first


def test_a_changed_file_is_read_again_and_its_duplicate_found(
    run: Run, tree: Path, reads: list[str]
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    write(tree, "models/m5/1.0.0.yaml", _model("m0"))  # now declares m0 1.0.0 too
    reads.clear()
    result = run("validate", "models/m0/1.0.0.yaml")
    assert reads == ["models/m5/1.0.0.yaml"]
    assert "MA601" in result.out and "models/m5/1.0.0.yaml" in result.out


def test_a_removed_file_leaves_the_cache(run: Run, tree: Path) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    (tree / "models/m9/1.0.0.yaml").unlink()
    run("validate", "models/m0/1.0.0.yaml")
    assert "m9/1.0.0.yaml" not in _entries(tree)
    assert "m9/" not in json.loads((tree / CACHE).read_text())["entries"]


@pytest.mark.parametrize(
    "damage",
    [b"\x00garbage", b'{"version": 1, "entries": []}', b"[]", b"{not json"],
    ids=["bytes", "wrong-shape", "list", "truncated"],
)
def test_a_damaged_cache_is_read_as_empty(
    run: Run, tree: Path, reads: list[str], damage: bytes
) -> None:
    expected = run("validate", "models/m0/1.0.0.yaml")
    (tree / CACHE).write_bytes(damage)
    reads.clear()
    assert run("validate", "models/m0/1.0.0.yaml") == expected
    assert len(reads) == 9


def test_damaged_records_and_another_version_are_not_believed(
    run: Run, tree: Path, reads: list[str]
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    records: dict[str, Any] = _entries(tree)
    version = _version(tree)
    sig = records["m1/1.0.0.yaml"][0]
    records["m1/1.0.0.yaml"] = [sig, "m0", "1.0.0", None, [3, 10, 3, 1], {}, True]
    records["m2/1.0.0.yaml"] = [sig, {"a": 1}, [], 7, "x", 5, True]  # damaged
    records["m3/1.0.0.yaml"] = "nonsense"
    _store(tree, records, "0.0.0/2/1048576")
    reads.clear()
    result = run("validate", "models/m0/1.0.0.yaml")
    assert "MA601" not in result.out  # the forged record of another version is not used
    assert len(reads) == 9
    _store(tree, records, version)  # this version: m2 and m3 are damaged
    reads.clear()
    run("validate", "models/m0/1.0.0.yaml")
    assert sorted(reads) == ["models/m2/1.0.0.yaml", "models/m3/1.0.0.yaml"]
    reads.clear()
    run("validate", "models/m0/1.0.0.yaml")  # read again, they were recorded again
    assert reads == []


def test_a_damaged_record_in_a_folder_leaves_the_others_recorded(
    run: Run, tree: Path, reads: list[str]
) -> None:
    for version in ("1.0.1", "1.0.2"):
        write(tree, f"models/m4/{version}.yaml", _model("m4", version))
    run("validate", "models/m0/1.0.0.yaml")
    records: dict[str, Any] = _entries(tree)
    records["m4/1.0.1.yaml"] = [records["m4/1.0.1.yaml"][0], 5, None, None, None, {}, True]
    _store(tree, records, _version(tree))
    reads.clear()
    first = run("validate", "models/m0/1.0.0.yaml")
    assert reads == ["models/m4/1.0.1.yaml"]
    assert _entries(tree)["m4/1.0.1.yaml"][1:3] == ["m4", "1.0.1"]
    reads.clear()
    assert run("validate", "models/m0/1.0.0.yaml") == first
    assert reads == []


def test_an_added_and_an_edited_file_of_a_recorded_folder_are_read(
    run: Run, tree: Path, reads: list[str]
) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    write(tree, "models/m3/1.0.1.yaml", _model("m0"))  # a duplicate, added
    with (tree / "models/m4/1.0.0.yaml").open("a") as stream:  # edited in place
        stream.write("# edited\n")
    reads.clear()
    result = run("validate", "models/m0/1.0.0.yaml")
    assert sorted(reads) == ["models/m3/1.0.1.yaml", "models/m4/1.0.0.yaml"]
    assert "MA601" in result.out and "models/m3/1.0.1.yaml" in result.out


def test_a_file_changed_just_before_the_run_is_not_recorded(
    run: Run, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("validate", "models/m0/1.0.0.yaml")  # the others are settled and recorded
    monkeypatch.setattr(identities, "RACY_NS", 10**9)
    write(tree, "models/m7/1.0.0.yaml", _model("m7", "1.0.1"))
    run("validate", "models/m0/1.0.0.yaml")
    entries = _entries(tree)
    assert "m7/1.0.0.yaml" not in entries
    assert "m6/1.0.0.yaml" in entries


def test_files_the_light_index_cannot_read_are_recorded_from_the_full_parse(
    run: Run, tree: Path, reads: list[str]
) -> None:
    write(tree, "models/x/1.0.0.yaml", "---\n" + _model("x"))  # a document marker: full parse
    write(tree, "models/broken/1.0.0.yaml", "name: [\n")
    run("validate", "models/m0/1.0.0.yaml")
    entries = _entries(tree)
    assert entries["x/1.0.0.yaml"][1:3] == ["x", "1.0.0"]
    assert entries["broken/1.0.0.yaml"][1:3] == [None, None]
    write(tree, "models/m0/1.0.1.yaml", _model("x"))  # a duplicate of the cached x
    reads.clear()
    result = run("validate", "models/m0/1.0.1.yaml")
    assert "models/x/1.0.0.yaml" in result.out and "MA601" in result.out
    assert reads == []  # the target of the first run too was recorded, from its full parse


def test_concurrent_runs_leave_a_whole_cache(tree: Path) -> None:
    for n in range(10, 200):
        write(tree, f"models/m{n}/1.0.0.yaml", _model(f"m{n}"))
    time.sleep(1.1)  # the processes below record only files older than a second
    env = {**os.environ, "MODELARTS_GITOPS_WORKERS": "1"}
    command = [sys.executable, "-m", "validator", "validate", "models/m0/1.0.0.yaml"]
    runs = [subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [proc.communicate(timeout=120)[0] for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0, 0, 0]
    assert len(set(outputs)) == 1
    assert len(_entries(tree)) == 200  # the target too
    assert not [p for p in (tree / CACHE).parent.iterdir() if p.name.endswith(".tmp")]
