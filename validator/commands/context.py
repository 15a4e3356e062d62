"""What every command starts from: the repository root, the settings, the registry URL."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from validator.paths import resolved
from validator.settings import CONFIG_NAMES, TOOL_TABLE, Settings, load_settings


def settings_for(paths: Sequence[Path] = (), **flags: Any) -> Settings:
    root = find_root(paths[0] if paths else Path.cwd())
    settings = load_settings(root, os.environ, flags)
    if note := two_configs(root, os.environ):
        print(note, file=sys.stderr)
    return settings


def find_root(start: Path) -> Path:
    """The repository root for `start` (a file or folder).

    The enclosing git work tree; without one, the nearest folder that holds a configuration
    file or a `models` folder, so that files beside `start` are inside it; else `start`'s
    own folder. A file is looked for where it is listed, not where a symlink leads: a
    named symlink to outside the repository is then found to lead outside it (MA013).
    """
    folder = resolved(start) if start.is_dir() else resolved(start.parent)
    ancestors = (folder, *folder.parents)
    for candidate in ancestors:
        if (candidate / ".git").exists():
            return candidate
    for candidate in ancestors:
        if _has_config(candidate) or (candidate / "models").is_dir():
            return candidate
    return folder


def _has_config(folder: Path) -> bool:
    return any((folder / name).is_file() for name in CONFIG_NAMES) or _in_pyproject(folder)


def _in_pyproject(folder: Path) -> bool:
    """`pyproject.toml` has a `[tool.modelarts-gitops]` table (a glance, not a parse)."""
    try:
        text = (folder / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return f"[tool.{TOOL_TABLE}" in text or f'[tool."{TOOL_TABLE}"' in text


def two_configs(root: Path, env: Mapping[str, str]) -> str | None:
    """A warning naming the configuration used when more than one is present."""
    if env.get("MODELARTS_GITOPS_CONFIG"):
        return None
    found = [name for name in CONFIG_NAMES if (root / name).is_file()]
    if _in_pyproject(root):
        found.append(f"[tool.{TOOL_TABLE}] in pyproject.toml")
    if len(found) < 2:
        return None
    return f"warning: configuration found in {' and '.join(found)}; using {found[0]} only"


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
