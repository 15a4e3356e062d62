"""A snapshot of the whole models tree, for a one-file run in a repository that did not change.

The folder and identity caches still cost a one-file run a little work per folder. When
nothing under the models folder changed since the last run, one comparison covers the tree:
the signatures of every folder (modification and change times, inode), then those of every
import (size, times, inode), each packed into one string of 64-bit numbers, equal to the
recorded ones. The walk and the identity records are then those of the last run, read from
`.modelarts-gitops/cache/tree.json` without a loop in Python: the records stay JSON text,
one line each, beside a list of their names, and only those a rule may use are decoded.

Adding, removing or renaming an entry changes its folder's signature, and editing a file
changes its own, so a snapshot that matches lists the tree as a walk would. One is recorded
only when every folder was recorded by the folder cache and every import by the identity
cache: neither records a symbolic link nor what changed less than a second before the run.
The file is written atomically, and a damaged or foreign one reads as empty.

That comparison (a `stat` of every folder and import) is most of what a one-file run adds
in a large repository, so `validate` starts it in a forked child as soon as it knows the
models folder, and it runs on another CPU while this process imports and loads the file it
checks; `read` then takes the child's one-byte answer. The child is handed the snapshot's
bytes and decodes them itself: both decode the same snapshot, and this process does so
only when it needs it, while the child is still comparing. Without an answer (no second
CPU, no `os.fork`, other threads in the process, a child that failed) `read` compares by
itself.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from array import array
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from validator import __version__
from validator.load.identities import flat
from validator.state import (
    cache_file,
    json_cache_entries,
    json_cache_opening,
    write_json_cache,
)

CACHE_NAME = "tree.json"
FORMAT = 2
_FOLDER = attrgetter("st_mtime_ns", "st_ctime_ns", "st_ino")  # as the folder cache has it
_ENCODE = json.JSONEncoder(separators=(",", ":")).encode


class Snapshot(NamedTuple):
    """The imports of an unchanged models tree, in walk order, and their identity records."""

    files: list[str]  # paths under the models folder
    signed: list[int]  # their signatures, as `identities.flat` gives them
    names: list[Any]  # the name in each record, to pick the records a rule may use
    records: list[str]  # each as JSON text (see `identities.decode`), not decoded yet


def _packed(numbers: Iterable[int]) -> str:
    """Numbers as one string, compared in one operation (OverflowError past 64 bits)."""
    return array("q", numbers).tobytes().hex()


def _version(max_size: int) -> str:
    return f"{__version__}/{FORMAT}/{max_size}"


class _Stored(NamedTuple):
    """A snapshot as read, before the tree is compared with it."""

    folders: list[str]
    marks: str
    files: list[str]
    signed: str
    names: list[Any]
    lines: list[str]


def read(root: Path, models: str, max_size: int) -> Snapshot | None:
    """The snapshot of `models` (its path), when nothing under it changed since it was taken."""
    pending = _PENDING.pop((str(root), models, max_size), None)
    raw = pending.raw if pending is not None else _raw(root)
    stored = None if raw is None else _stored(raw, max_size)
    if stored is None:
        if pending is not None:
            pending.unchanged()  # collected: its answer is of no use
        return None
    unchanged = pending.unchanged() if pending is not None else None
    if unchanged is None:  # no comparison ran beside this run: make it now
        now = _signatures(stored, models)
        return None if now is None else Snapshot(stored.files, now, stored.names, stored.lines)
    if not unchanged:
        return None
    now = array("q", bytes.fromhex(stored.signed)).tolist()  # equal to the tree's, as compared
    return Snapshot(stored.files, now, stored.names, stored.lines)


def _raw(root: Path) -> bytes | None:
    try:
        return cache_file(root, CACHE_NAME).read_bytes()
    except OSError:
        return None


def _stored(raw: bytes, max_size: int) -> _Stored | None:
    data = json_cache_entries(raw, _version(max_size))
    folders, marks, files = data.get("folders"), data.get("marks"), data.get("files")
    signed, names, records = data.get("signed"), data.get("names"), data.get("records")
    if not (
        type(folders) is list
        and type(files) is list
        and type(names) is list
        and type(marks) is str
        and type(signed) is str
        and type(records) is str
        and len(names) == len(files)
    ):
        return None
    lines = records.split("\n") if files else []
    if len(lines) != len(files):
        return None
    return _Stored(folders, marks, files, signed, names, lines)


def _signatures(stored: _Stored, models: str) -> list[int] | None:
    """The signatures of the snapshot's files, when the tree under `models` still matches it."""
    prefix = models if models.endswith("/") else models + "/"
    try:
        stats = map(os.stat, map(prefix.__add__, stored.folders))
        if _packed(chain.from_iterable(map(_FOLDER, stats))) != stored.marks:
            return None
        now = flat(map(os.stat, map(prefix.__add__, stored.files)))
        if _packed(now) != stored.signed:
            return None
    except (OSError, TypeError, ValueError, OverflowError):  # a file gone, a damaged name
        return None
    return now


