"""A light read of the imports that are not being checked: name, version and config path only.

Repository-wide rules need every import's identity, but a pre-commit hook checks
a handful of files in a repository that may hold thousands. Reading the three
top-level keys with one regular expression is about ten times cheaper than
parsing; any file this cannot read with certainty (quotes it does not know,
flow or block values, a key written twice) returns None and is parsed in full.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from validator.diagnostics import Located
from validator.load.document import Document, Position
from validator.load.encoding import read_file

_KEY = re.compile(rb"^(name|version|config)[ \t]*:(?:[ \t]+(.*?))?[ \t]*\r?$", re.MULTILINE)
_COMPLEX = tuple(b"[{&*!|>%@`")
LIGHT_LIMIT = 1 << 20  # larger files are loaded in full, which reports them


@dataclass(frozen=True, slots=True)
class Light:
    document: Document  # data holds name, version and config (when a path); positions for them
    config: str | None


def _scalar(value: bytes) -> str | None:
    """A plain or quoted one-line scalar, or None when it is anything else."""
    if not value or value[0] in _COMPLEX:
        return None
    text = value.decode("utf-8", "replace")
    if text[0] == '"':
        end = text.find('"', 1)
        if end < 0 or "\\" in text[:end]:
            return None
        return json.loads(text[: end + 1]) if text[end + 1 :].strip()[:1] in ("", "#") else None
    if text[0] == "'":
        end = text.find("'", 1)
        if end < 0 or text[end + 1 : end + 2] == "'":
            return None
        return text[1:end] if text[end + 1 :].strip()[:1] in ("", "#") else None
    return text.split(" #", 1)[0].rstrip()


def read_light(path: Path, display: str) -> Light | None:
    raw = read_file(path, display, LIGHT_LIMIT)
    if isinstance(raw, Located):
        return None  # the full load reports it
    data: dict[str, str] = {}
    positions: dict[tuple[str | int, ...], Position] = {(): Position(1, 1)}
    for match in _KEY.finditer(raw):
        key = match[1].decode()
        if key in data:
            return None
        if key == "config" and not match[2]:
            continue  # an inline mapping follows
        value = _scalar(match[2] or b"")
        if value is None:
            return None
        line = raw.count(b"\n", 0, match.start()) + 1
        column = match.start(2) - match.start() + 1
        data[key] = value
        positions[(key,)] = Position(line, column, line, 1)
    if "name" not in data or "version" not in data:
        return None
    return Light(Document(display, data, positions), data.get("config"))
