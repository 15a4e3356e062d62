"""`path:line:col: RULE severity message`, the prefix editors and CI logs parse."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TextIO

from validator.diagnostics import Diagnostic, Severity, count_by_severity
from validator.report.escape import for_actions, under_actions, visible

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _use_colour(out: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(os.environ.get("FORCE_COLOR")) or out.isatty()


def format_diagnostic(d: Diagnostic, *, colour: bool = False, actions: bool = False) -> str:
    """The diagnostic's line, and its hint on a second line; ends with a newline.

    One line per finding, so editors and CI parse it: control characters in a
    value (a newline, an ESC sequence) are shown escaped. With `actions`, no line
    can be read by the GitHub Actions runner as a workflow command.
    """
    severity = str(d.severity)
    if colour:
        severity = f"\033[{_COLOURS[d.severity]}m{severity}\033[0m"
    clean = for_actions if actions else _same
    where = f"{clean(visible(d.file))}:{d.line}:{d.column}"
    text = f"{where}: {d.rule} {severity} {clean(visible(d.message))}\n"
    return text + (f"    hint: {clean(visible(d.suggestion))}\n" if d.suggestion else "")


def _same(text: str) -> str:
    return text


def summary_line(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = count_by_severity(diagnostics)
    found = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items() if n)
    noun = "file" if files == 1 else "files"
    return f"{files} {noun} checked: {found or 'no problems'}"


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    write_lines(diagnostics, files, out, actions=under_actions())


def write_lines(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, actions: bool
) -> None:
    colour = _use_colour(out)
    for d in diagnostics:
        out.write(format_diagnostic(d, colour=colour, actions=actions))
    out.write(summary_line(diagnostics, files) + "\n")
