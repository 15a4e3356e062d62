"""One rule run on one subject: its findings, located."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from validator.check.bounds import rule_failed
from validator.check.registry import Rule
from validator.diagnostics import Finding, Located
from validator.load.document import Document


def run_rule(rule: Rule, subject: object, document: Document | None) -> Iterator[Located]:
    """The rule's findings, located. A rule that fails keeps what it found before, and
    adds one finding naming it, so a bug in one rule never hides any other finding."""
    assert rule.check is not None
    try:
        for finding in rule.check(subject):
            yield locate(finding, rule.id, document)
    except Exception as error:
        yield rule_failed(rule.id, document, error)


def run_rules(
    rules: Iterable[Rule], subject: object, document: Document | None, into: list[Located]
) -> None:
    """`run_rule` for each of `rules`, its findings added to `into`: the hot path (every rule
    on every import) without a generator per rule."""
    for rule in rules:
        assert rule.check is not None
        try:
            for finding in rule.check(subject):
                into.append(locate(finding, rule.id, document))
        except Exception as error:
            into.append(rule_failed(rule.id, document, error))


def locate(finding: Finding, rule_id: str, document: Document | None) -> Located:
    target = finding.document or document
    assert target is not None, f"rule {rule_id} found something without a document"
    line, column = target.locate(finding.path, finding.at)
    rule = finding.rule or rule_id
    return Located(target.path, line, column, rule, finding.message, finding.suggestion)
