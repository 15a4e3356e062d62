"""The rule registry: every rule id, its default severity, summary and explanation.

Family modules register their rules with `@rule` when `validator.check.rules`
imports them (an explicit list, no directory scanning). Ids that a loader or a
multi-id check reports, without a function of their own, are `declare`d.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, TypeVar

from validator.diagnostics import Finding, Severity

RULE_ID = re.compile(r"^MA[0-6]\d\d$")
Check = Callable[[Any], Iterator[Finding]]
F = TypeVar("F", bound=Callable[..., Iterator[Finding]])


class Rule(NamedTuple):
    id: str
    summary: str
    severity: Severity
    doc: str  # the explanation as written (a docstring, indented)
    scope: str  # "file" (loader), "import", "config", "repository"
    check: Check | None = None
    content: bool = False  # its findings depend on its subject's `data` alone (see rule())

    @property
    def explanation(self) -> str:
        """The explanation `modelarts-gitops rules` prints (cleaned only when it is shown)."""
        import inspect

        return inspect.cleandoc(self.doc)


RULES: dict[str, Rule] = {}


def _add(new: Rule) -> None:
    if not RULE_ID.match(new.id):
        raise ValueError(f"rule id {new.id!r} is not MA + 3 digits")
    if new.id in RULES:
        raise ValueError(f"rule id {new.id} registered twice")
    RULES[new.id] = new


def rule(
    rule_id: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    scope: str = "import",
    *,
    content: bool = False,
) -> Callable[[F], F]:
    """Register a check; its docstring is the explanation `modelarts-gitops rules` prints.

    `content`: the check reads its subject's `data` and nothing else (not the users of a
    config, not the settings, not the document's positions), and names no document of
    its own: equal data gives equal findings, so a run finds them once per content.
    """

    def register(func: F) -> F:
        _add(Rule(rule_id, summary, severity, func.__doc__ or summary, scope, func, content))
        return func

    return register


def declare(
    rule_id: str, summary: str, explanation: str, severity: Severity = Severity.ERROR
) -> None:
    """Register an id reported by the loader or by a check that reports several ids."""
    _add(Rule(rule_id, summary, severity, explanation, "file"))


def checks(scope: str) -> list[Rule]:
    return [r for r in RULES.values() if r.scope == scope and r.check is not None]
