"""The composite action run as a runner runs it: each `run:` step with bash, in a real git repo.

The runner's variables are set (GITHUB_ACTION_PATH, GITHUB_WORKSPACE, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, RUNNER_TEMP, INPUT_*), `${{ }}` expressions are expanded from the inputs,
the runner context and earlier steps' outputs, and an expression the test cannot evaluate fails
it. The install step really creates a virtual environment and pip-installs this checkout into
it; offline, pip finds the dependencies (and the build backend) on PYTHONPATH instead of an index.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import git
import pytest
import yaml

from tests.conftest import GOOD_IMPORT, ROOT, write

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BAD_IMPORT = GOOD_IMPORT.replace('"1.0.0"', "1.0").replace("demo-model", "broken")


@dataclass(frozen=True)
class ActionRun:
    code: int
    log: str
    outputs: dict[str, str]
    summary: str


def read_outputs(path: Path) -> dict[str, str]:
    """`key=value` lines and `key<<DELIMITER` blocks, as the runner reads GITHUB_OUTPUT."""
    outputs: dict[str, str] = {}
    lines = iter(path.read_text(encoding="utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            block = []
            for item in lines:
                if item == delimiter:
                    break
                block.append(item)
            outputs[key] = "\n".join(block)
        elif "=" in line:
            key, value = line.split("=", 1)
            outputs[key] = value
    return outputs


def expand(text: str, context: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        assert name in context, f"action.yml uses `{name}`, which this test cannot expand"
        return context[name]

    return EXPRESSION.sub(value, str(text))


def runner_env(workspace: Path, temp: Path) -> dict[str, str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "RUNNER_", "INPUT_", "MODELARTS_", "CI_"))
    }
    site = sysconfig.get_paths()["purelib"]  # this environment's dependencies and hatchling
    return {
        **inherited,
        "GITHUB_ACTIONS": "true",
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_WORKSPACE": str(workspace),
        "RUNNER_TEMP": str(temp),
        "PYTHONPATH": site,
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads this variable inverted: 0 turns isolation off
    }


def run_action(workspace: Path, temp: Path, **given: str) -> ActionRun:
    declared = ACTION["inputs"]
    unknown = {k.replace("_", "-") for k in given} - set(declared)
    assert not unknown, f"not inputs of the action: {unknown}"
    inputs = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    inputs |= {k.replace("_", "-"): v for k, v in given.items()}
    env = runner_env(workspace, temp)
    env |= {f"INPUT_{name.upper()}": value for name, value in inputs.items()}
    context = {f"inputs.{name}": value for name, value in inputs.items()}
    context |= {"github.action_path": str(ROOT), "github.workspace": str(workspace)}
    context["runner.temp"] = str(temp)
    log, summary, code = "", "", 0
    for number, step in enumerate(ACTION["runs"]["steps"]):
        assert step["shell"] == "bash"
        assert "if" not in step, "every step runs; a condition would need evaluating here"
        output, step_summary = temp / f"output-{number}", temp / f"summary-{number}"
        output.write_text("")
        step_summary.write_text("")
        step_env = {**env, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(step_summary)}
        step_env |= {k: expand(v, context) for k, v in step.get("env", {}).items()}
        script = temp / f"step-{number}.sh"
        script.write_text(expand(step["run"], context), encoding="utf-8")
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        log += done.stdout + done.stderr
        summary += step_summary.read_text(encoding="utf-8")
        if "id" in step:
            for key, value in read_outputs(output).items():
                context[f"steps.{step['id']}.outputs.{key}"] = value
        code = done.returncode
        if code:
            break
    outputs = {}
    for name, spec in ACTION["outputs"].items():
        outputs[name] = EXPRESSION.sub(lambda m: context.get(m[1], ""), spec["value"])
    assert "Traceback" not in log, log
    return ActionRun(code, log, outputs, summary)


@pytest.fixture(scope="module")
def runner_temp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Shared by the runs of this module, as by several uses of the action in one job."""
    return tmp_path_factory.mktemp("runner-temp")


@pytest.fixture
def workspace(repo: Path) -> Path:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    with git.Repo(repo) as handle:
        handle.index.add(["models/demo-model/1.0.0.yaml"])
        handle.index.commit("add demo-model 1.0.0")
    return repo


def test_clean_models_pass_with_a_summary_and_sarif(workspace: Path, runner_temp: Path) -> None:
    result = run_action(workspace, runner_temp, sarif="modelarts.sarif")
    assert result.code == 0, result.log
    assert result.outputs["exit-code"] == "0"
    assert "## modelarts-gitops" in result.summary
    assert "1 file checked: no problems" in result.summary
    sarif = json.loads((workspace / "modelarts.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert sarif["runs"][0]["results"] == []
    venv = runner_temp / "modelarts-gitops" / "venv"
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import validator; print(validator.__file__)"],
        env={**os.environ, "PYTHONPATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(venv)), "the tool runs from the action's own venv"


def test_a_broken_model_fails_with_error_annotations(workspace: Path, runner_temp: Path) -> None:
    write(workspace, "models/broken/1.0.0.yaml", BAD_IMPORT)
    result = run_action(workspace, runner_temp)
    assert result.code == 1
    assert result.outputs["exit-code"] == "1"
    annotation = "::error file=models/broken/1.0.0.yaml,line=2,col=10,title=MA202::"
    assert annotation in result.log
    assert "| models/broken/1.0.0.yaml:2:10 | MA202 | error |" in result.summary


def test_paths_base_and_args_reach_the_command(workspace: Path, runner_temp: Path) -> None:
    write(workspace, "models/broken/1.0.0.yaml", BAD_IMPORT)
    only_demo = run_action(
        workspace, runner_temp, paths="models/demo-model", base="HEAD", args="--strict"
    )
    assert only_demo.code == 0, only_demo.log
    missing = run_action(workspace, runner_temp, base="no-such-ref")
    assert missing.code == 2
    assert "no-such-ref" in missing.log


def test_plan_then_sync_report_the_counts(workspace: Path, runner_temp: Path) -> None:
    planned = run_action(workspace, runner_temp, command="plan")
    assert planned.code == 0, planned.log
    assert planned.outputs["create"] == "1"
    assert planned.outputs["unchanged"] == "0"
    assert "demo-model" in planned.summary
    synced = run_action(workspace, runner_temp, command="sync")
    assert synced.code == 0, synced.log
    assert synced.outputs["create"] == "1"
    again = run_action(workspace, runner_temp, command="plan")
    assert (again.outputs["create"], again.outputs["unchanged"]) == ("0", "1")
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=workspace, capture_output=True, text=True, check=True
    )
    assert status.stdout == "", "the local registry folder must not show up as untracked"


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ({"command": "deploy"}, "input command is 'deploy'"),
        ({"args": "--select 'MA3"}, "cannot split an input"),
    ],
)
def test_bad_inputs_fail_with_an_annotation(
    workspace: Path, runner_temp: Path, given: dict[str, str], says: str
) -> None:
    result = run_action(workspace, runner_temp, **given)
    assert result.code == 2
    assert result.outputs["exit-code"] == "2"
    assert f"::error title=modelarts-gitops::{says}" in result.log


def test_read_outputs_understands_both_forms(tmp_path: Path) -> None:
    path = tmp_path / "out"
    path.write_text("a=1\nb<<EOF\nline one\nline=two\nEOF\nc=x=y\n", encoding="utf-8")
    assert read_outputs(path) == {"a": "1", "b": "line one\nline=two", "c": "x=y"}
