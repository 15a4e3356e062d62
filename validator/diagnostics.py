"""The values that flow from checks to reporters."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from validator.load.document import Document

DataPath = tuple[str | int, ...]


class Severity(enum.IntEnum):
    """Ordered so that `max()` gives the most serious one."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


class Diagnostic(NamedTuple):
    """One located finding. Sorting gives file, line, column order."""

    file: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    suggestion: str | None = None


class Finding(NamedTuple):
    """What a rule yields: a data path in the document it checks, not a line.

    `at` picks what the locator points at: the value (default), the key
    (unknown keys), or the parent mapping (missing keys).
    `document` sends the finding to another document than the rule's subject
    (a rule on an import that found a problem inside its config file).
    `rule` is set only by checks that report several rule ids (the schema check).
    """

    path: DataPath
    message: str
    suggestion: str | None = None
    at: str = "value"
    document: Document | None = None
    rule: str | None = None


class Located(NamedTuple):
    """A finding with its position resolved; severity is applied later from the settings."""

    file: str
    line: int
    column: int
    rule: str
    message: str
    suggestion: str | None = None


def count_by_severity(diagnostics: Sequence[Diagnostic]) -> dict[str, int]:
    counts = {str(s): 0 for s in sorted(Severity, reverse=True)}
    for d in diagnostics:
        counts[str(d.severity)] += 1
    return counts


def closest(word: str, choices: Iterable[object], cutoff: float = 0.6) -> str | None:
    """The choice nearest to a misspelt word, when one is near enough."""
    import difflib  # only for a finding that suggests: not on every run's start-up

    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=cutoff)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[object]) -> str | None:
    """`did you mean ...?` for a near miss, or None."""
    close = closest(word, choices)
    return f"did you mean `{close}`?" if close is not None else None


def dotted(path: DataPath) -> str:
    """`source.image`, `docs[1].url`: a data path as a person writes it."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


TYPE_NAMES = {  # JSON Schema type names as messages say them
    "string": "a string",
    "object": "a mapping",
    "array": "a list",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def kind_of(value: Any) -> str:
    """How a value's type is named in messages: `a string`, `a list`, `null`."""
    if isinstance(value, bool):
        return "a boolean"
    for name, python in (("number", (int, float)), ("string", str), ("list", list)):
        if isinstance(value, python):
            return f"a {name}"
    return "a mapping" if isinstance(value, dict) else "null"
