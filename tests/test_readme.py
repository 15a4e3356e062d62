"""The README's promises: the generated rules table, and the quick-start commands CI runs."""

from __future__ import annotations

import re

from tests.conftest import ROOT
from validator.check.rules_doc import rules_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_rules_table_is_generated_from_the_registry() -> None:
    table = README.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == rules_markdown(), (
        "README rules table is stale: run `python scripts/update_readme.py`"
    )


def test_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "modelarts-gitops validate" in commands[0]
    assert "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
