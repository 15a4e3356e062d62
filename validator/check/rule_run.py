"""One rule run on one subject: its findings, located."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from validator.check.bounds import rule_failed
from validator.check.registry import Rule, checks
from validator.check.schema import MEMO_SIZE, memo_key
from validator.check.subject import ConfigUse
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


class ConfigRules:
    """The config rules, run on each use of a config: those that read the config's data
    alone (`Rule.content`) once per content, the others each time.

    The versions of a model often repeat one config, written inline in each. The key of a
    content is its `repr`, which the schema rule (MA406) reads as well (`ConfigUse.shown`):
    a content seen once costs about what it would without the memo. What is remembered
    is what each such rule found and the error it stopped with, if any (rules that found
    nothing leave no entry), located afresh in each document holding that content.
    """

    def __init__(self) -> None:
        self.rules = checks("config")
        self.content = [rule for rule in self.rules if rule.content]
        self._memo: dict[str, dict[str, _Outcome]] = {}

    def run(self, use: ConfigUse, into: list[Located]) -> None:
        """Every config rule's findings on `use`, located in its document, added to `into`."""
        document = use.document
        outcomes = self._outcomes(use)
        for rule in self.rules:
            if not rule.content:
                run_rules((rule,), use, document, into)
                continue
            outcome = outcomes.get(rule.id)
            if outcome is not None:
                found, error = outcome
                into.extend(locate(finding, rule.id, document) for finding in found)
                if error is not None:
                    into.append(rule_failed(rule.id, document, error))

    def _outcomes(self, use: ConfigUse) -> dict[str, _Outcome]:
        key = memo_key(use.data)
        known = None if key is None else self._memo.get(key)
        if known is not None:
            return known
        use = ConfigUse(use.document, use.users, use.settings, key)  # _replace is slower
        known = {}
        for rule in self.content:
            assert rule.check is not None
            found: list[Finding] = []
            try:
                found.extend(rule.check(use))  # kept up to an error
            except Exception as error:
                known[rule.id] = (found, error)
                continue
            if found:
                known[rule.id] = (found, None)
        if key is not None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            self._memo[key] = known
        return known


# A content rule's findings, and the error it stopped with (what it found before is kept)
_Outcome = tuple[list[Finding], Exception | None]
