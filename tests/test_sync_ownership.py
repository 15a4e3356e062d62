"""Ownership follows git: removed and renamed models are pruned, shallow clones never guess."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from tests.conftest import Run, write
from tests.sync_helpers import add, commit, stored
from validator.sync.ownership import read_history


@pytest.fixture
def synced(run: Run, repo: Path) -> Path:
    """Two models synced from a first commit, then `churn` removed in a second commit."""
    add(repo, "churn", "0.3.0")
    add(repo, "resnet", "1.0.2")
    commit(repo, "two models")
    assert run("sync").code == 0
    with git.Repo(repo) as handle:
        handle.git.branch("published")
        handle.git.rm("-r", "models/churn")
        handle.index.commit("retire churn")
    return repo


def test_a_model_removed_in_a_commit_is_pruned(run: Run, synced: Path) -> None:
    kept = run("plan")
    assert "= churn 0.3.0  kept: not in the models folder (plan --prune deletes it)" in kept.out
    planned = run("plan", "--prune")
    assert "- churn 0.3.0  (delete)" in planned.out
    assert run("sync", "--prune").code == 0
    assert stored(synced) == [("resnet", "1.0.2")]


def test_ma603_says_exactly_what_plan_prune_does(run: Run, synced: Path) -> None:
    report = json.loads(run("validate", "--base", "published", "--format", "json").out)
    (finding,) = [d for d in report["diagnostics"] if d["rule"] == "MA603"]
    assert finding["message"] == (
        "churn 0.3.0 was removed since published; `plan --prune` deletes it from the registry"
        " (the name stays owned: the git history declares it), unless a service uses it;"
        " without --prune it is kept"
    )
    assert "- churn 0.3.0  (delete)" in run("plan", "--prune").out
    write(synced, ".modelarts-gitops.yaml", "protect: [chu*]\n")
    report = json.loads(run("validate", "--base", "published", "--format", "json").out)
    (finding,) = [d for d in report["diagnostics"] if d["rule"] == "MA603"]
    assert "`plan --prune` keeps it in the registry: `protect: chu*` names it" in finding["message"]
    kept = run("plan", "--prune").out
    assert "= churn 0.3.0  kept: protected by `protect: chu*`" in kept
    assert "(delete)" not in kept


def test_a_rename_creates_the_new_name_and_deletes_the_old(run: Run, repo: Path) -> None:
    add(repo, "old-name", "1.0.0")
    commit(repo, "first")
    assert run("sync").code == 0
    path = repo / "models/old-name/1.0.0.yaml"
    path.write_text(path.read_text().replace("name: old-name", "name: new-name"))
    commit(repo, "rename the model")
    planned = run("plan", "--prune", "--format", "json")
    changes = {(c["action"], c["name"]) for c in json.loads(planned.out)["changes"]}
    assert changes == {("create", "new-name"), ("delete", "old-name")}
    assert run("sync", "--prune").code == 1  # 1 of 1 owned versions: over the safety share
    assert run("sync", "--prune", "--force").code == 0
    assert stored(repo) == [("new-name", "1.0.0")]


def test_history_is_read_once_per_blob_and_cached(repo: Path) -> None:
    add(repo, "a", "1.0.0")
    commit(repo)
    add(repo, "a", "1.0.0", description="Second text")
    commit(repo)
    first = read_history(repo, "models")
    assert first.names == {"a"} and first.unknown is None
    cache = json.loads((repo / ".modelarts-gitops/cache/history-names.json").read_text())
    assert sorted(cache["entries"].values()) == ["a", "a"]  # two blobs, one name
    assert read_history(repo, "models") == first


def test_a_shallow_clone_says_history_is_unknown_and_never_guesses(
    run: Run, synced: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "shallow"
    git.Repo.clone_from(f"file://{synced}", clone, depth=1).close()
    (clone / ".modelarts-gitops").mkdir()
    (synced / ".modelarts-gitops/registry.db").rename(clone / ".modelarts-gitops/registry.db")
    monkeypatch.chdir(clone)
    planned = run("plan", "--prune")
    assert planned.code == 0
    assert "Note: this clone is shallow" in planned.out
    assert "(delete)" not in planned.out
    assert "= churn 0.3.0  kept:" not in planned.out  # not owned: unknown, not guessed
    assert run("sync", "--prune").code == 0
    assert stored(clone) == [("churn", "0.3.0"), ("resnet", "1.0.2")]


def test_outside_git_the_plan_says_history_is_unknown(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = tmp_path / "plain"
    add(plain, "demo", "1.0.0")
    monkeypatch.chdir(plain)
    assert run("sync").code == 0
    planned = run("plan", "--prune")
    assert "Note: plain is not a git repository: names only the git history declares" in planned.out
    assert "Note:" not in run("plan").out  # without --prune nothing depends on it


def test_a_name_line_the_shortcut_cannot_read_is_parsed_in_full() -> None:
    from validator.sync.ownership import declared_name

    assert declared_name(b'name: "demo-1"  # quoted\nversion: "1.0.0"\n') == "demo-1"
    assert declared_name(b"description: |\n  name: not-this\nname: this\n") == "this"
    assert declared_name(b"name: [unclosed\n") == ""
    assert declared_name(b"---\nname: a\n---\nname: b\n") == ""
