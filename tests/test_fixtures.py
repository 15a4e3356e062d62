"""Every fixture through the real CLI: good ones give nothing, bad ones exactly their expectations.

A bad fixture is named after the rule it breaks (`MA202-leading-zero.yaml`) and
lists what it must produce in comments: `# expect: 3:10 MA202`, or
`# expect: configs/bad.json:2:5 MA404` for a finding inside another file
(a path relative to the fixture).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run
from validator.check.registry import RULES
from validator.check.run import validate  # noqa: F401  (registers the rules)
from validator.diagnostics import Severity

FIXTURES = Path(__file__).parent / "fixtures"
EXPECT = re.compile(r"#\s*expect:\s*(?:(\S+):)?(\d+):(\d+)\s+(MA\d{3})")
GOOD = sorted((FIXTURES / "good").glob("*.yaml"))
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))


def relative(path: Path) -> str:
    return path.resolve().relative_to(ROOT).as_posix()


def expectations(fixture: Path) -> set[tuple[str, int, int, str]]:
    found = set()
    for match in EXPECT.finditer(fixture.read_text(encoding="utf-8")):
        where = relative(fixture.parent / match[1]) if match[1] else relative(fixture)
        found.add((where, int(match[2]), int(match[3]), match[4]))
    return found


def findings(run: Run, fixture: Path) -> tuple[int, set[tuple[str, int, int, str]]]:
    result = run("validate", "--strict", "--format", "json", relative(fixture))
    report = json.loads(result.out)
    got = {(d["file"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]}
    return result.code, got


@pytest.fixture(autouse=True)
def _in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("fixture", GOOD, ids=lambda p: p.name)
def test_good_fixture_has_no_findings(run: Run, fixture: Path) -> None:
    code, got = findings(run, fixture)
    assert got == set()
    assert code == 0


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: p.name)
def test_bad_fixture_gives_exactly_its_expectations(run: Run, fixture: Path) -> None:
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no `# expect:` line"
    assert fixture.name[:5] in {rule for *_, rule in expected}, "named after a rule it breaks"
    code, got = findings(run, fixture)
    assert got == expected
    failing = any(RULES[rule].severity >= Severity.WARNING for *_, rule in expected)
    assert code == (1 if failing else 0)


def test_every_rule_has_a_failing_fixture() -> None:
    from tests.images.test_images_rules import COVERED_IN_IMAGE_TESTS  # need a registry
    from tests.test_hostile import COVERED_IN_HOSTILE_TESTS  # need symlinks
    from tests.test_loader import GENERATED
    from tests.test_repository_rules import COVERED_IN_REPOSITORY_TESTS  # need git history
    from tests.test_rules import COVERED_IN_TEST_RULES  # need configuration or a repository

    covered = {p.name[:5] for p in BAD} | set(GENERATED) | COVERED_IN_TEST_RULES
    covered |= COVERED_IN_REPOSITORY_TESTS | COVERED_IN_HOSTILE_TESTS | COVERED_IN_IMAGE_TESTS
    assert sorted(set(RULES) - covered) == []
