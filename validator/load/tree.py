"""A snapshot of the whole models tree, for a one-file run in a repository that did not change.

The folder and identity caches still cost a one-file run a little work per folder. When
nothing under the models folder changed since the last run, one comparison covers the tree:
the signatures of every folder (modification and change times, inode), then those of every
import (size, times, inode), each flat in one list, equal to the recorded ones. The walk and
the identity records are then those of the last run, read from
`.modelarts-gitops/cache/tree.json` without a loop in Python.

Adding, removing or renaming an entry changes its folder's signature, and editing a file
changes its own, so a snapshot that matches lists the tree as a walk would. One is recorded
only when every folder was recorded by the folder cache and every import by the identity
cache: neither records a symbolic link nor what changed less than a second before the run.
The file is written atomically, and a damaged or foreign one reads as empty.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from validator import __version__
from validator.load.identities import flat
from validator.state import cache_file, read_json_cache, write_json_cache

CACHE_NAME = "tree.json"
FORMAT = 1
_FOLDER = attrgetter("st_mtime_ns", "st_ctime_ns", "st_ino")  # as the folder cache has it


class Snapshot(NamedTuple):
    """The imports of an unchanged models tree, in walk order, and their identity records."""

    files: list[str]  # paths under the models folder
    signed: list[int]  # their signatures, as `identities.flat` gives them
    records: list[Any]  # as `identities.decode` reads them, not decoded yet


def _version(max_size: int) -> str:
    return f"{__version__}/{FORMAT}/{max_size}"


def read(root: Path, models: str, max_size: int) -> Snapshot | None:
    """The snapshot of `models` (its path), when nothing under it changed since it was taken."""
    data = read_json_cache(cache_file(root, CACHE_NAME), _version(max_size))
    folders, marks = data.get("folders"), data.get("marks")
    files, signed, records = data.get("files"), data.get("signed"), data.get("records")
    if not (
        type(folders) is list
        and type(marks) is list
        and type(files) is list
        and type(signed) is list
        and type(records) is list
        and len(marks) == 3 * len(folders)
        and len(signed) == 4 * len(files)
        and len(records) == len(files)
    ):
        return None
    prefix = models if models.endswith("/") else models + "/"
    try:
        if (
            list(chain.from_iterable(map(_FOLDER, map(os.stat, map(prefix.__add__, folders)))))
            != marks
        ):
            return None
        if flat(map(os.stat, map(prefix.__add__, files))) != signed:
            return None
    except (OSError, TypeError, ValueError):  # a file gone, or a damaged name
        return None
    return Snapshot(files, signed, records)


def write(
    root: Path,
    max_size: int,
    visited: Sequence[str],
    listings: Mapping[str, Any],
    identities: Mapping[str, Any],
) -> None:
    """Record the tree when every folder `visited` (in walk order) has a listing recorded
    (`FolderCache.kept`) and its imports, all of them, identity records (`IdentityCache`'s
    entries); otherwise, drop the last snapshot."""
    path = cache_file(root, CACHE_NAME)
    marks: list[int] = []
    files: list[str] = []
    signed: list[int] = []
    records: list[Any] = []
    children = 0
    for folder in visited:
        listing = listings.get(folder)
        if listing is None:
            return _drop(path)
        marks += listing[0]
        children += len(listing[2])
        names = listing[1]
        if not names:
            continue
        entry = identities.get(folder)
        if entry is None or entry[0] != names:
            return _drop(path)
        files += (folder + name for name in names)
        signed += entry[1]
        records += entry[2]
    if children + 1 != len(visited):  # a folder that could not be listed: not walked
        return _drop(path)
    data = {"folders": list(visited), "marks": marks, "files": files}
    write_json_cache(path, _version(max_size), {**data, "signed": signed, "records": records})


def _drop(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
