"""What every command starts from: the repository root, the settings, the registry URL."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from validator.settings import Settings, find_root, load_settings


def settings_for(paths: Sequence[Path] = (), **flags: Any) -> Settings:
    root = find_root(paths[0] if paths else Path.cwd())
    return load_settings(root, os.environ, flags)


def registry_url(settings: Settings, flag: str | None) -> str:
    """The registry to use; a relative sqlite path is relative to the repository root."""
    url = flag or settings.registry
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = "sqlite:///" + str(settings.root / url.removeprefix("sqlite:///"))
    return url


def shown_url(url: str, root: Path) -> str:
    """A registry URL as a plan records it: relative to the repository root for local files."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            return "sqlite:///" + path.relative_to(root).as_posix()
        except ValueError:
            return url
    return url


def head_commit(root: Path) -> str | None:
    """The commit provenance records, when there is one to be had (it is optional)."""
    try:
        import git

        with git.Repo(root) as repo:
            return str(repo.head.commit.hexsha)
    except ImportError:  # GitPython without a git executable on PATH
        return None
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, ValueError):
        return None
