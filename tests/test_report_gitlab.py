"""GitLab Code Quality: valid against a schema written from GitLab's documentation, with
fingerprints that are unique within a report and stable when a finding moves."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from tests.test_report_formats import DIAGNOSTICS
from validator.diagnostics import Diagnostic, Severity
from validator.report.gitlab import issues, relative_path, report

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "gitlab-code-quality.schema.json").read_text("utf-8")
)


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def test_the_report_matches_the_schema_and_fingerprints_are_unique() -> None:
    out = io.StringIO()
    report(DIAGNOSTICS, 5, out)
    found = json.loads(out.getvalue())
    assert sorted(e.message for e in validator().iter_errors(found)) == []
    assert len(found) == len(DIAGNOSTICS)
    fingerprints = [issue["fingerprint"] for issue in found]
    assert len(set(fingerprints)) == len(fingerprints)
    severities = {issue["check_name"]: issue["severity"] for issue in found}
    assert (severities["MA101"], severities["MA502"], severities["MA306"]) == (
        "major",
        "minor",
        "info",
    )


def test_the_schema_rejects_what_gitlab_would_not_read() -> None:
    good = issues(DIAGNOSTICS[:1])
    for broken in (
        [{**good[0], "severity": "error"}],
        [{**good[0], "location": {"path": "/abs/models/x.yaml", "lines": {"begin": 1}}}],
        [{**good[0], "location": {"path": "./models/x.yaml", "lines": {"begin": 1}}}],
        [{**good[0], "location": {"path": "models/x.yaml"}}],
        [{k: v for k, v in good[0].items() if k != "fingerprint"}],
    ):
        assert list(validator().iter_errors(broken)), broken


def test_fingerprints_survive_a_moved_line_and_tell_repeats_apart() -> None:
    first = Diagnostic("models/a/1.0.0.yaml", 3, 1, "MA101", Severity.ERROR, "unknown key `x`")
    moved = Diagnostic("models/a/1.0.0.yaml", 9, 1, "MA101", Severity.ERROR, "unknown key `x`")
    assert issues([first])[0]["fingerprint"] == issues([moved])[0]["fingerprint"]
    twice = issues([first, moved])
    assert twice[0]["fingerprint"] != twice[1]["fingerprint"]


@pytest.mark.parametrize(
    ("file", "root", "expected"),
    [
        ("models/a/1.0.0.yaml", None, "models/a/1.0.0.yaml"),
        ("/builds/team/repo/models/a/1.0.0.yaml", "/builds/team/repo", "models/a/1.0.0.yaml"),
        ("/elsewhere/x.yaml", "/builds/team/repo", "/elsewhere/x.yaml"),
    ],
)
def test_paths_are_relative_to_the_project(file: str, root: str | None, expected: str) -> None:
    assert relative_path(file, root) == expected


def test_validate_format_gitlab_end_to_end(repo: Path, run: Run) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, "models/broken/1.0.0.yaml", GOOD_IMPORT.replace('"1.0.0"', "1.0"))
    result = run("validate", "--format", "gitlab")
    assert result.code == 1
    found = json.loads(result.out)
    assert list(validator().iter_errors(found)) == []
    assert {(i["check_name"], i["location"]["path"]) for i in found} >= {
        ("MA202", "models/broken/1.0.0.yaml")
    }
    clean = run("validate", "--format", "gitlab", "models/demo-model")
    assert json.loads(clean.out) == []
