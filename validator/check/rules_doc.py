"""`modelarts-gitops rules` and the README's rules table, both from the one registry."""

from __future__ import annotations

import textwrap

from validator.check import rules as _rules  # noqa: F401  (registers every rule family)
from validator.check.registry import RULES


def rules_text() -> str:
    blocks = []
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        body = textwrap.indent(rule.explanation, "    ")
        blocks.append(f"{rule.id}  {rule.severity!s:<7}  {rule.summary}\n{body}\n")
    return "\n".join(blocks)


def rules_markdown() -> str:
    lines = ["| rule | default | checks that |", "|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {rule.id} | {rule.severity} | {summary} |")
    return "\n".join(lines) + "\n"
