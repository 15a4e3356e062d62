"""Read a config.json with a position for every key and value.

The stdlib decoder (C) decides validity and builds the values; a small scanner (`json_scan`)
over the already-valid text records where each key and value starts and finds
duplicate keys, which `json.loads` silently collapses. The scan is the slow half (about
15 times the decode), and most configs pass every rule, so no position of theirs is ever
asked for: a config with no duplicate key, inside the size and depth limits, is scanned
on its first lookup only.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from validator.diagnostics import Located
from validator.load.document import Document, line_column
from validator.load.encoding import decode, too_many_values
from validator.load.json_scan import DEEP, MAX_DEPTH, TOKEN, Positions, Scanner, Stop, within_limits

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


def _trouble(text: str) -> tuple[int, str] | None:
    """Where valid JSON is too deep or holds a number too long for Python, without recursion."""
    digits = sys.get_int_max_str_digits() or None
    depth, index = 0, 0
    while (match := TOKEN.match(text, index)) is not None and match.end() > index:
        index = match.end()
        token, offset = match[0].lstrip(), match.start(match.lastindex or 0)
        if token in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                return offset, DEEP
        elif token in "}]":
            depth -= 1
        elif digits and match[3] and len(token.lstrip("-").split(".")[0]) > digits:
            return offset, f"number with {len(token):,} digits is too long"
    return None


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
    if isinstance(data, dict) and not repeated and within_limits(text, data):
        return Document(path, data, Positions(text, path)), []
    scanner = Scanner(text, path)
    token, offset = scanner.start()
    if not isinstance(data, dict):
        line, column = scanner.where(offset)
        kind = _JSON_KINDS.get(type(data).__name__, "a single value")
        message = f"the top level is {kind}; config.json is a JSON object"
        return None, [Located(path, line, column, "MA404", message)]
    try:
        scanner.value((), token, offset)
    except Stop as stop:
        line, column = line_column(text, stop.offset)
        if stop.message is None:
            return None, [too_many_values(path, line, column)]
        return None, [Located(path, line, column, "MA404", stop.message)]
    return Document(path, data, scanner.positions), scanner.duplicates
