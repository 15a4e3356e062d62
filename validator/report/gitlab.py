"""GitLab Code Quality: a JSON array of issues, shown in the merge request widget and diff.

Each issue has `description`, `check_name`, `fingerprint`, `severity` (GitLab's scale:
info, minor, major, critical, blocker) and `location` with a path relative to the
repository root and `lines.begin`. GitLab compares fingerprints between the merge request
and its target branch, so a fingerprint must be unique within the report and stable when a
finding only moves: it is the SARIF one (rule, file, message, and the occurrence of that
triple), which leaves the line out. Like the JSON report it carries exact values, with
control characters JSON-escaped (see `escape.py`).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, TextIO

from validator.diagnostics import Diagnostic, Severity
from validator.report.escape import json_safe
from validator.report.sarif import fingerprint

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def relative_path(file: str, root: str | None) -> str:
    """A POSIX path relative to the project directory (GitLab's `CI_PROJECT_DIR`)."""
    path = PurePath(file)
    if path.is_absolute() and root:
        relative = os.path.relpath(path, root)
        if not relative.startswith(".."):
            return PurePath(relative).as_posix()
    return path.as_posix()


def issues(diagnostics: Sequence[Diagnostic], root: str | None = None) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    found = []
    for d in diagnostics:
        key = fingerprint(d)
        seen[key] += 1
        description = f"{d.rule} {d.message}" + (f" (hint: {d.suggestion})" if d.suggestion else "")
        found.append(
            {
                "description": description,
                "check_name": d.rule,
                "fingerprint": fingerprint(d, seen[key]),
                "severity": SEVERITIES[d.severity],
                "location": {
                    "path": relative_path(d.file, root),
                    "lines": {"begin": max(d.line, 1)},
                },
            }
        )
    return found


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    found = issues(diagnostics, os.environ.get("CI_PROJECT_DIR"))
    out.write(json_safe(json.dumps(found, indent=2, ensure_ascii=False)) + "\n")
