"""No rollbacks: a checkout behind its upstream's models folder refuses to sync or prune."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from tests.conftest import Run, write
from tests.sync_helpers import add, commit, stored


@pytest.fixture
def behind(repo: Path, tmp_path: Path) -> Path:
    """A clone whose `main` tracks origin/main and sits one models commit behind it."""
    add(repo, "demo", "1.0.0")
    commit(repo, "first")
    add(repo, "demo", "1.1.0")
    commit(repo, "newer version")
    with git.Repo(repo) as origin:
        origin.git.branch("-M", "main")
    clone = tmp_path / "clone"
    with git.Repo.clone_from(f"file://{repo}", clone) as handle:
        handle.git.reset("--hard", "HEAD~1")  # main now behind origin/main
    return clone


def test_a_clone_behind_its_upstream_refuses_sync_and_prune(
    run: Run, behind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(behind)
    for command in (("sync",), ("plan", "--prune"), ("sync", "--prune", "--force")):
        result = run(*command)
        assert result.code == 1, command
        assert result.err.count("\n") == 1
        assert result.err.startswith("error: origin/main has 1 newer commit changing models/")
        assert "--allow-rollback" in result.err
    assert run("plan").code == 0  # a plan without --prune changes nothing
    assert stored(behind) == []
    assert run("sync", "--allow-rollback").code == 0
    assert stored(behind) == [("demo", "1.0.0")]


def test_newer_commits_outside_the_models_folder_do_not_count(
    run: Run, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(repo, "demo", "1.0.0")
    commit(repo, "first")
    write(repo, "README.md", "docs\n")
    commit(repo, "docs only")
    clone = tmp_path / "clone"
    with git.Repo.clone_from(f"file://{repo}", clone) as handle:
        handle.git.reset("--hard", "HEAD~1")
    monkeypatch.chdir(clone)
    assert run("sync").code == 0


def test_detached_head_under_github_actions_compares_with_origin_ref_name(
    run: Run, behind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(behind)
    with git.Repo(behind) as handle:
        handle.git.checkout("--detach", "HEAD")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    assert run("plan", "--prune").code == 0  # detached, no upstream information: skipped
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_REF_NAME", "main")
    result = run("sync")
    assert result.code == 1
    assert "origin/main has 1 newer commit" in result.err
    assert stored(behind) == []


def test_detached_head_under_gitlab_ci_compares_with_origin_commit_branch(
    run: Run, behind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(behind)
    with git.Repo(behind) as handle:
        handle.git.checkout("--detach", "HEAD")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_COMMIT_BRANCH", "main")
    result = run("plan", "--prune")
    assert result.code == 1
    assert result.err.startswith("error: origin/main has 1 newer commit changing models/")
    monkeypatch.delenv("CI_COMMIT_BRANCH")  # a tag or merge request pipeline: no branch
    assert run("plan", "--prune").code == 0


def test_sync_branch_overrides_the_upstream(
    run: Run, behind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(behind)
    with git.Repo(behind) as handle:
        handle.git.branch("--unset-upstream")
    assert run("sync", "--dry-run").code == 0  # no upstream: the check is skipped
    write(behind, ".modelarts-gitops.yaml", "sync:\n  branch: origin/main\n")
    assert run("sync").code == 1
    write(behind, ".modelarts-gitops.yaml", "sync:\n  branch: origin/nowhere\n")
    missing = run("sync")
    assert missing.code == 2
    assert "sync.branch `origin/nowhere` is not in this clone" in missing.err


@pytest.mark.parametrize(
    "config", ["sync:\n  branch: ''\n", "sync:\n  branch: 'origin/main main'\n", "protect: [1]\n"]
)
def test_bad_branch_or_protect_settings_are_located_config_errors(
    run: Run, repo: Path, config: str
) -> None:
    add(repo, "demo", "1.0.0")
    write(repo, ".modelarts-gitops.yaml", config)
    result = run("plan")
    assert result.code == 2
    assert result.err.startswith(".modelarts-gitops.yaml:")
