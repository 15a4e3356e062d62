"""A lazily located document is the eagerly built one: data, findings, every position.

`load_yaml(..., lazy=True)` skips the builder's position index for a tree with nothing
unusual in it and reads positions from the tree when asked. Whatever the text, it must
give what the builder gives, lookup by lookup, misses included.
"""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.fuzzing import FUZZ, SEED_IMPORTS, TREES, YAML_PIECES, mutate_text
from validator.diagnostics import DataPath
from validator.load.document import Document
from validator.load.yaml_file import load_yaml
from validator.load.yaml_tree import WALKS, TreePositions

MIB = 1 << 20
FILES = [  # the example models and fixtures, and the project's own YAML files
    *SEED_IMPORTS,
    *sorted(ROOT.glob("*.y*ml")),
    *sorted(ROOT.glob(".github/**/*.y*ml")),
]


def _probes(recorded: list[DataPath]) -> list[DataPath]:
    """The recorded paths and their near misses: a missing key, an index past the end,
    a path through a leaf, a bool and a negative index."""
    found: list[DataPath] = [(), ("nothing here",), (0,)]
    for path in recorded:
        found += [path, (*path, "nothing here"), (*path, 0), (*path, 99)]
        if path and isinstance(path[-1], int):
            found += [(*path[:-1], path[-1] + 1), (*path[:-1], -1), (*path[:-1], True)]
    return found


def assert_same(raw: bytes) -> Document | None:
    eager, eager_problems = load_yaml(raw, "f.yaml", MIB)
    lazy, lazy_problems = load_yaml(raw, "f.yaml", MIB, lazy=True)
    assert lazy_problems == eager_problems
    if eager is None or lazy is None:
        assert lazy is eager
        return None
    assert (lazy.path, lazy.data, lazy.ignores) == (eager.path, eager.data, eager.ignores)
    recorded = list(eager.positions)
    assert sorted(map(repr, lazy.positions)) == sorted(map(repr, recorded))
    assert dict(lazy.raw) == dict(eager.raw)
    for path in _probes(recorded):
        assert lazy.positions.get(path) == eager.positions.get(path), path
        assert lazy.raw.get(path) == eager.raw.get(path), path
        for at in ("value", "key"):
            assert lazy.locate(path, at) == eager.locate(path, at), path
    return lazy


def test_every_yaml_file_of_the_project_reads_alike() -> None:
    assert len(FILES) > 50
    took = 0
    for file in FILES:
        document = assert_same(file.read_bytes())
        took += document is not None and isinstance(document.positions, TreePositions)
    assert took > 20  # the lazy path did serve most of them


@FUZZ
@given(TREES)
@example({"a": [1, "01", "0", 0x10, 1.5, None, True, "yes"], "b": {"c": "d"}})
def test_any_data_dumped_as_yaml_reads_alike(data: Any) -> None:
    for style in (None, False, True):  # block and flow, as dumped
        assert_same(yaml.safe_dump({"top": data}, default_flow_style=style).encode())


@st.composite
def mutated_files(draw: st.DrawFn) -> bytes:
    """One of `FILES`, mutated with YAML's pieces (a strategy other tests share)."""
    file = draw(st.sampled_from(FILES))
    text = mutate_text(draw, file.read_text(encoding="utf-8"), YAML_PIECES)
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(mutated_files())
@example(b"a: 1\na: 2\n")
@example(b"a: yes\n")
@example(b"a: 017\n")
@example(b"a: 0o17\n")
@example(b"a: 1_000\n")
@example(b"a: !!int '7'\n")
@example(b"a: !!int '07'\n")
@example(b"a: 2001-12-14\n")
@example(b"a: 0\nb: -3\nc: +4\n")
@example(b"a: 1e3\nb: .inf\nc: ~\nd: True\n")
@example(b"? [a]\n: b\n1: x\n~: y\n")
@example(b"a: &x [1]\nb: *x\n")
@example(("a:\n" + "".join(" " * n + "- \n" for n in range(1, 70))).encode())
def test_mutated_files_read_alike(raw: bytes) -> None:
    assert_same(raw)


def test_a_lazy_position_is_read_from_the_tree_then_from_the_index() -> None:
    document, _ = load_yaml(b"a:\n  b: [x, 2]\n", "f.yaml", MIB, lazy=True)
    assert document is not None and isinstance(document.positions, TreePositions)
    for _ in range(WALKS + 2):  # walked, then read from the index it builds
        assert document.positions[("a", "b", 1)] == (2, 10, None, None)
        assert document.raw[("a", "b", 1)] == "2"
    assert document.positions._index is not None
