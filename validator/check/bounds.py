"""What keeps one file or one rule from costing, or hiding, everything else.

A rule that fails on a document is reported as one finding naming it, at the
document, instead of stopping the run. A file that trips one rule thousands of
times is shown with the first `MAX_PER_RULE` findings and a count of the rest,
and a message quoting a huge value shows its start and end (`clip`).
"""

from __future__ import annotations

from collections import Counter

from validator.diagnostics import Diagnostic, Located
from validator.load.document import Document


def rule_failed(rule_id: str, document: Document | None, error: Exception) -> Located:
    where = document.path if document is not None else "<repository>"
    line, column = document.locate(()) if document is not None else (1, 1)
    reason = str(error)
    reason = reason if len(reason) <= 200 else reason[:200] + "..."
    message = (
        f"rule {rule_id} failed on this file ({type(error).__name__}: {reason}); "
        "its other findings here may be missing"
    )
    return Located(where, line, column, rule_id, message, "please report this as a bug")


MAX_PER_RULE = 100  # findings of one rule in one file; the rest are counted in one finding


def capped(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """At most `MAX_PER_RULE` findings per rule and file, then one saying how many more,
    where the first of them is: the output grows with what is shown, not with the input."""
    counts: Counter[tuple[str, str]] = Counter()
    first_hidden: dict[tuple[str, str], Diagnostic] = {}
    kept = []
    for d in diagnostics:
        key = (d.file, d.rule)
        counts[key] += 1
        if counts[key] <= MAX_PER_RULE:
            kept.append(d)
        else:
            first_hidden.setdefault(key, d)
    if not first_hidden:
        return kept
    for key, d in first_hidden.items():
        more = counts[key] - MAX_PER_RULE
        message = (
            f"{more:,} more {d.rule} finding{'s' if more != 1 else ''} in this file, "
            f"from here on, not shown (at most {MAX_PER_RULE} per rule and file)"
        )
        kept.append(Diagnostic(d.file, d.line, d.column, d.rule, d.severity, message))
    return sorted(kept)


MAX_MESSAGE = 1000  # characters of a message or hint; a quoted 1 MB key is cut in the middle


def clip(text: str) -> str:
    if len(text) <= MAX_MESSAGE:
        return text
    left = MAX_MESSAGE * 3 // 4
    right = MAX_MESSAGE // 5
    cut = len(text) - left - right
    return f"{text[:left]}[... {cut:,} characters ...]{text[-right:]}"
