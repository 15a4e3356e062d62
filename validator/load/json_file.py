"""Read a config.json with a position for every key and value.

The stdlib decoder (C) decides validity and builds the values; a small scanner
over the already-valid text records where each key and value starts and finds
duplicate keys, which `json.loads` silently collapses. The scan is the slow half (about
15 times the decode), and most configs pass every rule, so no position of theirs is ever
asked for: a config with no duplicate key, inside the size and depth limits, is scanned
on its first lookup only.
"""

from __future__ import annotations

import json
import re
import sys
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from typing import Any

from validator.diagnostics import DataPath, Located
from validator.load.document import Document, Position, line_column
from validator.load.encoding import MAX_VALUES, decode, too_many_values

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.DOTALL)


MAX_DEPTH = 64  # as for YAML (MA010): nothing in a config.json nests this deep
_DEEP = f"JSON nested deeper than {MAX_DEPTH} levels"
_JSON_KINDS = {"list": "an array", "str": "a string", "NoneType": "null"}


def _decode(text: str) -> tuple[Any, bool]:
    """The decoded text, and whether an object in it repeats a key.

    Like the YAML loader, the first value of a repeated key is kept (and the scan reports
    the repetition).
    """
    repeated: list[bool] = []

    def first_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) == len(pairs):
            return out
        repeated.append(True)
        out = {}
        for key, value in pairs:
            out.setdefault(key, value)
        return out

    return json.loads(text, object_pairs_hook=first_wins), bool(repeated)


def _explain(error: json.JSONDecodeError) -> tuple[int, str, str | None]:
    """Where the decoder stopped and why, in words for the usual slips: comments, a trailing
    comma, single quotes (JSON has none of them, though JavaScript and JSON5 do)."""
    text, at = error.doc, error.pos
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    before = text[: error.pos].rstrip()
    if text.startswith(("//", "/*"), at):
        return at, "not valid JSON: JSON has no comments", "remove the comment"
    if before.endswith(",") and text[at : at + 1] in ("}", "]"):
        closing = "object" if text[at] == "}" else "array"
        message = f"not valid JSON: a comma after the last item of an {closing}"
        return len(before) - 1, message, "remove this comma"
    if text[at : at + 1] == "'":
        return at, "not valid JSON: a string in single quotes", 'JSON quotes with "double quotes"'
    if error.msg == "Extra data":
        message = "not valid JSON: more text after the end of the top-level object"
        return error.pos, message, "a config.json holds one JSON object"
    return error.pos, f"not valid JSON: {error.msg}", None


class _Stop(Exception):
    """The scan stops at `offset`: nested too deep (`message`), or too many values (None)."""

    def __init__(self, offset: int, message: str | None) -> None:
        super().__init__(offset)
        self.offset = offset
        self.message = message


def _trouble(text: str) -> tuple[int, str] | None:
    """Where valid JSON is too deep or holds a number too long for Python, without recursion."""
    digits = sys.get_int_max_str_digits() or None
    depth, index = 0, 0
    while (match := _TOKEN.match(text, index)) is not None and match.end() > index:
        index = match.end()
        token, offset = match[0].lstrip(), match.start(match.lastindex or 0)
        if token in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                return offset, _DEEP
        elif token in "}]":
            depth -= 1
        elif digits and match[3] and len(token.lstrip("-").split(".")[0]) > digits:
            return offset, f"number with {len(token):,} digits is too long"
    return None


