"""A parsed file with a position for every key and value: what rules read and the locator maps."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from validator.diagnostics import DataPath

_NONE: Mapping[Any, Any] = MappingProxyType({})  # default `raw` and `ignores`: shared, read-only
_IGNORE = re.compile(r"#\s*modelarts-gitops:\s*ignore\[([^\]\n]*)\]")


class Position(NamedTuple):
    """1-based line and column of a value, and of its key when it sits in a mapping.

    A named tuple rather than a frozen dataclass: the loaders make one per node of every
    file, and a tuple is built two to three times faster and is smaller.
    """

    line: int
    column: int
    key_line: int | None = None
    key_column: int | None = None


class Document(NamedTuple):
    """One parsed YAML or JSON file (or a part of one, for an inline config).

    `path` is how the file is shown in diagnostics. `raw` keeps the source text
    of scalars that YAML read as something other than a string, so a message can
    say "1.10 was read as the number 1.1".
    """

    path: str
    data: Any
    positions: Mapping[DataPath, Position]
    raw: Mapping[DataPath, str] = _NONE
    ignores: Mapping[int, frozenset[str]] = _NONE
    prefix: DataPath = ()

    def at(self, prefix: DataPath) -> Document:
        """The same file seen from a sub-tree (an inline config mapping)."""
        data = self.data
        for part in prefix:
            data = data[part]
        return Document(self.path, data, self.positions, self.raw, self.ignores, prefix)

    def locate(self, path: DataPath, at: str = "value") -> tuple[int, int]:
        """The position for a data path; the nearest recorded ancestor when absent."""
        full = self.prefix + path
        pos = self.positions.get(full)
        while pos is None and full:  # one lookup a level: a lazy one walks the tree each time
            full = full[:-1]
            pos = self.positions.get(full)
        if pos is None:
            return (1, 1)
        if at == "key" and pos.key_line is not None and pos.key_column is not None:
            return (pos.key_line, pos.key_column)
        return (pos.line, pos.column)

    def raw_text(self, path: DataPath) -> str | None:
        return self.raw.get(self.prefix + path)

    def ignored(self, line: int, rule: str) -> bool:
        marks = self.ignores.get(line)
        return marks is not None and any(rule.startswith(m) for m in marks)


def inline_ignores(text: str) -> dict[int, frozenset[str]]:
    """Lines carrying `# modelarts-gitops: ignore[MA305, MA2]` and the ids or prefixes they name."""
    if "modelarts-gitops:" not in text:
        return {}
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            found[number] = frozenset(p.strip().upper() for p in match[1].split(",") if p.strip())
    return found


def ignore_marks(text: str) -> list[tuple[int, int, str]]:
    """Line, column and text of each id or prefix named in an ignore comment."""
    if "modelarts-gitops:" not in text:
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _IGNORE.search(line)
        if match:
            for part in re.finditer(r"[^,\s]+", match[1]):
                found.append((number, match.start(1) + part.start() + 1, part[0]))
    return found


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def display(path: Path) -> str:
    """How a file is named in diagnostics: relative to the working directory when inside it.

    Hot (once per file): a relative path that does not climb out is that path, normalized,
    as `os.path.relpath` of its absolute form gives on POSIX (without a look at the working
    directory); another under the working directory is cut as text; pathlib is left for
    the rest.
    """
    if os.sep == "/" and not os.path.isabs(path):
        relative = os.path.normpath(path)
        if not relative.startswith(".."):
            return relative
    absolute = os.path.abspath(path)
    here = os.getcwd()
    inside = here.rstrip("/") + "/"
    if absolute.startswith(inside) and len(absolute) > len(inside):
        relative = absolute[len(inside) :]
        return absolute if relative.startswith("..") else relative
    relative = os.path.relpath(absolute, here)
    if relative.startswith(".."):
        return absolute
    return Path(relative).as_posix()
