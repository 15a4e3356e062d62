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


def test_ci_runs_the_readme_test_command_in_one_venv_with_checks_in_between() -> None:
    test_command = quick_start_commands()[1]
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    commands = [line for line in lines if not line.startswith(("#", "echo ", "set ", "cd "))]
    steps = [part for line in commands for part in line.split(" && ")]
    parts = test_command.split(" && ")
    assert all(steps.count(part) == 1 for part in parts), (steps, parts)
    positions = [steps.index(part) for part in parts]
    assert positions == sorted(positions), "the parts run in the README's order"
    assert sum(" -m venv " in line for line in lines) == 1, "the venv is created once"
    install = next(i for i, line in enumerate(lines) if "pip install" in line)
    assert install < lines.index('echo "== ruff"') < lines.index(".venv/bin/ruff check .")
    assert steps[-1] == parts[-1], "the tests run last"
    assert any("twine check --strict" in line for line in commands)
