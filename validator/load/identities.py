"""A persistent cache of the identities of the imports not being checked.

A pre-commit run checks one file but needs every import's name and version (MA601). A
file whose size, modification and change times and inode are those recorded is not read
again: its identity comes from `.modelarts-gitops/cache/identities.json`. The file is
written atomically (concurrent runs each see a whole cache), a damaged or foreign one
reads as empty, and a new tool version or another size limit starts afresh.

The cache holds one entry per folder of the models tree: the names of the files recorded,
their signatures flat in one list of numbers, and their identity records. A folder whose
files all have the recorded signatures is compared in two list equalities, and its records
are kept as they are: a record is decoded only when a rule may use it (see `known.Cached`).

A file changed within the clock's granularity of being read could keep its signature, so
a file changed less than a second before the run began is not recorded (git's "racily
clean" rule, in short).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

from validator import __version__
from validator.diagnostics import DataPath
from validator.load.document import Document, Position
from validator.state import cache_file, read_json_cache, write_json_cache

CACHE_NAME = "identities.json"
FORMAT = 2
RACY_NS = 1_000_000_000

Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def signature(info: os.stat_result) -> Signature:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class Identity(NamedTuple):
    """What the repository rules read of an import that is not checked.

    `exact` says it came from the full parse; a light read may still be confirmed by one.
    A named tuple: a warm run makes one per import of the repository.
    """

    name: Any
    version: Any
    config: str | None
    at: Position | None  # where the version is
    ignores: dict[int, frozenset[str]]
    exact: bool

    def document(self, shown: str) -> Document | None:
        """A slim document with the identity, or None when the import declares none."""
        if not isinstance(self.name, str) or not isinstance(self.version, str):
            return None
        data: dict[str, Any] = {"name": self.name, "version": self.version}
        if self.config is not None:
            data["config"] = self.config
        positions: dict[DataPath, Position] = {(): Position(1, 1)}
        if self.at is not None:
            positions[("version",)] = self.at
        return Document(shown, data, positions, ignores=dict(self.ignores))

    @classmethod
    def of(cls, document: Document | None, *, exact: bool) -> Identity:
        data = document.data if document is not None else None
        if document is None or not isinstance(data, dict):
            return cls(None, None, None, None, {}, exact)
        config = data.get("config")
        return cls(
            data.get("name"),
            data.get("version"),
            config if isinstance(config, str) else None,
            document.positions.get(("version",)),
            dict(document.ignores),
            exact,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


Record = list[Any]  # what `_encode` writes: name, version, config, at, ignores, exact
Flat = list[int]  # the signatures of a folder's files, one after the other
_STR_OR_NONE = (str, type(None))
_INT_OR_NONE = (int, type(None))
_SIGNATURE = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")  # as `signature`


def flat(infos: Iterable[os.stat_result]) -> Flat:
    """The signatures of a folder's files, as a folder entry holds them (no loop in Python:
    a warm run makes one per folder of the repository)."""
    return list(chain.from_iterable(map(_SIGNATURE, infos)))


def _encode(item: Identity) -> Record:
    ignores = {str(line): sorted(ids) for line, ids in item.ignores.items()}
    at = list(item.at) if item.at is not None else None
    return [_text(item.name), _text(item.version), item.config, at, ignores, item.exact]


def decode(record: Any) -> Identity | None:
    """The identity in a record `_encode` wrote, else None (a damaged cache). The common
    record (text or null, a position of four numbers, no ignore comment) is checked with
    as few operations as possible; anything else is checked in full."""
    if type(record) is not list or len(record) != 6:
        return None
    name, version, config, at, ignores, exact = record
    if (
        type(name) not in _STR_OR_NONE
        or type(version) not in _STR_OR_NONE
        or type(config) not in _STR_OR_NONE
    ):
        return None
    position = None
    if at is not None:
        if type(at) is not list or len(at) != 4:
            return None
        line, column, key_line, key_column = at
        if (
            type(line) is not int
            or type(column) is not int
            or type(key_line) not in _INT_OR_NONE
            or type(key_column) not in _INT_OR_NONE
        ):
            return None
        position = Position(line, column, key_line, key_column)
    if type(ignores) is not dict:
        return None
    marks: dict[int, frozenset[str]] = {}
    if ignores:
        try:
            marks = {int(line): frozenset(map(str, ids)) for line, ids in ignores.items()}
        except (TypeError, ValueError):
            return None
    return Identity(name, version, config, position, marks, exact is True)


def _split(relative: str) -> tuple[str, str]:
    """A path under the models folder as its folder entry's key and its file name."""
    folder, _, name = relative.rpartition("/")
    return (folder + "/" if folder else ""), name


