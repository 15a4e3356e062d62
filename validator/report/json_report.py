"""One JSON object: `{"diagnostics": [...], "summary": {...}}`. The shape is stable."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TextIO

from validator.diagnostics import Diagnostic, count_by_severity
from validator.report.escape import json_safe


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    """`checked` is accepted for a uniform signature; the JSON shape does not list files."""
    document = {
        "diagnostics": [
            {
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "rule": d.rule,
                "severity": str(d.severity),
                "message": d.message,
                "suggestion": d.suggestion,
            }
            for d in diagnostics
        ],
        "summary": {"files": files, **count_by_severity(diagnostics)},
    }
    out.write(json_safe(json.dumps(document, indent=2, ensure_ascii=False)))
    out.write("\n")
