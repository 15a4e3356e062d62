"""Read the model imports as they are at a git ref (the base branch), without a checkout.

GitPython reads blobs straight from the object database, so the working tree
is never touched. Files at the base that do not parse are skipped: the base
branch was validated when it was merged, and its mistakes are not this change's.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from validator.errors import UserError
from validator.load.folders import SUFFIXES
from validator.load.json_file import load_json
from validator.load.yaml_file import load_yaml
from validator.paths import resolved

Key = tuple[str, str]


class BaseImport(NamedTuple):
    """One import at the base ref: its path in the repository and its resolved content."""

    path: str
    data: Mapping[str, Any]
    config: Mapping[str, Any] | None


class BaseState(NamedTuple):
    ref: str
    imports: Mapping[Key, BaseImport]


def default_base(env: Mapping[str, str]) -> str | None:
    """The pull request's target branch, as the CI system names it."""
    for variable in ("GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        if env.get(variable):
            return f"origin/{env[variable]}"
    return None


def _open(root: Path, ref: str) -> tuple[Any, Any]:
    try:
        import git
    except ImportError:  # GitPython refuses to load without a git executable
        raise UserError(f"--base {ref} needs the git command, and none is on PATH") from None

    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UserError(f"--base {ref}: {root} is not a git repository") from None
    try:
        commit = repo.commit(ref)
    except (git.BadName, ValueError):
        shallow = (
            " (this clone is shallow: use fetch-depth: 0)"
            if (root / ".git" / "shallow").exists()
            else ""
        )
        branch = ref.split("/", 1)[1] if ref.startswith("origin/") else ref
        fetch = f"git fetch origin {branch}"
        raise UserError(
            f"base ref `{ref}` is not in this clone{shallow}; fetch it first: {fetch}"
        ) from None
    return repo, commit


def read_base(root: Path, ref: str, models_dir: str, max_size: int) -> BaseState:
    repo, commit = _open(root, ref)
    try:
        try:
            tree = commit.tree / models_dir
        except KeyError:
            return BaseState(ref, {})
        imports: dict[Key, BaseImport] = {}
        for blob in tree.traverse():
            if blob.type != "blob" or not blob.path.endswith(SUFFIXES):
                continue
            document, _ = load_yaml(blob.data_stream.read(), blob.path, max_size)
            data = document.data if document is not None else None
            name, version = (
                (data.get("name"), data.get("version")) if isinstance(data, dict) else (None, None)
            )
            if isinstance(name, str) and isinstance(version, str) and isinstance(data, dict):
                config = _config_at(commit, blob.path, data.get("config"), max_size)
                imports.setdefault((name, version), BaseImport(blob.path, data, config))
        return BaseState(ref, imports)
    finally:
        repo.close()


def _config_at(commit: Any, path: str, value: Any, max_size: int) -> Mapping[str, Any] | None:
    if isinstance(value, dict):
        return value
    if not isinstance(value, str):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(path), value))
    try:
        blob = commit.tree / target
    except KeyError:
        return None
    document, _ = load_json(blob.data_stream.read(), target, max_size)
    return document.data if document is not None else None


def changed_paths(root: Path, ref: str) -> set[Path]:
    """Files that differ between `ref` and the working tree, untracked ones included."""
    repo, commit = _open(root, ref)
    try:
        paths: Sequence[str] = [
            p for d in commit.diff(None) for p in (d.a_path, d.b_path) if p is not None
        ]
        return {resolved(root / p) for p in [*paths, *repo.untracked_files]}
    finally:
        repo.close()
