"""Where each key and value of a valid config.json starts, and which keys repeat.

The stdlib decoder has already accepted the text; `Scanner` walks its tokens once, records
a position for every key and value, and reports repeated keys (MA405), which `json.loads`
collapses. It stops at `MAX_VALUES` values or `MAX_DEPTH` levels, as the YAML loader does.
`Positions` defers that walk to the first lookup, for a config `within_limits` says it
cannot stop in.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from validator import jsontext
from validator.diagnostics import DataPath, Located
from validator.load.document import Position
from validator.load.encoding import MAX_VALUES

TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.DOTALL)
MAX_DEPTH = 64  # as for YAML (MA010): nothing in a config.json nests this deep
DEEP = f"JSON nested deeper than {MAX_DEPTH} levels"


class Stop(Exception):
    """The scan stops at `offset`: nested too deep (`message`), or too many values (None)."""

    def __init__(self, offset: int, message: str | None) -> None:
        super().__init__(offset)
        self.offset = offset
        self.message = message


class Scanner:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.index = 0
        self.lines = [0, *(m.end() for m in re.finditer("\n", text))]
        self.positions: dict[DataPath, Position] = {}
        self.duplicates: list[Located] = []
        self.count = 0

    def where(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.lines, offset)
        return line, offset - self.lines[line - 1] + 1

    def start(self) -> tuple[str, int]:
        """The first token and its offset, with the top level's position recorded."""
        token, offset = self._next()
        self.positions[()] = Position(*self.where(offset))
        return token, offset

    def _next(self) -> tuple[str, int]:
        match = TOKEN.match(self.text, self.index)
        assert match is not None  # the text is valid JSON: json.loads said so
        self.index = match.end()
        return match[0].lstrip(), match.start(match.lastindex or 0)

    def value(self, path: DataPath, token: str, offset: int) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise Stop(offset, None)
        if token in "{[" and len(path) >= MAX_DEPTH:
            raise Stop(offset, DEEP)
        if token == "{":
            self._object(path)
        elif token == "[":
            self._array(path)

    def _object(self, path: DataPath) -> None:
        seen: dict[str, int] = {}
        token, offset = self._next()
        while token != "}":
            key = json.loads(token)
            key_line, key_column = self.where(offset)
            self._next()  # ":"
            token, offset = self._next()
            line, column = self.where(offset)
            if key in seen:
                self.duplicates.append(
                    Located(
                        self.path,
                        key_line,
                        key_column,
                        "MA405",
                        f"duplicate key `{key}` (first at line {seen[key]}); "
                        "JSON readers keep only one of them",
                        "remove one of the two",
                    )
                )
            else:
                seen[key] = key_line
                self.positions[(*path, key)] = Position(line, column, key_line, key_column)
            self.value((*path, key), token, offset)
            token, offset = self._next()  # "," or "}"
            if token == ",":
                token, offset = self._next()

    def _array(self, path: DataPath) -> None:
        token, offset = self._next()
        index = 0
        while token != "]":
            self.positions[(*path, index)] = Position(*self.where(offset))
            self.value((*path, index), token, offset)
            index += 1
            token, offset = self._next()
            if token == ",":
                token, offset = self._next()


def within_limits(text: str, data: Any) -> bool:
    """True when the scan of `text` (valid JSON, no key repeated, decoded into `data`) could
    not stop: at most `MAX_VALUES` values, and no container `MAX_DEPTH` levels down.

    Each value but the first follows a `:`, `[` or `,`, and a container that deep sits
    inside as many others: when the characters bound neither, nothing needs counting.
    Otherwise the data, which then mirrors the text exactly, is counted.
    """
    values = 1 + text.count(":") + text.count("[") + text.count(",")
    if values <= MAX_VALUES and jsontext.opened(text) <= MAX_DEPTH:
        return True
    return not jsontext.exceeds(data, MAX_DEPTH, MAX_VALUES)


class Positions(Mapping[DataPath, Position]):
    """The positions of a config's keys and values, scanned from its text on first use."""

    __slots__ = ("_found", "_path", "_text")

    def __init__(self, text: str, path: str) -> None:
        self._text, self._path = text, path
        self._found: dict[DataPath, Position] | None = None

    def _scanned(self) -> dict[DataPath, Position]:
        if self._found is None:
            scanner = Scanner(self._text, self._path)
            scanner.value((), *scanner.start())  # cannot stop: `within_limits` said so
            self._found = scanner.positions
        return self._found

    def __getitem__(self, path: DataPath) -> Position:
        return self._scanned()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._scanned()

    def __iter__(self) -> Iterator[DataPath]:
        return iter(self._scanned())

    def __len__(self) -> int:
        return len(self._scanned())
