"""The diagnostics, byte for byte, on every fixture and on the generated benchmark repository.

The speed work (compiled schemas, a leaner loader, caches, workers) must not change
a single character of what `validate` prints. `tests/golden/diagnostics.json` holds the
text and JSON output and the exit code of each run; refresh it with
`pytest --update-golden` only when a message is meant to change, and review the diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, Run, load_script

GOLDEN = Path(__file__).parent / "golden" / "diagnostics.json"
FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ("text", "json")
GENERATED_FILES = 600  # above the size at which `validate` starts worker processes
BROKEN_EVERY = 5


def fixture_cases() -> Iterator[tuple[str, list[str]]]:
    files = sorted((FIXTURES / "good").glob("*.yaml")) + sorted((FIXTURES / "bad").glob("*.yaml"))
    for fixture in files:
        yield fixture.relative_to(ROOT).as_posix(), ["--strict"]
    for folder in ("tests/fixtures/good", "tests/fixtures/bad", "models"):
        yield folder, []


def generated_cases() -> Iterator[tuple[str, list[str]]]:
    yield "models", []
    yield "models/model-00034/1.1.0.yaml", []  # renamed: a duplicate of model-00033
    yield "models/model-00033/1.1.0.yaml", []  # the other side, read lightly
    yield "models/model-00001/1.1.0.yaml", ["--strict"]  # a broken file
    yield "models/model-00000/config.json", []  # its users are checked


def _outputs(run: Run, target: str, flags: list[str]) -> dict[str, object]:
    found: dict[str, object] = {}
    for fmt in FORMATS:
        result = run("validate", *flags, "--format", fmt, target)
        found[fmt] = {"code": result.code, "out": result.out}
    return found


def _compare(request: pytest.FixtureRequest, section: str, actual: dict[str, object]) -> None:
    stored: dict[str, dict[str, object]] = (
        json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    )
    if request.config.getoption("--update-golden"):
        stored[section] = actual
        text = json.dumps(stored, indent=1, sort_keys=True, ensure_ascii=False)
        GOLDEN.write_text(text + "\n", encoding="utf-8")
        return
    if section not in stored:
        pytest.fail(f"{GOLDEN.name} has no `{section}`; run pytest --update-golden and review it")
    expected = stored[section]
    assert sorted(actual) == sorted(expected)
    for case, outputs in actual.items():
        assert outputs == expected[case], case


def test_every_fixture_gives_the_recorded_output(
    run: Run, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", "1")
    actual = {
        " ".join([*flags, target]): _outputs(run, target, flags)
        for target, flags in fixture_cases()
    }
    _compare(request, "fixtures", actual)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_generated_repository_gives_the_recorded_output(
    run: Run,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    workers: str,
) -> None:
    """One process and two workers print the same bytes, the ones recorded."""
    load_script("benchmarks/validate.py").generate(tmp_path, GENERATED_FILES, broken=BROKEN_EVERY)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", workers)
    actual = {
        " ".join([*flags, target]): _outputs(run, target, flags)
        for target, flags in generated_cases()
    }
    if workers == "2" and request.config.getoption("--update-golden"):
        return  # recorded from one process; two workers are compared with it
    _compare(request, "generated", actual)
