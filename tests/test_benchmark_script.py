"""The benchmark's own checks: its verdicts, and the warning about a package run uncompiled."""

from __future__ import annotations

import py_compile
import sys
from pathlib import Path

import pytest

from tests.conftest import load_script

bench = load_script("benchmarks/validate.py")


def test_a_module_without_bytecode_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "benchpkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    source = package / "hot.py"
    source.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "benchpkg", raising=False)

    warning = bench.uncompiled("benchpkg.hot")
    assert warning is not None
    assert warning.startswith("warning: benchpkg.hot has no bytecode")
    assert "pip install ." in warning

    py_compile.compile(str(source), doraise=True)  # what `pip install .` does for every module
    assert bench.uncompiled("benchpkg.hot") is None


def test_a_module_that_is_not_python_source_is_not_flagged() -> None:
    assert bench.uncompiled("sys") is None  # built in: no source, nothing to compile
    assert bench.uncompiled("no_such_module_for_the_benchmark") is None


def test_verdicts_say_met_and_not_met() -> None:
    lines = bench.verdicts(
        {"full run, default workers": 0.143, "full run, one process": 0.235},
        {"10000 imports, one process": 70.0},
    )
    assert "  full run, default workers: ratio 0.143 <= 0.1: NOT met" in lines
    assert "  full run, one process: ratio 0.235 <= 0.25: met" in lines
    assert (
        "  one file, 4-import repository: ratio <= 0.5: not measured (no check-jsonschema)" in lines
    )
    assert "  peak RSS, 10000 imports, one process: 70.0 MiB <= 64: NOT met" in lines
