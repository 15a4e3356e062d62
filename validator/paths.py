"""Following symlinks in a path that a file in the repository may have made a loop."""

from __future__ import annotations

import os
from pathlib import Path


def resolved(path: str | os.PathLike[str]) -> Path:
    """The absolute `path` with its symlinks followed, as `Path.resolve()` gives, except that
    a symlink loop is left where it stands (the read that follows reports it) instead of
    raising `RuntimeError`, as `resolve()` does on Python 3.11 and 3.12."""
    return Path(os.path.realpath(path))
