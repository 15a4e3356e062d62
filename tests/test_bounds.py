"""Bounded cost and isolation: value limits, a cap per rule and file, clipped messages, and a
rule that fails on one document without hiding anything else. Speed is measured by
benchmarks/hostile.py, not here."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.check import registry
from validator.check.bounds import MAX_MESSAGE, MAX_PER_RULE, capped, clip
from validator.check.registry import Rule
from validator.check.subject import Spec
from validator.diagnostics import Diagnostic, Finding, Located, Severity
from validator.load import encoding
from validator.load.encoding import MAX_VALUES, read_file
from validator.load.json_file import load_json
from validator.load.yaml_file import load_yaml

IMPORT = "models/demo-model/1.0.0.yaml"


def _labels(items: str) -> str:
    return GOOD_IMPORT.replace("deployment_types:", f"labels: {items}\ndeployment_types:")


def _json(run: Run, *args: str) -> list[dict[str, object]]:
    result = run("validate", "--format", "json", *args)
    assert "internal error" not in result.out + result.err
    diagnostics: list[dict[str, object]] = json.loads(result.out)["diagnostics"]
    return diagnostics


# 13 nodes come before the first label (the root, five keys and values, `source` and its pair,
# the labels list): the label that passes the limit is item MAX_VALUES + 1 - 14.
PAST = MAX_VALUES + 1 - 14


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (_labels("[" + ",".join(["a"] * 500_000) + "]"), (6, len("labels: [") + 1 + 2 * PAST)),
        (_labels("\n" + "- a\n" * 250_000), (7 + PAST, 3)),
    ],
)
def test_a_file_with_too_many_values_is_refused_where_the_limit_is_passed(
    text: str, where: tuple[int, int]
) -> None:
    document, problems = load_yaml(text.encode(), "x.yaml", 1 << 20)
    assert document is None
    [problem] = problems
    assert (problem.rule, problem.line, problem.column) == ("MA008", *where)
    assert f"more than {MAX_VALUES:,} values" in problem.message


def test_a_file_below_the_value_limit_is_read() -> None:
    text = _labels("[" + ",".join(["a"] * (MAX_VALUES - 100)) + "]")
    document, _ = load_yaml(text.encode(), "x.yaml", 1 << 20)
    assert document is not None
    assert len(document.data["labels"]) == MAX_VALUES - 100


def test_a_config_json_with_too_many_values_is_refused_where_the_limit_is_passed() -> None:
    text = '{"model_type": "Image",\n"x": [' + ",".join(["1"] * 30_000) + "]}"
    document, [problem] = load_json(text.encode(), "config.json", 1 << 20)
    assert document is None
    assert (problem.rule, problem.line) == ("MA008", 2)
    assert text.splitlines()[1][problem.column - 1] == "1"


def test_findings_are_capped_per_rule_and_file_with_one_count(run: Run, repo: Path) -> None:
    write(repo, IMPORT, _labels("[" + ",".join(["a"] * 251) + "]"))
    write(repo, "models/demo-model/1.1.0.yaml", _labels("[a, a, a]").replace("1.0.0", "1.1.0"))
    found = _json(run)
    mine = [d for d in found if d["file"] == IMPORT and d["rule"] == "MA204"]
    assert len(mine) == MAX_PER_RULE + 1
    last = mine[-1]
    assert last["message"] == (
        "151 more MA204 findings in this file, from here on, not shown"
        " (at most 100 per rule and file)"
    )
    # 251 findings: "251 labels" at labels[5], and labels[1] to labels[250] appear twice;
    # the first not shown is labels[100]
    assert (last["line"], last["column"]) == (6, len("labels: [") + 1 + 2 * 100)
    other = [d for d in found if d["file"] == "models/demo-model/1.1.0.yaml"]
    assert [d["rule"] for d in other] == ["MA204", "MA204"]  # two labels appear twice


def test_the_cap_counts_only_what_is_reported(run: Run, repo: Path) -> None:
    write(
        repo, IMPORT, _labels("[" + ",".join(["a"] * 120) + "]  # modelarts-gitops: ignore[MA204]")
    )
    assert [d["rule"] for d in _json(run)] == []


def test_capped_keeps_order_and_severity() -> None:
    many = [Diagnostic("f", n, 1, "MA204", Severity.WARNING, "m") for n in range(1, 103)]
    other = Diagnostic("f", 50, 1, "MA201", Severity.ERROR, "n")
    out = capped(sorted([*many, other]))
    assert len(out) == MAX_PER_RULE + 2
    assert out == sorted(out)
    count = next(d for d in out if d.message.startswith("2 more"))
    assert (count.line, count.severity) == (101, Severity.WARNING)
    assert capped(many[:5]) == many[:5]


def test_clip_shows_the_start_and_end_of_a_huge_value() -> None:
    short = "unknown key `x`"
    assert clip(short) == short
    long = "unknown key `" + "k" * 100_000 + "END`"
    shown = clip(long)
    assert len(shown) < MAX_MESSAGE + 40
    assert shown.startswith("unknown key `kkk")
    assert shown.endswith("kEND`")
    assert f"[... {len(long) - 950:,} characters ...]" in shown


def test_a_huge_key_is_reported_without_echoing_it(run: Run, repo: Path) -> None:
    write(repo, IMPORT, GOOD_IMPORT + "? " + "k" * 200_000 + "\n: 1\n")
    [unknown] = [d for d in _json(run) if d["rule"] == "MA101"]
    assert len(str(unknown["message"])) < MAX_MESSAGE + 40


def _boom(spec: Spec) -> Iterator[Finding]:
    yield Finding(("name",), "found before the failure")
    if spec.data.get("version") == "1.0.0":
        raise ZeroDivisionError("division by zero")


def test_a_failing_rule_is_one_located_finding_and_hides_nothing(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        registry.RULES, "MA699", Rule("MA699", "boom", Severity.ERROR, "boom", "import", _boom)
    )
    write(repo, IMPORT, GOOD_IMPORT.replace("A demo model", "A demo & model"))
    write(repo, "models/demo-model/1.1.0.yaml", GOOD_IMPORT.replace('"1.0.0"', '"1.1.0"'))
    found = {(d["file"], d["line"], d["rule"], d["message"]) for d in _json(run)}
    failed = (
        "rule MA699 failed on this file (ZeroDivisionError: division by zero); "
        "its other findings here may be missing"
    )
    assert (IMPORT, 1, "MA699", failed) in found
    assert (IMPORT, 1, "MA699", "found before the failure") in found
    assert any(f[0] == IMPORT and f[2] == "MA203" for f in found)  # other rules still ran
    other = {f for f in found if f[0] == "models/demo-model/1.1.0.yaml"}
    assert other == {("models/demo-model/1.1.0.yaml", 1, "MA699", "found before the failure")}


def test_a_file_is_read_whole_whatever_size_its_stat_gave() -> None:
    """The read asks for the size the stat gave: a file that says less (it grew since, or,
    under /proc, says 0 bytes) is still read to its end, or just past the limit."""
    proc = Path("/proc/self/status")
    if not (proc.is_file() and proc.stat().st_size == 0):
        pytest.skip("needs a regular file that reports no size")
    whole = read_file(proc, "status", 1 << 20)
    assert isinstance(whole, bytes) and whole.startswith(b"Name:") and whole.endswith(b"\n")
    assert len(whole) > 100
    assert read_file(proc, "status", 10) == whole[:11]


def test_a_fifo_put_in_place_of_a_file_after_its_stat_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race between the stat and the open: what was opened is checked again, and the
    open of a FIFO with no writer does not block."""
    regular, fifo = tmp_path / "1.0.0.yaml", tmp_path / "swapped.yaml"
    regular.write_text(GOOD_IMPORT)
    os.mkfifo(fifo)
    real_stat = os.stat
    monkeypatch.setattr(  # the stat still sees the regular file that was there
        encoding.os, "stat", lambda path, *a, **k: real_stat(regular if path == fifo else path)
    )
    found = read_file(fifo, "swapped.yaml", 1 << 20)
    assert isinstance(found, Located)
    assert (found.rule, found.message) == (
        "MA001",
        "not a regular file (a device, a FIFO or a folder)",
    )
    assert read_file(regular, "1.0.0.yaml", 1 << 20) == GOOD_IMPORT.encode()
