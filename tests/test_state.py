"""The tool's folder ignores itself; caches are atomic and a damaged cache reads as empty."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import git
import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.state import atomic_write, cache_file, read_json_cache, state_dir, write_json_cache


def test_state_folder_is_ignored_by_git(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    cache_file(tmp_path, "x.json").write_text("{}")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
    assert (state_dir(tmp_path) / ".gitignore").read_text().splitlines()[-1] == "*"


def test_cache_round_trip_and_version(tmp_path: Path) -> None:
    path = cache_file(tmp_path, "c.json")
    write_json_cache(path, "1", {"a": [1, 2]})
    assert read_json_cache(path, "1") == {"a": [1, 2]}
    assert read_json_cache(path, "2") == {}
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]


def test_atomic_write_is_private_and_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(b"old")
    atomic_write(path, b"new")
    assert path.read_bytes() == b"new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]


def test_a_failed_atomic_write_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "c.json"
    path.write_bytes(b"old")

    def refuse(source: object, target: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(path, b"new")
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json"]


def test_damaged_cache_reads_as_empty(tmp_path: Path) -> None:
    path = cache_file(tmp_path, "c.json")
    for damaged in (
        b"",
        b"{not json",
        b"[1, 2]",
        b'{"version": "1", "entries": 3}',
        b"\xff\xfe",
        b"[" * 200_000,
    ):
        path.write_bytes(damaged)
        assert read_json_cache(path, "1") == {}


def test_sync_into_the_default_local_registry_leaves_git_status_clean(repo: Path, run: Run) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    with git.Repo(repo) as handle:
        handle.index.add(["models/demo-model/1.0.0.yaml"])
        handle.index.commit("add demo-model 1.0.0")
    synced = run("sync")
    assert synced.code == 0, synced.err
    assert (repo / ".modelarts-gitops" / "registry.db").is_file()
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""
