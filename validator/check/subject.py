"""What rules receive: one import, one config file with the imports using it, the repository."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.diagnostics import DataPath
from validator.load.document import Document, Position
from validator.settings import Settings

if TYPE_CHECKING:  # git_base brings the YAML parser, which `rules` does not need
    from validator.load.git_base import BaseState


class Spec(NamedTuple):
    """One model import file, with its resolved config (inline or from a file)."""

    document: Document
    file: Path
    settings: Settings
    config: Document | None = None
    config_file: Path | None = None

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.document.data
        return data

    @property
    def config_data(self) -> dict[str, Any]:
        return mapping(self.config)

    @property
    def image(self) -> Any:
        """`source.image` as written: None when absent, and not always text."""
        source = self.data.get("source")
        return source.get("image") if isinstance(source, dict) else None


class ConfigUse(NamedTuple):
    """One config document and every import that uses it: config rules run once per file."""

    document: Document
    users: tuple[Spec, ...]
    settings: Settings
    shown: str | None = None  # `repr(data)`, when the run has made it (its memo's key)

    @property
    def data(self) -> dict[str, Any]:
        return mapping(self.document)


class Marks(Mapping[DataPath, Position]):
    """The two positions a slim document keeps: the top level and the version."""

    __slots__ = ("root", "version")

    def __init__(self, root: Position | None, version: Position | None) -> None:
        self.root, self.version = root, version

    def __getitem__(self, path: DataPath) -> Position:
        found = self.root if path == () else self.version if path == ("version",) else None
        if found is None:
            raise KeyError(path)
        return found

    def __iter__(self) -> Iterator[DataPath]:
        return iter([p for p, v in (((), self.root), (("version",), self.version)) if v])

    def __len__(self) -> int:
        return (self.root is not None) + (self.version is not None)


_NO_RAW: Mapping[DataPath, str] = {}  # shared, never written
_NO_IGNORES: Mapping[int, frozenset[str]] = {}


def slim(spec: Spec) -> Spec:
    """What outlives a checked import: the name, the version and where it is, the config
    path as written and the config file (with the image, which the config rules read of
    its users), the inline ignore comments.

    The repository rules that compare files (MA601, MA603), the identity cache and the
    filtering of findings read nothing else, so a run keeps this much per import.
    """
    full = spec.document
    data: dict[str, Any] = {}
    if isinstance(full.data, dict):
        for key in ("name", "version", "config"):
            value = full.data.get(key, _ABSENT)
            if isinstance(value, str):  # shared: a model's versions repeat them
                data[key] = sys.intern(value)
            elif value is not _ABSENT and key != "config":
                data[key] = value
        source = full.data.get("source")
        if spec.config_file is not None and isinstance(source, dict) and "image" in source:
            data["source"] = {"image": source["image"]}
    get = full.positions.get
    marks = Marks(_shared(get(())), _shared(get(("version",))))
    document = Document(full.path, data, marks, _NO_RAW, full.ignores or _NO_IGNORES)
    return Spec(document, spec.file, spec.settings, None, spec.config_file)


_ABSENT = object()
_POSITIONS: dict[Position, Position] = {}


def _shared(position: Position | None) -> Position | None:
    """One object for equal positions: most files put the version at the same place."""
    if position is None:
        return None
    found = _POSITIONS.get(position)
    if found is None:
        found = position
        if len(_POSITIONS) < 4096:
            _POSITIONS[position] = position
    return found


def mapping(document: Document | None) -> dict[str, Any]:
    """A document's data when it is a mapping; an empty one otherwise (the schema says why)."""
    data = document.data if document is not None else None
    return data if isinstance(data, dict) else {}


def absolute(path: Path) -> Path:
    """A file's identity across the pipeline (no symlink resolution: that costs a syscall each)."""
    return Path(os.path.abspath(path))


def absolute_texts(paths: Iterable[Path]) -> list[str]:
    """`os.path.abspath` of each path, with one look at the working directory for all
    (on POSIX, where `abspath` is that join; elsewhere `abspath` itself)."""
    paths = list(paths)
    if os.name != "posix" or all(map(os.path.isabs, paths)):
        return list(map(os.path.abspath, paths))
    here = os.getcwd()
    join, normal = os.path.join, os.path.normpath
    return [normal(join(here, path)) for path in paths]


class Repository(NamedTuple):
    """Every import under the models folder, for rules that compare files.

    `targets` are the files being checked: findings concern them. `base` is the
    state at `--base REF`, when given.
    """

    specs: tuple[Spec, ...]
    settings: Settings
    targets: frozenset[Path] = frozenset()
    base: BaseState | None = None

    def is_target(self, spec: Spec) -> bool:
        return absolute(spec.file) in self.targets
