"""The folder cache: a one-file run lists only the folders of the models tree that changed.

It must find exactly what a fresh walk finds: an added, removed or renamed file or folder
is seen, a damaged or foreign cache is ignored, and a folder holding a symbolic link or
changed just before the run is not recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cache_helpers import model_text, settle
from tests.conftest import Run, write
from validator.check.collect import walk
from validator.load import folders, identities

CACHE = ".modelarts-gitops/cache/folders.json"


@pytest.fixture
def tree(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(identities, "RACY_NS", 0)
    monkeypatch.setattr(folders, "RACY_NS", 0)
    for n in range(6):
        write(repo, f"models/m{n}/1.0.0.yaml", model_text(f"m{n}"))
    write(repo, "models/m0/notes.txt", "not an import\n")
    write(repo, "models/deep/a/b/1.0.0.yaml", model_text("deep"))
    settle(repo)
    return repo


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders listed (a spy around the real function)."""
    seen: list[str] = []
    real: Callable[..., Any] = folders.scan

    def spy(folder: str) -> Any:
        seen.append(os.path.basename(folder))
        return real(folder)

    monkeypatch.setattr(folders, "scan", spy)
    return seen


def _fresh(root: Path) -> list[tuple[str, str]]:
    return [(entry.path, relative) for entry, relative in walk(str(root / "models"))]


def _cached(root: Path) -> list[tuple[str, str]]:
    cache = folders.FolderCache(root)
    found = list(folders.walk_cached(str(root / "models"), cache))
    cache.save()
    return found


def test_a_second_run_lists_no_unchanged_folder(run: Run, tree: Path, scans: list[str]) -> None:
    first = run("validate", "models/m0/1.0.0.yaml")
    assert len(scans) == 10  # models, six model folders, deep, a, b
    entries = json.loads((tree / CACHE).read_text())["entries"]
    assert entries["m0/"][1:] == [["1.0.0.yaml"], []]
    assert entries["deep/"][1:] == [[], ["a"]]
    scans.clear()
    assert run("validate", "models/m0/1.0.0.yaml") == first
    assert scans == []


def test_added_removed_and_renamed_entries_are_seen(tree: Path) -> None:
    assert _cached(tree) == _fresh(tree)
    write(tree, "models/m3/1.0.1.yaml", model_text("m0"))
    (tree / "models/m4/1.0.0.yaml").unlink()
    (tree / "models/deep/a/b").rename(tree / "models/deep/a/c")
    os.mkdir(tree / "models/m5/sub")
    write(tree, "models/m5/sub/2.0.0.yml", model_text("m5", "2.0.0"))
    assert _cached(tree) == _fresh(tree)
    assert ("m3/1.0.1.yaml") in [relative for _, relative in _cached(tree)]


def test_a_new_duplicate_in_a_cached_folder_is_found(run: Run, tree: Path) -> None:
    run("validate", "models/m0/1.0.0.yaml")
    write(tree, "models/m2/1.0.1.yaml", model_text("m0"))
    result = run("validate", "models/m0/1.0.0.yaml")
    assert "MA601" in result.out and "models/m2/1.0.1.yaml" in result.out


@pytest.mark.parametrize(
    "damage",
    [b"\x00garbage", b'{"version": "0.1.0/1", "entries": []}', b"[]", b"{not json"],
    ids=["bytes", "wrong-shape", "list", "truncated"],
)
def test_a_damaged_cache_is_read_as_empty(tree: Path, scans: list[str], damage: bytes) -> None:
    _cached(tree)
    (tree / CACHE).write_bytes(damage)
    scans.clear()
    assert _cached(tree) == _fresh(tree)
    assert len(scans) == 10


def test_damaged_records_are_not_believed(tree: Path, scans: list[str]) -> None:
    _cached(tree)
    data = json.loads((tree / CACHE).read_text())
    sig = data["entries"]["m1/"][0]
    data["entries"]["m1/"] = [sig, ["../../escape.yaml"], []]
    data["entries"]["m2/"] = [sig, ["notes.txt"], []]
    data["entries"]["m3/"] = [sig, "1.0.0.yaml", []]
    data["entries"]["deep/"] = "nonsense"
    (tree / CACHE).write_text(json.dumps(data))
    scans.clear()
    assert _cached(tree) == _fresh(tree)
    assert sorted(scans) == ["deep", "m1", "m2", "m3"]


def test_a_folder_with_a_symlink_is_not_recorded(tree: Path) -> None:
    (tree / "models/m1/2.0.0.yaml").symlink_to(tree / "models/m1/1.0.0.yaml")
    (tree / "models/m2/linked").symlink_to(tree / "models/deep", target_is_directory=True)
    settle(tree)
    assert _cached(tree) == _fresh(tree)
    entries = json.loads((tree / CACHE).read_text())["entries"]
    assert "m1/" not in entries and "m2/" not in entries and "m3/" in entries


def test_a_folder_changed_just_before_the_run_is_not_recorded(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _cached(tree)
    monkeypatch.setattr(folders, "RACY_NS", 10**9)
    write(tree, "models/m3/1.0.1.yaml", model_text("m3", "1.0.1"))
    _cached(tree)
    entries = json.loads((tree / CACHE).read_text())["entries"]
    assert "m3/" not in entries and "m2/" in entries
