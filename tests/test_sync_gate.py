"""The gate cannot be narrowed: no configuration lets a broken file drop out and be pruned."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run, write
from tests.sync_helpers import add, commit, stored

BOTH = [("churn", "0.2.0"), ("churn", "0.3.0"), ("resnet", "1.0.2")]


@pytest.fixture
def synced(run: Run, repo: Path) -> Path:
    """churn keeps a declared version, so it stays owned even by the declared names alone."""
    add(repo, "churn", "0.2.0")
    add(repo, "churn", "0.3.0")
    add(repo, "resnet", "1.0.2")
    commit(repo, "two models")
    assert run("sync").code == 0
    return repo


NARROWED = [
    "select: [MA3]\n",
    "ignore: [MA001]\n",
    "ignore: [MA0]\n",
    "severity: {MA0: warning}\n",
    "severity: {MA001: info}\n",
    "select: [MA5]\nignore: [MA0, MA1, MA2, MA6]\n",
]


@pytest.mark.parametrize("config", NARROWED)
def test_a_file_that_does_not_parse_is_never_pruned(run: Run, synced: Path, config: str) -> None:
    write(synced, ".modelarts-gitops.yaml", config)
    write(synced, "models/churn/0.3.0.yaml", "name: churn\nversion: [unclosed\n")
    for command in (("plan", "--prune"), ("sync", "--prune"), ("sync", "--prune", "--force")):
        result = run(*command)
        assert result.code == 1, (command, result.out)
        assert "MA001 error" in result.err
        assert "whatever the configuration says" in result.err
    assert stored(synced) == BOTH
    assert run("validate").code == 0  # validate still honours the configuration


def test_ignoring_ma102_never_crashes_and_never_deletes(run: Run, synced: Path) -> None:
    write(synced, ".modelarts-gitops.yaml", "ignore: [MA102]\n")
    path = synced / "models/churn/0.3.0.yaml"
    lines = path.read_text().splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("source:"))
    path.write_text("".join(lines[:start] + lines[start + 2 :]))  # no `source:` at all
    for command in (("plan",), ("plan", "--prune"), ("sync", "--prune", "--force")):
        result = run(*command)
        assert result.code == 1, result.out + result.err
        assert "MA102 error" in result.err
        assert "internal error" not in result.err
    assert stored(synced) == BOTH


def test_an_inline_ignore_cannot_silence_a_mandatory_rule(run: Run, synced: Path) -> None:
    path = synced / "models/churn/0.3.0.yaml"
    text = path.read_text().replace(
        'version: "0.3.0"', "version: 0.3  # modelarts-gitops: ignore[MA2]"
    )
    path.write_text(text)
    assert run("validate").code == 0
    result = run("sync", "--prune", "--force")
    assert result.code == 1
    assert "MA202 error" in result.err
    assert stored(synced) == BOTH


@pytest.mark.parametrize("suffix", [".YAML", ".YML", ".Yaml"])
def test_an_upper_case_suffix_is_a_finding_not_a_silent_prune(
    run: Run, synced: Path, suffix: str
) -> None:
    path = synced / "models/churn/0.3.0.yaml"
    path.rename(path.with_suffix(suffix))
    result = run("sync", "--prune", "--force")
    assert result.code == 1
    assert f"models/churn/0.3.0{suffix}:1:1: MA001 error the suffix `{suffix}`" in result.err
    assert stored(synced) == BOTH
    shown = f"models/churn/0.3.0{suffix}:1:1: MA001 error the suffix `{suffix}`"
    checked = run("validate")  # validate says it too, and honours the configuration
    assert checked.code == 1 and shown in checked.out
    assert run("validate", "models/churn").out.count(shown) == 1
    assert shown not in run("validate", "models/churn/0.2.0.yaml").out  # files named: no walk
    write(synced, ".modelarts-gitops.yaml", "ignore: [MA001]\n")
    assert run("validate").code == 0


def test_an_empty_desired_state_deletes_nothing_even_with_force(run: Run, synced: Path) -> None:
    write(synced, ".modelarts-gitops.yaml", "owns: ['*']\n")
    for path in (synced / "models").rglob("*.yaml"):
        path.unlink()
    result = run("sync", "--prune", "--force")
    assert result.code == 0, result.err
    assert "Note: the desired state is empty: nothing is deleted" in result.out
    assert "(delete)" not in result.out
    assert stored(synced) == BOTH


def test_a_missing_models_folder_deletes_nothing(run: Run, synced: Path) -> None:
    for path in (synced / "models").rglob("*.yaml"):
        path.unlink()
    for folder in sorted((synced / "models").rglob("*"), reverse=True):
        folder.rmdir()
    (synced / "models").rmdir()
    result = run("sync", "--prune", "--force")
    assert result.code == 2
    assert result.err.startswith("error: no paths given")
    assert stored(synced) == BOTH
