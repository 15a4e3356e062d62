"""`path:line:col: RULE severity message`, the prefix editors and CI logs parse."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from validator.diagnostics import Diagnostic, Severity, count_by_severity

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _use_colour(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or out.isatty()


def report(diagnostics: Sequence[Diagnostic], files: int, out: TextIO) -> None:
    colour = _use_colour(out)
    for d in diagnostics:
        severity = str(d.severity)
        if colour:
            severity = f"\033[{_COLOURS[d.severity]}m{severity}\033[0m"
        out.write(f"{d.file}:{d.line}:{d.column}: {d.rule} {severity} {d.message}\n")
        if d.suggestion:
            out.write(f"    hint: {d.suggestion}\n")
    counts = count_by_severity(diagnostics)
    found = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items() if n)
    noun = "file" if files == 1 else "files"
    out.write(f"{files} {noun} checked: {found or 'no problems'}\n")
