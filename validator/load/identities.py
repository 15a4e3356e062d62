"""A persistent cache of the identities of the imports not being checked.

A pre-commit run checks one file but needs every import's name and version (MA601). A
file whose size, modification and change times and inode are those recorded is not read
again: its identity comes from `.modelarts-gitops/cache/identities.json`. The file is
written atomically (concurrent runs each see a whole cache), a damaged or foreign one
reads as empty, and a new tool version or another size limit starts afresh.

A file changed within the clock's granularity of being read could keep its signature, so
a file changed less than a second before the run began is not recorded (git's "racily
clean" rule, in short).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, NamedTuple

from validator import __version__
from validator.diagnostics import DataPath
from validator.load.document import Document, Position
from validator.state import cache_file, read_json_cache, write_json_cache

CACHE_NAME = "identities.json"
FORMAT = 1
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


def _encode(sig: Signature, item: Identity) -> list[Any]:
    ignores = {str(line): sorted(ids) for line, ids in item.ignores.items()}
    at = list(item.at) if item.at is not None else None
    return [list(sig), _text(item.name), _text(item.version), item.config, at, ignores, item.exact]


_STR_OR_NONE = (str, type(None))
_INT_OR_NONE = (int, type(None))


def _decode(record: Any, sig: Signature) -> Identity | None:
    """The identity in a record `_encode` wrote for this signature, else None (a changed
    file, or a damaged cache). A warm run decodes one per import: the common record (a
    matching signature, text or null, a position of four numbers, no ignore comment) is
    checked with as few operations as possible; anything else is checked in full."""
    if type(record) is not list or len(record) != 7:
        return None
    signed, name, version, config, at, ignores, exact = record
    if type(signed) is not list or len(signed) != 4 or tuple(signed) != sig:
        return None
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


class IdentityCache:
    """The cache of one repository for one run: read once, written once if it changed."""

    def __init__(self, root: Path, max_size: int) -> None:
        self.path = cache_file(root, CACHE_NAME)
        self.version = f"{__version__}/{FORMAT}/{max_size}"
        self.stored = read_json_cache(self.path, self.version)
        self.kept: dict[str, list[Any]] = {}
        self.started = time.time_ns()
        self.changed = False

    def get(self, key: str, sig: Signature) -> Identity | None:
        record: Any = self.stored.get(key)
        found = _decode(record, sig) if record is not None else None
        if found is not None:
            self.kept[key] = record
        return found

    def put(self, key: str, sig: Signature, item: Identity) -> None:
        if max(sig[1], sig[2]) > self.started - RACY_NS:
            return  # changed just now: its signature may not change with its next edit
        self.kept[key] = _encode(sig, item)
        self.changed = True

    def save(self) -> None:
        """Keep what this run saw; files gone since the last run drop out."""
        if self.changed or len(self.kept) != len(self.stored):
            write_json_cache(self.path, self.version, self.kept)
