"""The rough edges a new user hits: root detection without git, two configuration files,
counts that match what was reported, help texts and usage errors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import git
import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.cli import build_parser

CONFIG_JSON = json.dumps(
    {
        "model_algorithm": "image_classification",
        "model_type": "Image",
        "health": {"url": "/health", "initial_delay_seconds": 10, "timeout_seconds": 5},
    },
    indent=2,
)
FILE_CONFIG = GOOD_IMPORT.split("config:\n")[0] + "config: config.json\n"


def commit(root: Path, message: str) -> None:
    with git.Repo(root) as handle:
        handle.git.add(A=True)
        handle.index.commit(message)


@pytest.fixture
def no_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder outside any git repository (the temp folder is not in one)."""
    root = tmp_path / "plain"
    root.mkdir()
    assert not any((p / ".git").exists() for p in (root, *root.parents))
    return root


@pytest.mark.parametrize("marker", ["models", ".modelarts-gitops.yaml", "pyproject.toml"])
def test_without_git_a_config_beside_the_file_is_inside(
    no_git: Path, run: Run, monkeypatch: pytest.MonkeyPatch, marker: str
) -> None:
    folder = no_git / "models" / "demo-model"
    write(folder, "1.0.0.yaml", FILE_CONFIG)
    write(folder, "config.json", CONFIG_JSON)
    if marker == ".modelarts-gitops.yaml":
        write(no_git, marker, "strict: false\n")
    elif marker == "pyproject.toml":
        write(no_git, marker, "[tool.modelarts-gitops]\nstrict = false\n")
    monkeypatch.chdir(folder)
    result = run("validate", "1.0.0.yaml")
    assert (result.code, result.out) == (0, "1 file checked: no problems\n"), result.out


def test_without_git_or_markers_the_file_folder_is_the_root(
    no_git: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(no_git / "loose", "1.0.0.yaml", FILE_CONFIG)
    write(no_git / "loose", "config.json", CONFIG_JSON)
    monkeypatch.chdir(no_git)
    result = run("validate", "loose/1.0.0.yaml")
    assert "MA402" not in result.out
    assert result.code == 0, result.out


def test_a_config_outside_the_found_root_is_still_refused(
    no_git: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(no_git, "config.json", CONFIG_JSON)
    write(
        no_git / "repo" / "models" / "demo-model",
        "1.0.0.yaml",
        FILE_CONFIG.replace("config: config.json", "config: ../../../config.json"),
    )
    monkeypatch.chdir(no_git / "repo" / "models" / "demo-model")
    result = run("validate", "1.0.0.yaml")
    assert "MA402" in result.out


def test_two_configuration_files_say_which_is_used(repo: Path, run: Run) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, ".modelarts-gitops.yaml", "strict: false\n")
    write(repo, "pyproject.toml", "[tool.modelarts-gitops]\nstrict = true\n")
    result = run("validate")
    assert result.err == (
        "warning: configuration found in .modelarts-gitops.yaml and "
        "[tool.modelarts-gitops] in pyproject.toml; using .modelarts-gitops.yaml only\n"
    )
    (repo / ".modelarts-gitops.yaml").unlink()
    assert run("validate").err == ""


def test_changed_only_counts_the_files_it_reports_on(repo: Path, run: Run) -> None:
    for name in ("a", "b", "c", "d"):
        write(repo, f"models/{name}/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", name))
    write(repo, "models/e/1.0.0.yaml", FILE_CONFIG.replace("demo-model", "e"))
    write(repo, "models/e/config.json", CONFIG_JSON)
    commit(repo, "five models")
    write(repo, "models/a/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", "a") + "# edited\n")
    assert (
        run("validate", "--base", "HEAD", "--changed-only").out == "1 file checked: no problems\n"
    )
    write(repo, "models/e/config.json", CONFIG_JSON + "\n")
    assert (
        run("validate", "--base", "HEAD", "--changed-only").out == "2 files checked: no problems\n"
    )
    assert run("validate", "--base", "HEAD").out == "5 files checked: no problems\n"


def test_an_unused_config_file_is_said_to_be_unused(repo: Path, run: Run) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, "models/demo-model/config.json", CONFIG_JSON)
    result = run("validate", "models/demo-model/config.json")
    assert result.code == 0
    assert result.out == "0 files checked: no problems\n"
    assert result.err == (
        "note: models/demo-model/config.json is used by no import, so it was not checked\n"
    )
    write(repo, "models/demo-model/1.0.0.yaml", FILE_CONFIG)
    used = run("validate", "models/demo-model/config.json")
    assert (used.out, used.err) == ("1 file checked: no problems\n", "")


def test_a_file_that_is_neither_import_nor_config_is_a_usage_error(repo: Path, run: Run) -> None:
    write(repo, "models/README.md", "# Our models\n")
    result = run("validate", "models/README.md")
    assert result.code == 2
    assert "MA005" not in result.out
    assert result.err == (
        "error: models/README.md is not a model import (.yaml, .yml) nor a config file (.json)\n"
    )


def test_validate_with_an_unknown_flag_prints_validate_usage(run: Run) -> None:
    result = run("validate", "--bogus")
    assert result.code == 2
    assert result.err.startswith("usage: modelarts-gitops validate ")
    assert "validate: error: unrecognized arguments: --bogus" in result.err
    serve = run("registry", "serve", "--bogus")
    assert serve.err.startswith("usage: modelarts-gitops registry serve ")


def parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from parsers(sub)


def test_every_argument_has_help_text() -> None:
    missing = [
        f"{parser.prog} {action.dest}"
        for parser in parsers(build_parser())
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction | argparse._SubParsersAction)
        and not action.help
    ]
    assert missing == []


def test_one_run_writes_extra_reports(repo: Path, run: Run) -> None:
    write(repo, "models/broken/1.0.0.yaml", GOOD_IMPORT.replace('"1.0.0"', "1.0"))
    result = run(
        "validate", "--report", "gitlab=quality.json", "--report", "sarif=out.sarif", "models"
    )
    assert result.code == 1
    assert "models/broken/1.0.0.yaml:2:10: MA202 error" in result.out
    quality = json.loads((repo / "quality.json").read_text(encoding="utf-8"))
    sarif = json.loads((repo / "out.sarif").read_text(encoding="utf-8"))
    assert {i["check_name"] for i in quality} == {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert "MA202" in {i["check_name"] for i in quality}
    bad = run("validate", "--report", "xml=out.xml")
    assert bad.code == 2
    assert "`xml=out.xml` is not FORMAT=FILE" in bad.err
