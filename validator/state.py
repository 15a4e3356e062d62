"""The tool's own folder in a repository, `.modelarts-gitops/`: the local registry and caches.

The folder ignores itself (a `.gitignore` holding `*`, as pytest's cache folder does), so it
never shows up as untracked. Cache files are written atomically (a temporary file in the same
folder, then `os.replace`), so concurrent runs never see half a file, and a damaged or foreign
cache file reads as empty rather than failing the run.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

STATE_DIR = ".modelarts-gitops"
CACHE_DIR = f"{STATE_DIR}/cache"
_GITIGNORE = "# Created by modelarts-gitops: local registry and caches, never committed.\n*\n"


def state_dir(root: Path) -> Path:
    """`root/.modelarts-gitops`, created with its `.gitignore` when missing."""
    folder = root / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        with contextlib.suppress(OSError):
            atomic_write(ignore, _GITIGNORE.encode())
    return folder


def cache_file(root: Path, name: str) -> Path:
    """The path of cache file `name` under `root/.modelarts-gitops/cache/` (folder created)."""
    folder = state_dir(root) / "cache"
    folder.mkdir(exist_ok=True)
    return folder / name


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a reader sees the old file or the new one, never a part."""
    # A private (0600) temporary name of our own, as tempfile.mkstemp makes, without its imports.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(temporary, flags, 0o600)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name beside {path.name}")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def read_json_cache(path: Path, version: str) -> dict[str, Any]:
    """The `entries` of a cache file written by `write_json_cache` with the same `version`.

    A missing, unreadable, damaged or other-version file is an empty cache.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return {}
    return json_cache_entries(raw, version)


def json_cache_entries(raw: bytes, version: str) -> dict[str, Any]:
    """The `entries` of a cache file's bytes, as `read_json_cache` reads them."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested ~1,000 levels deep
        return {}
    if not isinstance(data, dict) or data.get("version") != version:
        return {}
    entries = data.get("entries")
    return entries if isinstance(entries, dict) else {}


def json_cache_opening(version: str) -> bytes:
    """The first bytes of a cache file `write_json_cache` wrote with `version`."""
    return b'{"version":' + json.dumps(version).encode() + b","


def write_json_cache(path: Path, version: str, entries: dict[str, Any]) -> None:
    """Store `entries` atomically; a cache that cannot be written is skipped, never an error."""
    payload = json.dumps({"version": version, "entries": entries}, separators=(",", ":"))
    with contextlib.suppress(OSError):
        atomic_write(path, payload.encode())
