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


def test_ci_runs_the_readme_test_command_in_one_venv_with_checks_after_it() -> None:
    test_command = quick_start_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in lines, "CI runs the README's test command as written"
    assert sum(" -m venv " in line for line in lines) == 1, "the venv is created once"
    tests = lines.index(test_command)
    assert lines[tests - 1] == 'echo "== tests (the README\'s test command)"'
    ruff = lines.index('echo "== ruff"')
    assert tests < ruff and lines[ruff + 1] == ".venv/bin/ruff check .", "installed first"
    assert any(line.startswith("MODELARTS_GITOPS_INTEROP=1 ") for line in lines[tests:])
    assert ".venv/bin/mypy --strict validator" in lines
    assert any("twine check --strict" in line for line in lines)
