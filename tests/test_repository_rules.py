"""MA6xx in real git repositories: duplicates, immutability, removals, --changed-only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git
import pytest

from tests.conftest import GOOD_IMPORT, Run, write

# The rules these tests make fail; the fixture meta-test counts them as covered.
COVERED_IN_REPOSITORY_TESTS = {"MA601", "MA602", "MA603", "MA604"}
IMPORT = GOOD_IMPORT.replace("demo-model", "{name}").replace('"1.0.0"', '"{version}"')


def add(root: Path, name: str, version: str, text: str | None = None) -> Path:
    body = (
        text if text is not None else IMPORT.replace("{name}", name).replace("{version}", version)
    )
    return write(root, f"models/{name}/{version}.yaml", body)


def commit(root: Path, message: str = "change") -> None:
    with git.Repo(root) as repo:
        repo.git.add(A=True)
        repo.index.commit(message)


def findings(run: Run, *args: str) -> tuple[int, set[tuple[str, int, int, str]]]:
    result = run("validate", "--format", "json", *args)
    report = json.loads(result.out)
    return result.code, {
        (d["file"], d["line"], d["column"], d["rule"]) for d in report["diagnostics"]
    }


@pytest.fixture
def published(repo: Path) -> Path:
    """A repository whose main branch holds demo 1.0.0 and 1.1.0; work goes on a branch."""
    add(repo, "demo", "1.0.0")
    add(repo, "demo", "1.1.0")
    commit(repo, "publish")
    with git.Repo(repo) as handle:
        handle.git.branch("-M", "main")
        handle.git.checkout("-b", "feature")
    return repo


def test_duplicate_versions_report_both_files(run: Run, repo: Path) -> None:
    add(repo, "demo", "1.0.0")
    write(
        repo,
        "models/demo/copy.yaml",
        IMPORT.replace("{name}", "demo").replace("{version}", "1.0.0"),
    )
    code, got = findings(run)
    assert code == 1
    assert {f[:2] for f in got if f[3] == "MA601"} == {
        ("models/demo/1.0.0.yaml", 2),
        ("models/demo/copy.yaml", 2),
    }


def test_duplicate_is_found_when_only_one_file_is_passed(run: Run, repo: Path) -> None:
    add(repo, "demo", "1.0.0")
    other = write(
        repo,
        "models/other/dup.yaml",
        IMPORT.replace("{name}", "demo").replace("{version}", "1.0.0"),
    )
    _, got = findings(run, str(other.relative_to(repo)))
    assert ("models/other/dup.yaml", 2, 10, "MA601") in got
    assert ("models/demo/1.0.0.yaml", 2, 10, "MA601") in got


def test_changing_a_published_version_points_at_the_field(run: Run, published: Path) -> None:
    path = published / "models/demo/1.0.0.yaml"
    path.write_text(path.read_text().replace("[real-time]", "[real-time, batch]"))
    code, got = findings(run, "--base", "main")
    assert code == 1
    assert got == {("models/demo/1.0.0.yaml", 6, 19, "MA602")}
    message = json.loads(run("validate", "--format", "json", "--base", "main").out)["diagnostics"][
        0
    ]
    assert "publish 1.1.1 instead" in message["message"]


def test_formatting_comments_and_key_order_are_not_changes(run: Run, published: Path) -> None:
    path = published / "models/demo/1.0.0.yaml"
    lines = path.read_text().splitlines()
    reordered = [lines[1], "# a new comment", lines[0], *lines[2:]]
    text = "\n".join(reordered).replace("[real-time]", "[ real-time ]  # spacing") + "\n"
    path.write_text(text.replace("  copy: true\n", ""))
    assert findings(run, "--base", "main") == (0, set())


def test_a_changed_shared_config_points_into_the_config_file(run: Run, repo: Path) -> None:
    write(
        repo,
        "models/demo/config.json",
        '{\n  "model_algorithm": "a1",\n  "model_type": "Image"\n}\n',
    )
    text = IMPORT.replace("{name}", "demo").replace("{version}", "1.0.0")
    add(repo, "demo", "1.0.0", text.split("config:")[0] + "config: config.json\n")
    commit(repo)
    (repo / "models/demo/config.json").write_text(
        '{\n  "model_algorithm": "b2",\n  "model_type": "Image"\n}\n'
    )
    _, got = findings(run, "--base", "HEAD")
    assert ("models/demo/config.json", 2, 22, "MA602") in got


def test_removed_version_warns_that_prune_would_delete_it(run: Run, published: Path) -> None:
    (published / "models/demo/1.0.0.yaml").unlink()
    code, got = findings(run, "--base", "main")
    assert got == {("models/demo/1.0.0.yaml", 1, 1, "MA603")}
    assert code == 0
    assert run("validate", "--base", "main", "--strict").code == 1


def test_new_version_lower_than_published_warns(run: Run, published: Path) -> None:
    add(published, "demo", "1.0.5")
    _, got = findings(run, "--base", "main")
    assert got == {("models/demo/1.0.5.yaml", 2, 10, "MA604")}


def test_changed_only_reports_changed_files_but_sees_the_whole_tree(
    run: Run, published: Path
) -> None:
    add(published, "demo", "2.0.0")
    dup = IMPORT.replace("{name}", "demo").replace("{version}", "2.0.0")
    write(published, "models/demo/also-2.yaml", dup)
    commit(published)
    with git.Repo(published) as handle:
        handle.git.checkout("-b", "next")
    (published / "models/demo/1.1.0.yaml").write_text(
        (published / "models/demo/1.1.0.yaml").read_text().replace("A demo model", "Edited")
    )
    _, got = findings(run, "--base", "feature", "--changed-only")
    assert {f[0] for f in got} == {"models/demo/1.1.0.yaml"}
    _, everything = findings(run, "--base", "feature")
    assert {f[3] for f in everything} == {"MA207", "MA601", "MA602"}  # MA207: also-2.yaml


def test_passing_a_config_file_checks_the_imports_that_use_it(run: Run, repo: Path) -> None:
    config = '{"model_algorithm": "x", "model_type": "Image", "health": {"url": "/health"}}\n'
    write(repo, "models/demo/config.json", config)
    text = IMPORT.replace("{name}", "demo").replace("{version}", "1.0.0")
    add(repo, "demo", "1.0.0", text.split("config:")[0] + "config: config.json\n")
    add(repo, "other", "1.1.0", "name: other\nversion: 1.1.0\n")  # broken, but not a user
    result = run("validate", "--format", "json", "models/demo/config.json")
    assert json.loads(result.out)["diagnostics"] == []
    (repo / "models/demo/config.json").write_text("{broken")
    result = run("validate", "--format", "json", "models/demo/config.json")
    assert {(d["file"], d["rule"]) for d in json.loads(result.out)["diagnostics"]} == {
        ("models/demo/config.json", "MA404")
    }


def test_missing_base_ref_is_a_one_line_error(run: Run, published: Path) -> None:
    result = run("validate", "--base", "origin/release")
    assert result.code == 2
    assert result.err == (
        "error: base ref `origin/release` is not in this clone; "
        "fetch it first: git fetch origin release\n"
    )


def test_shallow_clone_message_says_how_to_fetch(
    run: Run, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commit(published, "second")
    clone = tmp_path / "shallow"
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            "--depth",
            "1",
            "--branch",
            "feature",
            published.as_uri(),
            str(clone),
        ],
        check=True,
    )
    monkeypatch.chdir(clone)
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    result = run("validate")
    assert result.code == 2
    assert "this clone is shallow: use fetch-depth: 0" in result.err
    assert "git fetch origin main" in result.err


def test_pull_request_base_comes_from_the_ci_environment(
    run: Run, published: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", published.as_uri(), str(clone)], check=True)
    monkeypatch.chdir(clone)
    path = clone / "models/demo/1.1.0.yaml"
    path.write_text(path.read_text().replace("A demo model", "Changed"))
    monkeypatch.setenv("GITHUB_BASE_REF", "main")
    code, got = findings(run)
    assert code == 1
    assert got == {("models/demo/1.1.0.yaml", 3, 14, "MA602")}
