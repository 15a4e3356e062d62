"""GitHub Actions: the text report, workflow-command annotations, and a job summary.

GitHub shows at most 10 error and 10 warning annotations per step and drops the rest
silently, so the first 10 of each (and 9 notices) are annotated and one notice counts
the others. Every finding stays in the plain text lines of the log, and in the Markdown
table appended to the file named by `GITHUB_STEP_SUMMARY` (kept under GitHub's 1 MiB).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

from validator.diagnostics import Diagnostic, Severity
from validator.report import text
from validator.report.escape import for_actions, visible

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# One notice slot is kept for the "N more" notice.
LIMITS = {Severity.ERROR: 10, Severity.WARNING: 10, Severity.INFO: 9}
SUMMARY_LIMIT = 1024 * 1024 - 4096  # below GitHub's 1 MiB per step, with room to spare


def escape_data(value: str) -> str:
    """A command's message (actions/toolkit `escapeData`)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A command property such as `file` or `title` (actions/toolkit `escapeProperty`)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(d: Diagnostic) -> str:
    """One workflow command; control characters in values are shown escaped, and `::` or
    `##[` in them cannot start another command (the file property keeps its exact path
    except for `##[`, which the runner's legacy parser takes anywhere in a line)."""
    properties = {"file": d.file, "line": d.line, "col": d.column, "title": d.rule}
    props = ",".join(f"{key}={_property(str(value))}" for key, value in properties.items())
    message = visible(d.message, lines=True)
    if d.suggestion:
        message += f"\nhint: {visible(d.suggestion, lines=True)}"
    return f"::{COMMANDS[d.severity]} {props}::{for_actions(escape_data(message))}"


def _property(value: str) -> str:
    return escape_property(value).replace("##[", "#%23[")


def annotation_lines(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """Annotations within GitHub's per-step limits, then one notice counting the rest."""
    shown: Counter[Severity] = Counter()
    lines = []
    for d in diagnostics:
        if shown[d.severity] < LIMITS[d.severity]:
            shown[d.severity] += 1
            lines.append(annotation(d))
    hidden = len(diagnostics) - len(lines)
    if hidden:
        lines.append(
            f"::notice title=modelarts-gitops::{hidden} more finding{'s' if hidden != 1 else ''}"
            " not annotated (GitHub shows 10 errors and 10 warnings per step);"
            " all are in the log and the job summary"
        )
    return lines


def _cell(value: str) -> str:
    value = visible(value, lines=True)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")


def _row(d: Diagnostic) -> str:
    message = _cell(d.message) + (f"<br>hint: {_cell(d.suggestion)}" if d.suggestion else "")
    where = _cell(f"{d.file}:{d.line}:{d.column}")
    return f"| {where} | {d.rule} | {d.severity} | {message} |\n"


def summary_markdown(
    diagnostics: Sequence[Diagnostic], files: int, limit: int = SUMMARY_LIMIT
) -> str:
    """The job summary: heading, counts, and a findings table cut to `limit` UTF-8 bytes."""
    head = f"## modelarts-gitops\n\n{text.summary_line(diagnostics, files)}\n"
    if not diagnostics:
        return head
    parts = [head, "\n| Location | Rule | Severity | Message |\n| --- | --- | --- | --- |\n"]
    size = sum(len(p.encode()) for p in parts)
    reserve = 200  # for the truncation note
    for shown, d in enumerate(diagnostics):
        row = _row(d)
        if size + len(row.encode()) + reserve > limit:
            rest = len(diagnostics) - shown
            parts.append(f"\n_{rest} more not shown (job summary size limit); see the log._\n")
            break
        parts.append(row)
        size += len(row.encode())
    return "".join(parts)


def append_summary(path: str, diagnostics: Sequence[Diagnostic], files: int) -> None:
    """Append (never overwrite): other steps' tools may share the file."""
    try:
        used = os.path.getsize(path)
    except OSError:
        used = 0
    markdown = summary_markdown(diagnostics, files, max(SUMMARY_LIMIT - used, 1024))
    with open(path, "a", encoding="utf-8") as summary:
        summary.write(markdown)


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    text.write_lines(diagnostics, files, out, actions=True)
    for line in annotation_lines(diagnostics):
        out.write(line + "\n")
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        try:
            append_summary(path, diagnostics, files)
        except OSError as error:
            reason = for_actions(escape_data(visible(str(error))))
            out.write(f"::warning title=modelarts-gitops::{reason}\n")
