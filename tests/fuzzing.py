"""Shared parts of the property tests: seeds, mutating strategies, and what must always hold.

Every generated input goes through the real pipeline (load, every rule, every
reporter) in a real git work tree. Whatever the input, validation returns
diagnostics with a line and column, from registered rules, with no rule failing;
every format renders to valid UTF-8; human-readable formats carry no raw control
character; and the github format emits no line the Actions runner would read as
a workflow command, except its own annotations.

The number of examples per test is bounded for CI; set
`MODELARTS_GITOPS_HYPOTHESIS_EXAMPLES` for a longer run.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from validator.check.registry import RULES
from validator.check.run import collect_files, validate
from validator.diagnostics import Diagnostic
from validator.report import FORMATS, reporter
from validator.settings import Settings

EXAMPLES = int(os.environ.get("MODELARTS_GITOPS_HYPOTHESIS_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the work tree
    derandomize=os.environ.get("CI") == "true",  # CI runs the same examples every time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEED_IMPORTS = [
    *sorted((ROOT / "models").rglob("*.yaml")),
    *sorted(ROOT.glob("tests/fixtures/**/*.yaml")),
]
SEED_CONFIGS = [
    p
    for p in [
        *sorted(ROOT.glob("tests/fixtures/**/*.json")),
        *sorted(ROOT.glob("models/*/config.json")),
    ]
    if p.is_file()
]

# Text that has broken parsers, loaders, rules or terminals before.
HOSTILE_TEXT = [
    "\x00",
    "\x1b]0;pwned\x07",
    "\x1b[2J",
    "\x9b",
    "\x7f",
    "\u202e",
    "\ud800",
    "\r",
    "\n",
    "\t",
    "::error::x",
    "##[stop-commands]",
    "%0A",
    "..",
    "../..",
    "/etc/passwd",
    "~",
    "a" * 300,
    "9" * 4301,
    "1." * 50,
    "!!bool",
    "!!int",
    "&a",
    "*a",
    "<<",
    "{",
    "[",
    "'",
    '"',
    "\\",
    "MA999",
    "ignore[MA3O5]",
    "# modelarts-gitops: ignore[MA2,MA-1]",
    "😀",
    "图像",
]
SCALARS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(HOSTILE_TEXT),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(
            st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE_TEXT)), children, max_size=6
        ),
    ),
    max_leaves=25,
)
# Pieces of YAML syntax to splice into text, so mutations reach deep into the loader.
YAML_PIECES = [
    ": ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "!!bool maybe",
    "!!int",
    "!!float",
    "!!str",
    "!!binary x",
    "!!python/object:os.system",
    "&a ",
    "*a",
    "<<: ",
    "\t",
    '"',
    "'",
    "\\u",
    "\\ud800",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "# ",
    "? ",
    "|\n",
    ">-\n",
    "\r",
    "\n",
    "  ",
    "0b_",
    "0x",
    "1e400",
    ".nan",
    "yes",
    "~",
    "\x00",
    "\x1b",
    "\ufeff",
    "\x85",
]


def mutate_text(draw: st.DrawFn, text: str, pieces: list[str]) -> str:
    """A few edits: insert a piece, delete a range, repeat a range, or swap in hostile text."""
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            text = text[:at] + draw(st.sampled_from(pieces)) + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == 2:
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:end] + text[at:end] * draw(st.integers(1, 3)) + text[end:]
        else:
            text = text[:at] + draw(st.sampled_from(HOSTILE_TEXT)) + text[at:]
    return text


def replace_at(draw: st.DrawFn, data: Any, depth: int = 0) -> Any:
    """The tree with one value, at a path chosen as it is walked, replaced or extended."""
    if isinstance(data, dict) and data and draw(st.integers(0, 3)):
        key = draw(st.sampled_from(sorted(data, key=str)))
        return {**data, key: replace_at(draw, data[key], depth + 1)}
    if isinstance(data, list) and data and draw(st.integers(0, 3)):
        index = draw(st.integers(0, len(data) - 1))
        return [*data[:index], replace_at(draw, data[index], depth + 1), *data[index + 1 :]]
    if isinstance(data, dict) and draw(st.booleans()):
        return {
            **data,
            draw(st.one_of(st.text(max_size=10), st.sampled_from(HOSTILE_TEXT))): draw(TREES),
        }
    return draw(TREES)


def seed_tree(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return {}


def make_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git.Repo.init(root).close()
    return root


def reset(root: Path) -> None:
    """An empty models folder, and no settings file, before the next example."""
    for folder in (root / "models",):
        if folder.exists():
            for path in sorted(folder.rglob("*"), reverse=True):
                path.unlink() if not path.is_dir() or path.is_symlink() else path.rmdir()
    (root / "models/demo-model").mkdir(parents=True, exist_ok=True)
    (root / ".modelarts-gitops.yaml").unlink(missing_ok=True)


_RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def check_everything(root: Path, settings: Settings | None = None) -> list[Diagnostic]:
    """Validate the models folder and render every format; assert what must always hold."""
    settings = settings or Settings(root=root.resolve())
    files = collect_files([root / settings.models_dir], settings)
    diagnostics = validate(files, settings)
    for d in diagnostics:
        assert d.line >= 1 and d.column >= 1, d
        assert d.rule in RULES, d
        assert "failed on this file" not in d.message, d
    for name in FORMATS:
        out = io.StringIO()
        reporter(name)(diagnostics, len(files), out, checked=[str(f) for f in files])
        _check_output(name, out.getvalue())
    return diagnostics


def _check_output(name: str, text: str) -> None:
    text.encode("utf-8")  # strict: a lone surrogate would fail here
    if name in ("json", "sarif", "gitlab"):
        json.loads(text)
        assert not _RAW_CONTROL.search(text), name
        return
    assert not _RAW_CONTROL.search(text), (name, _RAW_CONTROL.search(text))
    if name == "github":
        for line in text.splitlines():
            assert "##[" not in line, line
            if line.lstrip().startswith("::"):
                assert re.match(r"::(error|warning|notice) (file=|title=modelarts-gitops::)", line)


def write_text(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


Writer = Callable[[Path], None]
