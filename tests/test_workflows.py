"""The GitHub workflows parse, and every `modelarts-gitops` call in them is accepted by the CLI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT
from validator.cli import build_parser

WORKFLOWS = sorted((ROOT / ".github").glob("*/*.yml"))
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
SHELL_END = re.compile(r"\s(?:\|\||&&|\||>>|>|;)\s|\s(?:>>|>)\S")


def invocations(workflow: dict[str, Any]) -> list[str]:
    calls = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            for line in str(step.get("run", "")).splitlines():
                if "modelarts-gitops " in line:
                    command = line[line.index("modelarts-gitops ") :]
                    calls.append(SHELL_END.split(EXPRESSION.sub("main", command))[0])
    return calls


def test_there_are_workflows_for_ci_and_for_users() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "modelarts-pr-check.yml", "modelarts-sync.yml"} <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_invocations_parse(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["jobs"]
    parser = build_parser()
    for call in invocations(workflow):
        arguments = shlex.split(call)[1:]
        try:
            parser.parse_args(arguments)
        except SystemExit as error:  # argparse rejects by exiting
            pytest.fail(f"{path.name}: `{call}` is rejected by the CLI ({error.code})")


def test_the_pr_check_validates_against_the_base_branch_with_full_history() -> None:
    workflow = yaml.safe_load((ROOT / ".github/templates/modelarts-pr-check.yml").read_text())
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    assert any("--base" in call for call in invocations(workflow))
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_the_sync_job_never_overlaps_and_applies_the_plan_it_showed() -> None:
    workflow = yaml.safe_load((ROOT / ".github/templates/modelarts-sync.yml").read_text())
    assert workflow["concurrency"]["cancel-in-progress"] is False
    calls = invocations(workflow)
    assert any(c.startswith("modelarts-gitops plan") and "--out plan.json" in c for c in calls)
    assert "modelarts-gitops sync --plan plan.json" in calls
    steps = workflow["jobs"]["sync"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # ownership and the rollback check need history
    assert any(
        "git fetch" in str(s.get("run", "")) and "GITHUB_REF_NAME" in s["run"] for s in steps
    )
    secrets = workflow["jobs"]["sync"]["env"]
    assert all("secrets." in secrets[k] for k in ("MODELARTS_AK", "MODELARTS_SK"))
