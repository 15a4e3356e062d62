"""What may reach a terminal or a CI log from a file name, a key or a value.

Every human-readable line shows control characters escaped: C0 except tab, DEL
and C1 as `\\x1b`, CR and LF as `\\r` and `\\n` (one finding stays one line),
lone surrogates (a broken `\\ud800` escape in JSON, an undecodable file name) as
`\\ud800`, and the bidirectional overrides that reorder what a reviewer sees as
`\\u202e`. JSON and SARIF carry the exact value instead, JSON-escaped, so no raw
control byte is written there either.

Under GitHub Actions every line of the log is also read by the runner: a line
starting with `::` is a workflow command, and the legacy parser takes `##[`
anywhere in a line. `for_actions` neutralises both, with the `%3A`/`%23` forms
the runner shows as text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import cache

# DEL, C1, the bidirectional embeddings, overrides and isolates, and lone surrogates. The
# classes are compiled when a text needs them: their wide ranges cost 0.6 ms each to compile,
# and printable ASCII, nearly everything shown, needs none.
_BEYOND_C0 = "\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_NAMED = {"\n": "\\n", "\r": "\\r"}


@cache
def _pattern(kind: str) -> re.Pattern[str]:
    if kind == "control":
        return re.compile(f"[\x00-\x08\x0a-\x1f{_BEYOND_C0}]")
    if kind == "lines":
        return re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f{_BEYOND_C0}]")
    return re.compile(f"[\u2028\u2029{_BEYOND_C0}]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, lines: bool = False) -> str:
    """The text with every control character written as an escape; tab is kept.

    With `lines`, CR and LF are kept too: for output that escapes them its own way
    (a workflow command's `%0A`, a Markdown `<br>`).
    """
    if text.isascii() and text.isprintable():  # no control character, no DEL
        return text
    return _pattern("lines" if lines else "control").sub(_escape, text)


def json_safe(encoded: str) -> str:
    """JSON text (from `ensure_ascii=False`) with DEL, C1, lone surrogates and the
    bidirectional controls as `\\u` escapes: the same value, UTF-8 encodable, inert."""
    if encoded.isascii() and "\x7f" not in encoded:
        return encoded
    return _pattern("json").sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def for_actions(text: str) -> str:
    """A log line that the GitHub Actions runner cannot read as a workflow command."""
    return text.replace("::", ":%3A").replace("##[", "#%23[")


def under_actions(env: Mapping[str, str] | None = None) -> bool:
    return bool((os.environ if env is None else env).get("GITHUB_ACTIONS"))
