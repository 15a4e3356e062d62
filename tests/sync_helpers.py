"""Shared by the sync tests: model files, commits, and what the local registry holds."""

from __future__ import annotations

from pathlib import Path

import git

from tests.conftest import GOOD_IMPORT, write
from validator.registry.local import LocalRegistry

DB = ".modelarts-gitops/registry.db"


def add(root: Path, name: str, version: str, description: str = "A demo model") -> Path:
    text = GOOD_IMPORT.replace("demo-model", name).replace('"1.0.0"', f'"{version}"')
    return write(root, f"models/{name}/{version}.yaml", text.replace("A demo model", description))


def commit(root: Path, message: str = "change") -> str:
    with git.Repo(root) as repo:
        repo.git.add(A=True)
        return str(repo.index.commit(message).hexsha)


def stored(root: Path) -> list[tuple[str, str]]:
    registry = LocalRegistry(root / DB)
    try:
        return sorted(m.spec.key for m in registry.list())
    finally:
        registry.close()
