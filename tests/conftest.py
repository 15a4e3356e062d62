"""Shared test parts: the CLI called in-process, and real git repositories in temp dirs."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import git
import pytest

from validator.cli import main

ROOT = Path(__file__).resolve().parent.parent


def load_script(relative: str) -> ModuleType:
    """A script of this repository (under benchmarks/ or scripts/) loaded by its path."""
    path = ROOT / relative
    name = f"_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """`run("validate", "models")` calls `main()` and captures what it printed."""

    def call(*args: str) -> Result:
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty git repository as the working directory."""
    root = tmp_path / "repo"
    root.mkdir()
    with git.Repo.init(root) as created, created.config_writer() as config:
        config.set_value("user", "name", "Test")
        config.set_value("user", "email", "test@example.com")
    monkeypatch.chdir(root)
    yield root


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD_IMPORT = """\
name: demo-model
version: "1.0.0"
description: A demo model
source:
  image: swr.eu-de.otc.t-systems.com/ml-team/demo@sha256:{digest}
deployment_types: [real-time]
config:
  model_algorithm: image_classification
  model_type: Image
  apis:
    - url: /predict
      method: post
      request:
        Content-type: application/json
        data: {{type: object, properties: {{image_url: {{type: string}}}}}}
      response:
        Content-type: application/json
        data: {{type: object, properties: {{label: {{type: string}}}}}}
  health:
    url: /health
    protocol: http
    initial_delay_seconds: 10
    timeout_seconds: 5
""".format(digest="a" * 64)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the current output (review the diff)",
    )
