"""Every hint, followed, fixes its finding and causes no new one.

Each bad fixture is copied into a fresh git repository; for each of its findings with a
concrete hint, the hint is applied to a fresh copy and the file checked again: the finding's
rule must not fire on that line again, and no error may appear that was not there before (the
hint `swr.eu-de.otc.t-systems.com/nginx:1.25` for `nginx:1.25` failed MA301). Hints that are
instructions for a person (`add ...`, `<placeholder>`) are recognised as such, not skipped
silently.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, ROOT, Run, write
from tests.hints import INSTRUCTION, apply_hint, token_end
from tests.test_fixtures import BAD, FIXTURES

Found = set[tuple[str, int, str]]


def check(run: Run, target: str) -> tuple[Found, list[dict[str, object]]]:
    result = run("validate", "--strict", "--format", "json", target)
    diagnostics = json.loads(result.out)["diagnostics"]
    return {(str(d["file"]), int(d["line"]), str(d["rule"])) for d in diagnostics}, diagnostics


def errors(diagnostics: list[dict[str, object]]) -> set[str]:
    return {str(d["rule"]) for d in diagnostics if d["severity"] == "error"}


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: p.name)
def test_every_concrete_hint_fixes_its_finding(
    fixture: Path, repo: Path, run: Run, tmp_path: Path
) -> None:
    shutil.copytree(FIXTURES, repo / "tests" / "fixtures")
    target = fixture.relative_to(ROOT).as_posix()
    _, diagnostics = check(run, target)
    pristine = tmp_path / "pristine"
    shutil.copytree(repo / "tests", pristine)
    for d in diagnostics:
        hint = d["suggestion"]
        if not isinstance(hint, str):
            continue
        shutil.rmtree(repo / "tests")
        shutil.copytree(pristine, repo / "tests")
        file, line, rule = repo / str(d["file"]), int(str(d["line"])), str(d["rule"])
        if apply_hint(repo, file, line, int(str(d["column"])), hint) is None:
            assert INSTRUCTION.search(hint), hint
            continue
        after, remaining = check(run, target)
        assert (str(d["file"]), line, rule) not in after, f"`{hint}` does not fix {rule}"
        new = errors(remaining) - errors(diagnostics)
        assert not new, f"following `{hint}` ({rule}) causes {sorted(new)}"


def test_the_docker_hub_hint_names_an_organization(repo: Path, run: Run) -> None:
    image = "swr.eu-de.otc.t-systems.com/ml-team/demo@sha256:" + "a" * 64
    file = write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT.replace(image, "nginx:1.25"))
    _, diagnostics = check(run, "models")
    (hint,) = [d["suggestion"] for d in diagnostics if d["rule"] == "MA302"]
    assert hint == "swr.eu-de.otc.t-systems.com/<organization>/nginx:1.25"
    write(repo, ".modelarts-gitops.yaml", "images: {organizations: [ml-team]}\n")
    _, diagnostics = check(run, "models")
    (d,) = [d for d in diagnostics if d["rule"] == "MA302"]
    assert d["suggestion"] == "swr.eu-de.otc.t-systems.com/ml-team/nginx:1.25"
    apply_hint(repo, file, int(str(d["line"])), int(str(d["column"])), str(d["suggestion"]))
    after, _ = check(run, "models")
    assert {r for *_, r in after} <= {"MA306"}


def test_a_misplaced_bad_name_gets_no_path_with_a_space(repo: Path, run: Run) -> None:
    write(repo, "models/demo/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", "my demo"))
    _, diagnostics = check(run, "models")
    assert [(d["rule"], d["suggestion"]) for d in diagnostics if str(d["rule"]) >= "MA2"] == [
        ("MA201", "name: my-demo")
    ]


@pytest.mark.parametrize(
    ("copy", "hint", "fixed"),
    [
        ("1.0.1.yaml", 'version: "1.0.1"', "models/demo-model/1.0.1.yaml"),
        (
            "1.0.0 copy.yaml",
            'rename it to models/demo-model/1.0.2.yaml and set version: "1.0.2"',
            "models/demo-model/1.0.2.yaml",
        ),
    ],
)
def test_a_copied_file_gets_the_next_free_version(
    repo: Path, run: Run, copy: str, hint: str, fixed: str
) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, "models/demo-model/0.9.0.yaml", GOOD_IMPORT.replace('"1.0.0"', '"0.9.0"'))
    if copy != "1.0.1.yaml":
        write(repo, "models/demo-model/1.0.1.yaml", GOOD_IMPORT.replace('"1.0.0"', '"1.0.1"'))
    file = write(repo, f"models/demo-model/{copy}", GOOD_IMPORT)
    _, diagnostics = check(run, "models")
    (d,) = [d for d in diagnostics if d["rule"] == "MA207"]
    assert d["suggestion"] == hint
    left = apply_hint(repo, file, int(str(d["line"])), int(str(d["column"])), hint)
    assert left == repo / fixed
    after, _ = check(run, "models")
    assert after == set(), "no MA207, and no duplicate version (MA601) either"


def test_a_misplaced_copy_is_moved_to_a_free_version(repo: Path, run: Run) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    file = write(repo, "models/elsewhere/1.0.0.yaml", GOOD_IMPORT)
    _, diagnostics = check(run, "models")
    (d,) = [d for d in diagnostics if d["rule"] == "MA207"]
    hint = 'move the file to models/demo-model/1.0.1.yaml and set version: "1.0.1"'
    assert d["suggestion"] == hint
    left = apply_hint(repo, file, int(str(d["line"])), int(str(d["column"])), hint)
    assert left == repo / "models/demo-model/1.0.1.yaml"
    after, _ = check(run, "models")
    assert after == set()


@pytest.mark.parametrize(
    ("line", "start", "token"),
    [
        ('version: "1.0"  # x\n', 9, '"1.0"'),
        ("procotol: http\n", 0, "procotol"),
        ("labels: [a, b-c]\n", 12, "b-c"),
        ("deployment_types: []\n", 18, "[]"),
        ('  {"url": "predict", "method": "post"}\n', 10, '"predict"'),
    ],
)
def test_token_end(line: str, start: int, token: str) -> None:
    assert line[start : token_end(line, start)] == token
