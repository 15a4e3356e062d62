"""The pre-commit hooks tested as hooks: the manifest, each entry on real files, real pre-commit."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import GOOD_IMPORT, ROOT, write

MANIFEST: list[dict[str, Any]] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
BAD_IMPORT = GOOD_IMPORT.replace('"1.0.0"', "1.0")
BIN = str(Path(sys.executable).parent)


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": BIN + os.pathsep + os.environ["PATH"], **extra}


@pytest.mark.parametrize("hook", MANIFEST, ids=lambda h: h["id"])
def test_manifest_declares_a_python_hook_on_models(hook: dict[str, Any]) -> None:
    assert hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook["entry"].split()[0] == "modelarts-gitops"
    pattern = re.compile(hook["files"])
    for path in ["models/a/1.0.0.yaml", "models/a/1.0.0.yml", "models/a/config.json"]:
        assert pattern.search(path), path
    for path in ["README.md", "src/models/a.yaml", "models/a/notes.txt", "docs/models/x.json"]:
        assert not pattern.search(path), path


@pytest.mark.parametrize("hook", MANIFEST, ids=lambda h: h["id"])
def test_entry_passes_good_files_and_blocks_bad_ones(hook: dict[str, Any], repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, "models/broken/1.0.0.yaml", BAD_IMPORT.replace("demo-model", "broken"))
    entry = shlex.split(hook["entry"])

    def call(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*entry, *files],
            cwd=repo,
            env=env(PRE_COMMIT="1"),
            capture_output=True,
            text=True,
            check=False,
        )

    good = call("models/demo-model/1.0.0.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    bad = call("models/demo-model/1.0.0.yaml", "models/broken/1.0.0.yaml")
    assert bad.returncode == 1
    assert "models/broken/1.0.0.yaml:2:10: MA202 error" in bad.stdout


def test_real_pre_commit_blocks_a_bad_model_and_passes_a_good_one(
    repo: Path, tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(ROOT),
            "modelarts-gitops-validate",
            "--files",
            *files,
        ]
        return subprocess.run(
            command,
            cwd=repo,
            env=env(PRE_COMMIT_HOME=str(home)),
            capture_output=True,
            text=True,
            check=False,
        )

    good = try_repo("models/demo-model/1.0.0.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout
    write(repo, "models/broken/1.0.0.yaml", BAD_IMPORT.replace("demo-model", "broken"))
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    bad = try_repo("models/demo-model/1.0.0.yaml", "models/broken/1.0.0.yaml")
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "models/broken/1.0.0.yaml:2:10: MA202 error version 1.0" in bad.stdout
