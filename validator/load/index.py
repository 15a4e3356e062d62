"""A light read of the imports that are not being checked: name, version and config path only.

Repository-wide rules need every import's identity, but a pre-commit hook checks
a handful of files in a repository that may hold thousands. Reading the three
top-level keys with one regular expression is about ten times cheaper than
parsing. It must never read what the full parse would not: a value is taken only
when it is certain to be the same string for YAML, and any file with something
this reader does not understand returns None and is parsed in full:

- a character libyaml refuses, a byte-order mark, a CR that ends a line alone;
- a tab on a key's line, a plain value that YAML would read as a number, a boolean
  or null, a value that may continue on the next line, escapes in quotes;
- a document marker, a directive, a line starting with a quote, a tag, an anchor,
  a flow collection or a complex key (a key the regex would not see), a key twice;
- a symlink, or a file over the size limit.

What remains (a syntax error further down the file) is settled by the pipeline: a
file read lightly whose identity matters to a finding is parsed in full first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from validator.diagnostics import Located
from validator.load.document import Document, Position, inline_ignores
from validator.load.encoding import read_file

_KEY = re.compile(rb"^(name|version|config) *:(?: +(.*?))? *\r?$", re.MULTILINE)
# Characters the YAML reader rejects (C0 but tab, LF, CR; DEL; C1; surrogates), and the
# line breaks of YAML 1.1 that are no line break to the regex (NEL, LS, PS).
_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Lines the regex would misread: a key it cannot see, or YAML it does not model.
_UNKNOWN = re.compile(rb"^(?:[\"'?!&*{\[%]|---|\.\.\.)", re.MULTILINE)
_SAFE = re.compile(r"[\w./-]+")  # a plain value made of these is text, unless it is one of:
_NUMBER = re.compile(r"[-+]?(?:[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?|0[xXbBoO][0-9a-fA-F_]+)")
_WORDS = {"yes", "no", "y", "n", "true", "false", "on", "off", "null"}
_COMMENT = re.compile(r"(?: +#.*)?")
LIGHT_LIMIT = 1 << 20  # larger files are loaded in full, which reports them


class Light(NamedTuple):
    document: Document  # data holds name, version and config (when a path); positions for them
    config: str | None


def _plain(text: str) -> str | None:
    value, _, rest = text.partition(" ")
    if (
        not _SAFE.fullmatch(value)
        or value[0] in "-."
        or (rest and not _COMMENT.fullmatch(" " + rest))
    ):
        return None
    if value.lower() in _WORDS or _NUMBER.fullmatch(value):
        return None  # YAML reads it as something other than text
    return value


def _quoted(text: str) -> str | None:
    quote = text[0]
    end = text.find(quote, 1)
    if end < 0 or "\\" in text[:end] or text[end + 1 : end + 2] == quote:
        return None  # escapes, or '' inside single quotes
    return text[1:end] if _COMMENT.fullmatch(text[end + 1 :]) else None


def _scalar(value: bytes) -> str | None:
    """A one-line scalar that YAML certainly reads as this text, or None."""
    if not value or b"\t" in value:
        return None
    text = value.decode("utf-8")
    return _quoted(text) if text[0] in "\"'" else _plain(text)


def _continues(raw: bytes, end: int) -> bool:
    """True when the lines after a plain value may continue it (an indented line)."""
    start = raw.find(b"\n", end) + 1
    while 0 < start < len(raw):
        stop = raw.find(b"\n", start)
        line = raw[start:] if stop < 0 else raw[start:stop]
        stripped = line.strip()
        if stripped:
            return line[:1] in (b" ", b"\t") and not stripped.startswith(b"#")
        start = stop + 1
    return False


def _readable(raw: bytes, max_size: int) -> str | None:
    if len(raw) > max_size or raw[:3] == b"\xef\xbb\xbf" or raw.count(b"\r") != raw.count(b"\r\n"):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _REFUSED.search(text) or _UNKNOWN.search(raw):
        return None
    return text


def read_light(path: Path, display: str, max_size: int = LIGHT_LIMIT) -> Light | None:
    limit = min(max_size, LIGHT_LIMIT)
    if os.path.islink(path):
        return None  # where it leads is the full load's to judge
    raw = read_file(path, display, limit)
    if isinstance(raw, Located):
        return None  # the full load reports it
    text = _readable(raw, limit)
    if text is None:
        return None
    data: dict[str, str] = {}
    positions: dict[tuple[str | int, ...], Position] = {(): Position(1, 1)}
    for match in _KEY.finditer(raw):
        key = match[1].decode()
        if key in data:
            return None
        if key == "config" and not match[2]:
            continue  # an inline mapping follows
        value = _scalar(match[2] or b"")
        if value is None or (match[2][:1] not in b"\"'" and _continues(raw, match.end())):
            return None
        line = raw.count(b"\n", 0, match.start()) + 1
        column = len(raw[match.start() : match.start(2)].decode()) + 1
        data[key] = value
        positions[(key,)] = Position(line, column, line, 1)
    if "name" not in data or "version" not in data:
        return None
    return Light(
        Document(display, data, positions, ignores=inline_ignores(text)), data.get("config")
    )
