"""Reporters: tiny modules that render the same diagnostics list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TextIO

from validator.diagnostics import Diagnostic

Reporter = Callable[[Sequence[Diagnostic], int, TextIO], None]


def reporter(name: str) -> Reporter:
    """The reporter for a `--format` name; imported only when used."""
    if name == "json":
        from validator.report.json_report import report
    else:
        from validator.report.text import report
    return report


FORMATS = ("text", "json")
