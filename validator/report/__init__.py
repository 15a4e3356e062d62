"""Reporters: tiny modules that render the same diagnostics list."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Protocol, TextIO, cast

from validator.diagnostics import Diagnostic


class Reporter(Protocol):
    """`checked` holds the display path of every checked file (JUnit lists clean files)."""

    def __call__(
        self,
        diagnostics: Sequence[Diagnostic],
        files: int,
        out: TextIO,
        *,
        checked: Sequence[str] = (),
    ) -> None: ...


_MODULES = {
    "text": "validator.report.text",
    "json": "validator.report.json_report",
    "github": "validator.report.github",
    "sarif": "validator.report.sarif",
    "junit": "validator.report.junit",
    "gitlab": "validator.report.gitlab",
}

FORMATS = tuple(_MODULES)


def reporter(name: str) -> Reporter:
    """The reporter for a `--format` name; its module is imported only when used."""
    if name not in _MODULES:
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return cast(Reporter, importlib.import_module(_MODULES[name]).report)