class _Pending(NamedTuple):
    """A comparison running in a child process; it answers one byte: 1 unchanged, 0 not."""

    raw: bytes  # the snapshot's file, as the child was given it
    pid: int
    answer: int  # the pipe it answers on

    def unchanged(self) -> bool | None:
        """Its answer; None when it gave none (it failed: the caller compares itself)."""
        try:
            said = os.read(self.answer, 1)
        except OSError:
            said = b""
        finally:
            os.close(self.answer)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(self.pid, 0)
        return {b"1": True, b"0": False}.get(said)


_PENDING: dict[tuple[str, str, int], _Pending] = {}


def compare_ahead(root: Path, models: str, max_size: int) -> None:
    """Start comparing the tree under `models` with its snapshot in a child process, for
    `read` to take the answer: the `stat` of every folder and import (most of what a
    one-file run adds in a large repository) then runs beside this process's imports and
    loading, on another CPU. Nothing starts without a snapshot of this version (as its
    first bytes say), a second CPU or `os.fork`, or in a process with other threads (a
    fork copies only the calling thread)."""
    if not hasattr(os, "fork") or _cpus() < 2 or _threaded():
        return
    raw = _raw(root)
    if raw is None or not raw.startswith(json_cache_opening(_version(max_size))):
        return
    answer, tell = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(answer)
        os.close(tell)
        return
    if pid == 0:  # the child: compare, answer, leave without running the parent's exit code
        try:
            os.close(answer)
            stored = _stored(raw, max_size)
            same = stored is not None and _signatures(stored, models) is not None
            os.write(tell, b"1" if same else b"0")
        finally:
            os._exit(0)
    os.close(tell)
    settle()  # an earlier answer nobody took
    _PENDING[(str(root), models, max_size)] = _Pending(raw, pid, answer)


def comparing(root: Path, models: str, max_size: int) -> bool:
    """True while a child compares the tree for `read` to take its answer."""
    return (str(root), models, max_size) in _PENDING


def settle() -> None:
    """Collect the comparisons no `read` took (the run ended before its survey)."""
    while _PENDING:
        _PENDING.popitem()[1].unchanged()


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # a container may be allowed fewer than the machine has
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _threaded() -> bool:
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return True
    try:  # threads started outside Python (Linux lists every thread of the process here)
        return len(os.listdir("/proc/self/task")) > 1
    except OSError:
        return False


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
    try:
        packed = {"marks": _packed(marks), "signed": _packed(signed)}
    except (OverflowError, TypeError):  # a number past 64 bits: no snapshot on this file system
        return _drop(path)
    names = [record[0] if type(record) is list and record else None for record in records]
    lines = "\n".join(map(_ENCODE, records))  # JSON text never holds a raw line break
    data = {"folders": list(visited), "files": files, "names": names, "records": lines}
    write_json_cache(path, _version(max_size), {**data, **packed})


def _drop(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
