"""The walk of the models folder when a few files are checked, with folder listings cached.

Listing a folder costs an open, two reads and a close; a `stat` tells whether it changed:
adding, removing or renaming an entry changes the folder's modification time, and any
change to the folder itself its change time. A folder whose modification and change
times and inode are those recorded is not listed again: its YAML files and sub-folders
come from `.modelarts-gitops/cache/folders.json`. The file is written atomically, a damaged
or foreign one reads as empty, and a new tool version starts afresh.

A folder holding a symbolic link is never recorded (what the link leads to may change
without the folder changing), nor one changed less than a second before the run began
(the clock's granularity; see `identities.py`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any

from validator import __version__
from validator.state import cache_file, read_json_cache, write_json_cache

CACHE_NAME = "folders.json"
FORMAT = 1
RACY_NS = 1_000_000_000
SUFFIXES = (".yaml", ".yml")
_NAME = attrgetter("name")

Listing = tuple[list[str], list[str]]  # the YAML files, then the sub-folders, sorted by name


def scan(folder: str) -> tuple[Listing, bool] | None:
    """The listing of `folder` as `os.walk` sees it (symlinked folders are not entered),
    and whether it may be recorded; None when it cannot be listed."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=_NAME)
    except OSError:
        return None
    files: list[str] = []
    folders: list[str] = []
    settled = True
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder, settled = False, False
        linked = entry.is_symlink()
        settled = settled and not linked
        if is_folder:
            if not linked:
                folders.append(entry.name)
        elif entry.name.endswith(SUFFIXES):
            files.append(entry.name)
    return (files, folders), settled


_IS_IMPORT = methodcaller("endswith", SUFFIXES)


def _names(value: Any, files: bool) -> list[str] | None:
    """`value` when it is a list of names of one folder's entries (of imports: `files`).
    A warm run checks one per folder, so the check is made of whole-list operations."""
    if type(value) is not list:
        return None
    try:
        joined = "/".join(value)  # a TypeError unless every item is text
    except TypeError:
        return None
    if joined.count("/") != max(len(value) - 1, 0):
        return None  # a name holds a slash
    if files:
        if not all(map(_IS_IMPORT, value)):  # which also rules out "", "." and ".."
            return None
    elif "" in value or "." in value or ".." in value:
        return None
    return value


class FolderCache:
    """The recorded listings of one repository's models folder, for one run."""

    def __init__(self, root: Path) -> None:
        self.path = cache_file(root, CACHE_NAME)
        self.version = f"{__version__}/{FORMAT}"
        self.stored = read_json_cache(self.path, self.version)
        self.kept: dict[str, list[Any]] = {}
        self.started = time.time_ns()
        self.changed = False

    def listing(self, folder: str, relative: str) -> Listing | None:
        """The listing of `folder` (`relative` under the models folder), recorded or read."""
        try:
            info = os.stat(folder)
        except OSError:
            found = scan(folder)
            return found[0] if found is not None else None
        sig = [info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        record = self.stored.get(relative)
        if type(record) is list and len(record) == 3 and record[0] == sig:
            files, folders = _names(record[1], True), _names(record[2], False)
            if files is not None and folders is not None:
                self.kept[relative] = record
                return files, folders
        found = scan(folder)
        if found is None:
            return None
        (files, folders), settled = found
        if settled and max(sig[0], sig[1]) <= self.started - RACY_NS:
            self.kept[relative] = [sig, files, folders]
            self.changed = True
        return files, folders

    def save(self) -> None:
        """Keep what this run saw; folders gone since the last run drop out."""
        if self.changed or len(self.kept) != len(self.stored):
            write_json_cache(self.path, self.version, self.kept)


def walk_folders(folder: str, cache: FolderCache) -> Iterator[tuple[str, str, list[str]]]:
    """The folders under `folder` that `collect.walk` enters (the same order), each as its
    path ending in `/`, that path relative to `folder`, and its YAML files."""
    stack = [(folder, "")]
    while stack:
        where, relative = stack.pop()
        found = cache.listing(where, relative)
        if found is None:
            continue
        files, folders = found
        prefix = where if where.endswith("/") else where + "/"
        yield prefix, relative, files
        stack.extend((prefix + name, f"{relative}{name}/") for name in reversed(folders))


def walk_cached(folder: str, cache: FolderCache) -> Iterator[tuple[str, str]]:
    """The YAML files under `folder`, as `collect.walk` finds them (the same order), each as
    its path and its path relative to `folder`."""
    for prefix, relative, files in walk_folders(folder, cache):
        for name in files:
            yield prefix + name, relative + name
