"""One page per rule family in docs/rules/, generated and kept equal to the registry; the
`rules` command and the SARIF rule help say the same."""

from __future__ import annotations

import re
from types import ModuleType

import pytest

from tests.conftest import Run, load_script
from validator.check.registry import RULES
from validator.check.rules_doc import rule_markdown
from validator.report.sarif import sarif_log


def generator() -> ModuleType:
    return load_script("scripts/rule_docs.py")


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    made: dict[str, str] = generator().render_pages()
    return made


def test_docs_rules_is_what_the_generator_writes(pages: dict[str, str]) -> None:
    assert generator().stale(pages) == [], "docs/rules/ is stale: run python scripts/rule_docs.py"


def test_every_rule_is_on_its_family_page_with_the_registry_text(pages: dict[str, str]) -> None:
    headings = {}
    for name, text in pages.items():
        for rule in re.findall(r"^## (MA\d{3}):", text, flags=re.MULTILINE):
            headings[rule] = name
    assert sorted(headings) == sorted(RULES)
    for rule_id, rule in RULES.items():
        assert headings[rule_id] == f"{rule_id[:3]}xx.md"
        assert rule_markdown(rule) in pages[headings[rule_id]]


def test_pages_show_bad_and_good_examples_from_the_fixtures(pages: dict[str, str]) -> None:
    page = pages["MA2xx.md"]
    section = page.split("## MA202:", 1)[1].split("\n## ", 1)[0]
    assert "Bad (`tests/fixtures/bad/MA202-" in section
    assert "MA202 error" in section
    assert "Good (the hint followed):\n\n```yaml\n" in section
    assert sum(p.count("\nBad (") for p in pages.values()) >= 50
    assert sum(p.count("\nGood (") for p in pages.values()) >= 35


def test_sarif_rules_carry_the_same_text() -> None:
    driver = sarif_log([])["runs"][0]["tool"]["driver"]
    for descriptor in driver["rules"]:
        rule = RULES[descriptor["id"]]
        assert descriptor["help"]["markdown"] == rule_markdown(rule)
        assert descriptor["fullDescription"]["text"] == rule.explanation


def test_rules_prints_one_rule_by_id(run: Run) -> None:
    result = run("rules", "MA602")
    assert result.code == 0
    assert result.out.startswith("MA602  error")
    assert re.findall(r"^MA\d{3}", result.out, flags=re.MULTILINE) == ["MA602"]


def test_rules_prints_a_family_by_prefix(run: Run) -> None:
    result = run("rules", "ma6", "--format", "markdown")
    assert result.code == 0
    assert re.findall(r"^\| (MA\d{3})", result.out, flags=re.MULTILINE) == [
        "MA601",
        "MA602",
        "MA603",
        "MA604",
    ]


def test_rules_refuses_an_unknown_id(run: Run) -> None:
    result = run("rules", "MA699")
    assert result.code == 2
    assert result.err.startswith("usage: modelarts-gitops rules ")
    assert result.err.endswith(
        "error: argument ID: there is no rule `MA699`; `modelarts-gitops rules` lists them\n"
    )
    typo = run("rules", "MA6O2")
    assert typo.code == 2
    assert "did you mean `MA602`?" in typo.err
    assert run("rules", "nope").code == 2
