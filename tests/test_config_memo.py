"""The config rules run once per config content give what running each rule on each use
gives: the same findings, located in each document, failures included.

Only rules marked `content=True` are remembered; each of them must read its config's data
and nothing else, which `test_content_rules_read_the_data_alone` enforces by handing them
a use whose users, settings and positions refuse to be read.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import validator.check.rules  # noqa: F401  (registers the rules)
from tests.conftest import ROOT, load_script
from validator.check.registry import Rule, checks
from validator.check.rule_run import ConfigRules, run_rules
from validator.check.subject import ConfigUse, Spec
from validator.diagnostics import Finding, Located
from validator.load.document import Document, Position
from validator.load.imports import ConfigCache, load_import
from validator.settings import load_settings


def _uses(files: list[Path], root: Path) -> list[ConfigUse]:
    settings = load_settings(root, {})
    cache: ConfigCache = {}
    found = []
    for file in files:
        loaded = load_import(file, root, 1 << 20, cache)
        if loaded.document is not None and loaded.config is not None:
            spec = Spec(loaded.document, file, settings, loaded.config, loaded.config_file)
            found.append(ConfigUse(loaded.config, (spec,), settings))
    return found


def _one_by_one(uses: list[ConfigUse]) -> list[Located]:
    found: list[Located] = []
    for use in uses:
        run_rules(checks("config"), use, use.document, found)
    return found


def _remembered(uses: list[ConfigUse]) -> list[Located]:
    rules = ConfigRules()
    found: list[Located] = []
    for use in uses:
        rules.run(use, found)
    return found


def test_fixtures_give_the_same_findings_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = sorted(Path("tests/fixtures").glob("*/*.yaml")) + sorted(Path("models").glob("*/*"))
    uses = _uses([f for f in files if f.suffix == ".yaml"], ROOT)
    assert len(uses) > 50
    assert any(use.users[0].config_file is not None for use in uses)  # a config.json too
    once = _one_by_one(uses)
    assert len({item.rule for item in once}) > 10  # the bad fixtures reach many rules
    assert _remembered(uses) == once
    assert _remembered(uses + uses) == once + once  # the second round is all remembered


def test_a_generated_repository_gives_the_same_findings_remembered(tmp_path: Path) -> None:
    models = load_script("benchmarks/validate.py").generate(tmp_path, 300, broken=30)
    uses = _uses(sorted(models.glob("*/*.yaml")), tmp_path)
    assert len(uses) > 200
    once = _one_by_one(uses)
    assert once  # the broken files have config findings
    assert _remembered(uses) == once


class _Refused(Mapping[Any, Any]):
    """A users tuple, settings or positions that a content rule must never read."""

    def __getitem__(self, key: Any) -> Any:
        raise AssertionError(f"a content rule read {key!r}")

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a content rule read .{name}")

    def __iter__(self) -> Iterator[Any]:
        raise AssertionError("a content rule listed what it must not read")

    def __len__(self) -> int:
        raise AssertionError("a content rule counted what it must not read")


def test_content_rules_read_the_data_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    files = sorted(Path("tests/fixtures").glob("*/*.yaml"))
    content = [rule for rule in checks("config") if rule.content]
    assert len(content) == len(checks("config")) - 1  # MA411 reads the users' images
    for use in _uses(files, ROOT):
        refused = _Refused()
        document = Document(use.document.path, use.document.data, refused)
        blind = ConfigUse(document, refused, refused)  # type: ignore[arg-type]
        for rule in content:
            assert rule.check is not None
            expected = list(rule.check(use))
            assert list(rule.check(blind)) == expected, rule.id
            assert all(finding.document is None for finding in expected), rule.id


def _failing(rule_id: str) -> Rule:
    def check(_: object) -> Iterator[Finding]:
        yield Finding((), "found before the failure")
        raise ValueError("broken")

    return Rule(rule_id, "fails", checks("config")[0].severity, "", "config", check, True)


def test_a_failing_content_rule_is_reported_in_each_document_with_what_it_found() -> None:
    rules = ConfigRules()
    failing = _failing("MA499")
    rules.rules, rules.content = [failing], [failing]
    data = {"model_type": "Image"}
    uses = [
        ConfigUse(Document(name, data, {(): Position(line, 1)}), (), None)  # type: ignore[arg-type]
        for name, line in (("a.yaml", 3), ("b.json", 1))
    ]
    found: list[Located] = []
    for use in uses:
        rules.run(use, found)
    assert [(item.file, item.line, item.rule) for item in found] == [
        ("a.yaml", 3, "MA499"),
        ("a.yaml", 3, "MA499"),
        ("b.json", 1, "MA499"),
        ("b.json", 1, "MA499"),
    ]
    assert found[0].message == "found before the failure"
    assert "ValueError: broken" in found[1].message and found[1].message == found[3].message
    assert len(rules._memo) == 1  # the second document's were remembered
