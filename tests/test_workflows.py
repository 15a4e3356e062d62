"""The CI templates parse, and every `modelarts-gitops` call in them is accepted by the CLI.

A call is a `run:` line (GitHub), a `script:` line (GitLab), or a step that uses this
repository's action: its inputs are turned into the commands the action runs.
"""

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
GITLAB = ROOT / ".gitlab" / "modelarts-gitops.gitlab-ci.yml"
EXPRESSION = re.compile(r"\$\{\{[^}]*\}\}")
SHELL_END = re.compile(r"\s(?:\|\||&&|\||>>|>|;)\s|\s(?:>>|>)\S")
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
USES_ACTION = re.compile(r"^(?:\./|[^/]+/modelarts-gitops@\S+)$")  # ./ : this repository


def action_calls(inputs: dict[str, Any]) -> list[str]:
    """The commands the action runs for these `with:` inputs (see action.yml's run step)."""
    unknown = set(inputs) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of the action: {sorted(unknown)}"
    given = {k: str(s.get("default", "")) for k, s in ACTION["inputs"].items()}
    given |= {k: EXPRESSION.sub("main", str(v)) for k, v in inputs.items()}
    args = shlex.split(given["args"])
    if given["command"] == "validate":
        base = ["--base", given["base"]] if given["base"] else []
        sarif = ["--report", f"sarif={given['sarif']}"] if given["sarif"] else []
        call = ["validate", *base, *sarif, *args, *shlex.split(given["paths"])]
        return [shlex.join(["modelarts-gitops", *call])]
    assert given["command"] in ("plan", "sync"), given["command"]
    calls = [["plan", *args, "--format", "markdown", "--out", "plan.json"]]
    if given["command"] == "sync":
        calls.append(["sync", *args, *shlex.split(given["sync-args"]), "--plan", "plan.json"])
    return [shlex.join(["modelarts-gitops", *c]) for c in calls]


def shell_calls(script: str) -> list[str]:
    calls = []
    for line in script.splitlines():
        if "modelarts-gitops " in line:
            command = line[line.index("modelarts-gitops ") :]
            calls.append(SHELL_END.split(EXPRESSION.sub("main", command))[0])
    return calls


def invocations(workflow: dict[str, Any]) -> list[str]:
    calls = []
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if USES_ACTION.match(step.get("uses", "")):
                calls += action_calls(step.get("with", {}))
            calls += shell_calls(str(step.get("run", "")))
    return calls


def test_there_are_workflows_for_ci_and_for_users() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "release.yml", "modelarts-pr-check.yml", "modelarts-sync.yml"} <= names


def check_calls(name: str, calls: list[str]) -> None:
    parser = build_parser()
    for call in calls:
        arguments = shlex.split(call)[1:]
        try:
            parser.parse_args(arguments)
        except SystemExit as error:  # argparse rejects by exiting
            pytest.fail(f"{name}: `{call}` is rejected by the CLI ({error.code})")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_invocations_parse(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["jobs"]
    check_calls(path.name, invocations(workflow))


def test_a_rejected_call_is_caught(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(pytest.fail.Exception, match="rejected by the CLI"):
        check_calls("x.yml", action_calls({"command": "plan", "args": "--bogus"}))
    capsys.readouterr()


def test_the_templates_use_the_action_and_install_nothing_else() -> None:
    for name in ("modelarts-pr-check.yml", "modelarts-sync.yml"):
        text = (ROOT / ".github/templates" / name).read_text(encoding="utf-8")
        assert "uses: <owner>/modelarts-gitops@<ref>" in text
        assert "pip install" not in text


def test_the_pr_check_validates_against_the_base_branch_with_full_history() -> None:
    workflow = yaml.safe_load((ROOT / ".github/templates/modelarts-pr-check.yml").read_text())
    steps = workflow["jobs"]["validate"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    calls = invocations(workflow)
    assert any("--base origin/main" in call for call in calls)
    assert any("--report sarif=modelarts.sarif" in call for call in calls)
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)


def test_the_sync_job_never_overlaps_and_applies_the_plan_it_showed() -> None:
    workflow = yaml.safe_load((ROOT / ".github/templates/modelarts-sync.yml").read_text())
    assert workflow["concurrency"]["cancel-in-progress"] is False
    calls = invocations(workflow)
    assert any(c.startswith("modelarts-gitops plan") and "--out plan.json" in c for c in calls)
    assert any(c.startswith("modelarts-gitops sync") and "--plan plan.json" in c for c in calls)
    steps = workflow["jobs"]["sync"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # ownership and the rollback check need history
    assert any(
        "git fetch" in str(s.get("run", "")) and "GITHUB_REF_NAME" in s["run"] for s in steps
    )
    secrets = workflow["jobs"]["sync"]["env"]
    assert all("secrets." in secrets[k] for k in ("MODELARTS_AK", "MODELARTS_SK"))


def test_the_action_runs_what_the_test_above_assumes() -> None:
    script = ACTION["runs"]["steps"][-1]["run"]
    assert '"$tool" plan "${args[@]}" --format markdown --out "$plan"' in script
    assert '"$tool" sync "${args[@]}" "${sync_args[@]}" --plan "$plan"' in script
    assert '"$tool" validate "${base[@]}" "${args[@]}" "${paths[@]}"' in script
    assert 'base+=(--report "sarif=$INPUT_SARIF")' in script


def gitlab_jobs() -> dict[str, dict[str, Any]]:
    pipeline = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    return {k: v for k, v in pipeline.items() if isinstance(v, dict) and k != "variables"}


def gitlab_invocations(job: dict[str, Any]) -> list[str]:
    lines = [*job.get("before_script", []), *job.get("script", [])]
    return [call for line in lines for call in shell_calls(str(line))]


def test_gitlab_template_invocations_parse() -> None:
    calls = [call for job in gitlab_jobs().values() for call in gitlab_invocations(job)]
    assert len(calls) == 3
    check_calls(GITLAB.name, calls)


def test_gitlab_merge_request_job_reports_code_quality_and_junit() -> None:
    job = gitlab_jobs()["modelarts-validate"]
    assert job["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
    assert job["variables"]["GIT_DEPTH"] == 0
    (call,) = gitlab_invocations(job)  # one run writes both reports
    assert '--base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"' in call
    reports = job["artifacts"]["reports"]
    written = dict(shlex.split(part)[0].split("=", 1) for part in call.split("--report ")[1:])
    assert written == {"gitlab": reports["codequality"], "junit": reports["junit"]}
    assert job["artifacts"]["when"] == "always"


def test_gitlab_sync_job_runs_alone_on_the_default_branch() -> None:
    job = gitlab_jobs()["modelarts-sync"]
    assert job["resource_group"]
    assert job["variables"]["GIT_DEPTH"] == 0  # ownership and the rollback check need history
    assert any("git fetch" in line and "$CI_COMMIT_BRANCH" in line for line in job["script"])
    assert job["rules"][0]["if"] == "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"
    calls = gitlab_invocations(job)
    assert calls == [
        "modelarts-gitops plan --prune --out plan.json",
        "modelarts-gitops sync --plan plan.json",
    ]
    text = GITLAB.read_text(encoding="utf-8")
    assert "MODELARTS_AK:" not in text and "MODELARTS_SK:" not in text, "secrets: CI/CD variables"
