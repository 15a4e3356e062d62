"""Drift in every format: kept versions, field-level conflicts, versions missing since a sync."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

from tests.conftest import Run
from tests.sync_helpers import DB, add, commit
from validator.registry.base import ModelSpec, RegistryModel, Status
from validator.registry.local import LocalRegistry
from validator.sync.plan import plan
from validator.sync.render import MARKDOWN_LIMIT, render_markdown


@pytest.fixture
def synced(run: Run, repo: Path) -> Path:
    add(repo, "demo", "1.0.0")
    add(repo, "demo", "1.1.0")
    commit(repo)
    assert run("sync").code == 0
    return repo


def test_extra_owned_versions_show_as_kept_in_every_format(run: Run, synced: Path) -> None:
    (synced / "models/demo/1.0.0.yaml").unlink()
    text = run("plan").out
    assert "= demo 1.0.0  kept: not in the models folder (plan --prune deletes it)" in text
    assert "No changes. The registry matches the desired state (1 unchanged; 1 kept)." in text
    markdown = run("plan", "--format", "markdown").out
    assert "(1 unchanged; 1 kept)" in markdown
    assert (
        "| `demo` | `1.0.0` | kept: not in the models folder (plan --prune deletes it) |"
        in markdown
    )
    document = json.loads(run("plan", "--format", "json").out)
    assert [k["version"] for k in document["kept"]] == ["1.0.0"]
    assert document["summary"]["kept"] == 1


def test_a_config_conflict_is_shown_field_by_field(run: Run, synced: Path) -> None:
    path = synced / "models/demo/1.1.0.yaml"
    path.write_text(path.read_text().replace("timeout_seconds: 5", "timeout_seconds: 77"))
    text = run("plan").out
    assert "config.health.timeout_seconds: 5 -> 77" in text
    assert text.count("config.") == 1  # only the leaf that changed, not the whole config
    markdown = run("plan", "--format", "markdown").out
    assert "config.health.timeout_seconds: 5 -&gt; 77" in markdown
    (change,) = json.loads(run("plan", "--format", "json").out)["changes"]
    assert change["diff"] == [
        {"path": "config.health.timeout_seconds", "current": "5", "desired": "77"}
    ]


def test_a_version_deleted_behind_gits_back_is_reported_missing(run: Run, synced: Path) -> None:
    registry = LocalRegistry(synced / DB)
    gone = registry.list(["demo"])[0]
    commit_id = gone.provenance.commit
    assert commit_id
    registry.delete(gone.model_id)
    registry.close()
    text = run("plan").out
    assert "+ demo 1.0.0  (create)" in text
    assert (
        "missing from the registry: an earlier sync created it from models/demo/1.0.0.yaml"
        f" at {commit_id[:12]}"
    ) in text
    assert "missing from the registry" in run("plan", "--format", "markdown").out
    assert "missing from the registry" in run("plan", "--format", "json").out
    add(synced, "demo", "2.0.0")  # a new version is not "missing"
    assert text.count("missing") == 1 == run("plan").out.count("missing")


def _many(count: int) -> str:
    wanted = {}
    for index in range(count):
        spec = ModelSpec(f"m{index}", "1.0.0", f"swr.eu-de.otc.t-systems.com/t/m{index}:1")
        wanted[spec.key] = spec
    kept = [
        RegistryModel(f"id{i}", ModelSpec(f"m{i}", "0.1.0", "x"), Status.PUBLISHED)
        for i in range(count)
    ]
    return render_markdown(plan(wanted, kept))


def test_markdown_fits_a_pr_comment_folds_long_sections_and_counts_what_was_cut() -> None:
    small = _many(3)
    assert "<details>" not in small and "Not shown" not in small
    folded = _many(40)
    assert "<details><summary>40 changes</summary>" in folded
    assert "<details><summary>40 kept</summary>" in folded
    assert "Not shown" not in folded
    huge = _many(3000)
    assert len(huge) <= MARKDOWN_LIMIT
    assert huge.count("<details>") == huge.count("</details>")
    shown = huge.count("| \\+ |")
    assert f"Not shown, to fit a comment: {3000 - shown} changes, 3000 kept." in huge


def test_a_later_run_waits_for_versions_still_publishing(run: Run, synced: Path) -> None:
    with sqlite3.connect(synced / DB) as db:
        db.execute(
            "UPDATE models SET status = 'publishing', ready_at = ?, final_status = 'published'"
            " WHERE version = '1.0.0'",
            (time.time() + 1.0,),
        )
    result = run("sync")
    assert result.code == 0
    assert "~ demo 1.0.0  still publishing: sync waits for it" in result.out
    assert "demo 1.0.0: published (was publishing)" in result.out
    with sqlite3.connect(synced / DB) as db:
        db.execute(
            "UPDATE models SET status = 'publishing', ready_at = ?, final_status = 'failed'"
            " WHERE version = '1.1.0'",
            (time.time() + 0.5,),
        )
    failed = run("sync")
    assert failed.code == 1
    assert "demo 1.1.0: FAILED" in failed.out