class _Scanner:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.index = 0
        self.lines = [0, *(m.end() for m in re.finditer("\n", text))]
        self.positions: dict[DataPath, Position] = {}
        self.duplicates: list[Located] = []
        self.count = 0

    def _where(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.lines, offset)
        return line, offset - self.lines[line - 1] + 1

    def start(self) -> tuple[str, int]:
        """The first token and its offset, with the top level's position recorded."""
        token, offset = self._next()
        self.positions[()] = Position(*self._where(offset))
        return token, offset

    def _next(self) -> tuple[str, int]:
        match = _TOKEN.match(self.text, self.index)
        assert match is not None  # the text is valid JSON: json.loads said so
        self.index = match.end()
        return match[0].lstrip(), match.start(match.lastindex or 0)

    def value(self, path: DataPath, token: str, offset: int) -> None:
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Stop(offset, None)
        if token in "{[" and len(path) >= MAX_DEPTH:
            raise _Stop(offset, _DEEP)
        if token == "{":
            self._object(path)
        elif token == "[":
            self._array(path)

    def _object(self, path: DataPath) -> None:
        seen: dict[str, int] = {}
        token, offset = self._next()
        while token != "}":
            key = json.loads(token)
            key_line, key_column = self._where(offset)
            self._next()  # ":"
            token, offset = self._next()
            line, column = self._where(offset)
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
            self.positions[(*path, index)] = Position(*self._where(offset))
            self.value((*path, index), token, offset)
            index += 1
            token, offset = self._next()
            if token == ",":
                token, offset = self._next()


def _within_limits(text: str, data: Any) -> bool:
    """True when the scan of `text` (valid JSON, no key repeated, decoded into `data`) could
    not stop: at most `MAX_VALUES` values, and no container `MAX_DEPTH` levels down.

    Each value but the first follows a `:`, `[` or `,`, and a container that deep sits
    inside as many others: when the characters bound neither, nothing needs counting.
    Otherwise the data, which then mirrors the text exactly, is counted.
    """
    values = 1 + text.count(":") + text.count("[") + text.count(",")
    if values <= MAX_VALUES and text.count("{") + text.count("[") <= MAX_DEPTH:
        return True
    count, stack = 0, [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return False
        if isinstance(value, dict):
            value = value.values()
        elif not isinstance(value, list):
            continue
        if depth >= MAX_DEPTH:
            return False
        stack.extend((item, depth + 1) for item in value)
    return True


class _Positions(Mapping[DataPath, Position]):
    """The positions of a config's keys and values, scanned from its text on first use."""

    __slots__ = ("_found", "_path", "_text")

    def __init__(self, text: str, path: str) -> None:
        self._text, self._path = text, path
        self._found: dict[DataPath, Position] | None = None

    def _scanned(self) -> dict[DataPath, Position]:
        if self._found is None:
            scanner = _Scanner(self._text, self._path)
            scanner.value((), *scanner.start())  # cannot stop: `_within_limits` said so
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


def load_json(raw: bytes, path: str, max_size: int) -> tuple[Document | None, list[Located]]:
    """Parse one JSON file. A None document means it could not be read at all."""
    text = decode(raw, path, max_size)
    if isinstance(text, Located):
        return None, [text]
    try:
        data, repeated = _decode(text)
    except json.JSONDecodeError as error:
        offset, message, hint = _explain(error)
        line, column = line_column(error.doc, offset)
        return None, [Located(path, line, column, "MA404", message, hint)]
    except (ValueError, RecursionError) as error:  # a huge number, or nesting past the stack
        found = _trouble(text)
        offset, message = found if found else (0, f"JSON could not be read: {error}")
        return None, [Located(path, *line_column(text, offset), "MA404", message)]
    if isinstance(data, dict) and not repeated and _within_limits(text, data):
        return Document(path, data, _Positions(text, path)), []
    scanner = _Scanner(text, path)
    token, offset = scanner.start()
    if not isinstance(data, dict):
        line, column = scanner._where(offset)
        kind = _JSON_KINDS.get(type(data).__name__, "a single value")
        message = f"the top level is {kind}; config.json is a JSON object"
        return None, [Located(path, line, column, "MA404", message)]
    try:
        scanner.value((), token, offset)
    except _Stop as stop:
        line, column = line_column(text, stop.offset)
        if stop.message is None:
            return None, [too_many_values(path, line, column)]
        return None, [Located(path, line, column, "MA404", stop.message)]
    return Document(path, data, scanner.positions), scanner.duplicates