class IdentityCache:
    """The cache of one repository for one run: read once, written once if it changed."""

    def __init__(self, root: Path, max_size: int) -> None:
        self.path = cache_file(root, CACHE_NAME)
        self.version = f"{__version__}/{FORMAT}/{max_size}"
        self.stored = read_json_cache(self.path, self.version)
        self.whole: dict[str, Any] = {}  # folder -> its stored entry, kept as it is
        self.kept: dict[str, dict[str, tuple[Signature, Record]]] = {}  # folder -> file -> ...
        self._files: dict[str, dict[str, tuple[Signature, Any]]] = {}
        self.saved: dict[str, Any] = {}  # what `save` kept
        self.started = time.time_ns()
        self.changed = False

    def folder(self, folder: str, names: list[str], signed: Flat) -> list[Any] | None:
        """The records of `folder`'s files `names`, in order, when they and their signatures
        `signed` (see `flat`) are what the cache holds; they are not decoded (see `decode`)."""
        entry = self.stored.get(folder)
        if type(entry) is not list or len(entry) != 3:
            return None
        if entry[0] != names or entry[1] != signed:
            return None
        records = entry[2]
        if type(records) is not list or len(records) != len(names):
            return None
        self.whole[folder] = entry
        return records

    def _recorded(self, folder: str) -> dict[str, tuple[Signature, Any]]:
        found = self._files.get(folder)
        if found is None:
            found = self._files[folder] = {}
            entry = self.stored.get(folder)
            if type(entry) is list and len(entry) == 3:
                names, signed, records = entry
                if (
                    type(names) is list
                    and type(signed) is list
                    and type(records) is list
                    and len(names) == len(records)
                    and len(signed) == 4 * len(records)
                ):
                    for n, name in enumerate(names):
                        if type(name) is str:
                            found[name] = (tuple(signed[4 * n : 4 * n + 4]), records[n])
        return found

    def get(self, relative: str, sig: Signature) -> Identity | None:
        folder, name = _split(relative)
        record = self._recorded(folder).get(name)
        if record is None or record[0] != sig:
            return None
        found = decode(record[1])
        if found is not None:
            self.kept.setdefault(folder, {})[name] = (sig, record[1])
        return found

    def put(self, relative: str, sig: Signature, item: Identity) -> None:
        if max(sig[1], sig[2]) > self.started - RACY_NS:
            return  # changed just now: its signature may not change with its next edit
        folder, name = _split(relative)
        if self.whole.pop(folder, None) is not None:  # a damaged record of a whole folder
            self.kept[folder] = {
                key: value
                for key, value in self._recorded(folder).items()
                if decode(value[1]) is not None
            }
        self.kept.setdefault(folder, {})[name] = (sig, _encode(item))
        self.changed = True

    def entries(self) -> dict[str, Any]:
        """What the cache holds after this run: each folder's files by name, as listed."""
        found: dict[str, Any] = dict(self.whole)
        for folder, files in self.kept.items():
            kept = sorted(files.items())
            signed = list(chain.from_iterable(sig for _, (sig, _) in kept))
            found[folder] = [[name for name, _ in kept], signed, [r for _, (_, r) in kept]]
        return found

    def save(self) -> None:
        """Keep what this run saw; files gone since the last run drop out."""
        self.saved = self.entries()
        if self.changed or self.saved != self.stored:
            write_json_cache(self.path, self.version, self.saved)
