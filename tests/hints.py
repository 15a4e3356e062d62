"""Apply a finding's hint to the file it is in, as a user following it would.

A hint is either a concrete fix — a replacement for the value or key the finding points at
(`version: "1.2.0"`, `did you mean `protocol`?`, `write `/health``, a whole image
reference), or a file move — or an instruction for a person (`add ...`, `remove ...`, a
`<placeholder>`). `apply_hint` performs the first kind and returns None for the second.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

INSTRUCTION = re.compile(
    r"^(add |remove |give |install |mark |use |array-form |write the JSON Schema itself)"
    r"|<[a-z-]+>"
)
DID_YOU_MEAN = re.compile(r"did you mean `([^`]+)`\?")
WRITE = re.compile(r"(?:a percentage\? )?write `?([^`]+?)`?")
KEY_VALUE = re.compile(r"([A-Za-z_][\w-]*): (.+)")
QUOTE_IT = re.compile(r"quote it: (.+)")
MOVE = re.compile(r"(?:move the file|rename it) to (\S+?)(?: and set version: (\"[^\"]+\"))?")
CLOSING = {"[": "]", "{": "}"}


def token_end(line: str, start: int) -> int:
    """Where the scalar, key or flow collection starting at `start` ends."""
    first = line[start : start + 1]
    if first in "\"'":
        end = start + 1
        while end < len(line) and line[end] != first:
            end += 2 if line[end] == "\\" and first == '"' else 1
        return end + 1
    if first in CLOSING:
        depth = 0
        for end in range(start, len(line)):
            depth += {first: 1, CLOSING[first]: -1}.get(line[end], 0)
            if depth == 0:
                return end + 1
    in_flow = line[:start].count("[") + line[:start].count("{") > line[:start].count("]") + line[
        :start
    ].count("}")
    stops = [" #", ": ", ":\n"] + ([",", "]", "}"] if in_flow else [])
    ends = [line.find(stop, start) for stop in stops]
    end = min([e for e in ends if e >= 0] or [len(line.rstrip("\n"))])
    return start + len(line[start:end].rstrip())


def replace_at(text: str, line: int, column: int, new: str, keep_quotes: bool) -> str:
    lines = text.splitlines(keepends=True)
    current = lines[line - 1]
    start = column - 1
    end = token_end(current, start)
    old = current[start:end]
    if keep_quotes and old[:1] == '"':
        new = json.dumps(new)
    elif keep_quotes and old[:1] == "'":
        new = "'" + new.replace("'", "''") + "'"
    lines[line - 1] = current[:start] + new + current[end:]
    return "".join(lines)


def apply_hint(root: Path, file: Path, line: int, column: int, hint: str) -> Path | None:
    """Follow `hint` for the finding at `line`:`column` of `file`; the file it leaves, or None.

    Paths in a hint are relative to the repository `root`.
    """
    if INSTRUCTION.search(hint):
        return None
    text = file.read_text(encoding="utf-8")
    if move := MOVE.fullmatch(hint):
        target = root / move[1]
        if move[2]:  # the finding may point at the name: set the version where it is written
            text = re.sub(r"(?m)^version:.*$", f"version: {move[2]}", text, count=1)
        target.parent.mkdir(parents=True, exist_ok=True)
        file.rename(target)
        target.write_text(text, encoding="utf-8")
        return target
    if hint == "unquote it":
        current = text.splitlines(keepends=True)[line - 1]
        new, keep = current[column - 1 : token_end(current, column - 1)].strip("\"'"), False
    elif match := DID_YOU_MEAN.fullmatch(hint):
        new, keep = match[1], True
    elif match := QUOTE_IT.fullmatch(hint):
        new, keep = match[1], False
    elif match := KEY_VALUE.fullmatch(hint):
        new, keep = match[2], False
    elif match := WRITE.fullmatch(hint):
        new, keep = match[1], True
    else:  # a bare replacement value: an image reference, a label, a list
        new, keep = hint, True
    file.write_text(replace_at(text, line, column, new, keep), encoding="utf-8")
    return file
