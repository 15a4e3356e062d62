"""What the rules say about themselves, from the one registry: `modelarts-gitops rules`, the
README's rules table, the pages in docs/rules/ and the SARIF rule help all come from here."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from validator.check import rules as _rules  # noqa: F401  (registers every rule family)
from validator.check.registry import RULES, Rule


def selected(prefixes: Sequence[str] = ()) -> list[Rule]:
    """The rules whose id starts with one of `prefixes` (all rules for none), by id."""
    every = sorted(RULES.values(), key=lambda r: r.id)
    return [r for r in every if not prefixes or any(r.id.startswith(p) for p in prefixes)]


def rules_text(prefixes: Sequence[str] = ()) -> str:
    blocks = []
    for rule in selected(prefixes):
        body = textwrap.indent(rule.explanation, "    ")
        blocks.append(f"{rule.id}  {rule.severity!s:<7}  {rule.summary}\n{body}\n")
    return "\n".join(blocks)


def rules_markdown(prefixes: Sequence[str] = ()) -> str:
    lines = ["| rule | default | checks that |", "|---|---|---|"]
    for rule in selected(prefixes):
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| {rule.id} | {rule.severity} | {summary} |")
    return "\n".join(lines) + "\n"


def rule_markdown(rule: Rule) -> str:
    """One rule as Markdown: the heading, the default severity and the explanation."""
    return (
        f"## {rule.id}: {rule.summary}\n\n"
        f"Default severity: **{rule.severity}**.\n\n"
        f"{rule.explanation}\n"
    )
