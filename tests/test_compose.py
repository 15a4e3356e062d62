"""`yaml_compose.compose` is `yaml.compose` with PyYAML's safe loader: the same node tree
(kinds, tags, values, styles, marks) and the same errors, for any text.

It drives libyaml's parser without the loader's constructor and resolver state, and
answers the resolver itself: this holds it to PyYAML's own loaders, C and pure Python.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import example, given

from tests.fuzzing import FUZZ, SEED_IMPORTS, TREES
from tests.test_lazy_positions import FILES, mutated_files
from validator.load import yaml_compose
from validator.load.yaml_compose import compose


def _shape(node: Any, full: bool) -> Any:
    """A node tree as plain tuples: kind, tag, value or children, and with `full` the
    style and the start and end marks (which the pure-Python loader gives its own way)."""
    if node is None:
        return None
    common: tuple[Any, ...] = (type(node).__name__, node.tag)
    if full:
        marks = tuple((m.line, m.column, m.index) for m in (node.start_mark, node.end_mark))
        common += (getattr(node, "style", None), getattr(node, "flow_style", None), marks)
    if isinstance(node, yaml.ScalarNode):
        return (*common, node.value)
    if isinstance(node, yaml.SequenceNode):
        return (*common, [_shape(item, full) for item in node.value])
    return (*common, [(_shape(k, full), _shape(v, full)) for k, v in node.value])


def _outcome(read: Any, raw: bytes, full: bool = True) -> Any:
    try:
        return ("tree", _shape(read(raw), full))
    except yaml.MarkedYAMLError as error:
        marks = [
            (m.line, m.column) if m else None for m in (error.problem_mark, error.context_mark)
        ]
        return ("error", type(error).__name__, error.problem, error.context, marks)
    except yaml.YAMLError as error:
        return ("error", type(error).__name__, str(error))


def assert_same(raw: bytes) -> None:
    ours = _outcome(compose, raw)
    assert ours == _outcome(lambda r: yaml.compose(r, Loader=yaml.CSafeLoader), raw)
    # The tags are the resolver's: as the pure-Python loader gives them, where its parser,
    # which accepts a little less than libyaml, reads the text too.
    python = _outcome(lambda r: yaml.compose(r, Loader=yaml.SafeLoader), raw, full=False)
    if ours[0] == "tree" and python[0] == "tree":
        assert _outcome(compose, raw, full=False) == python


def test_the_thin_composer_serves_when_libyaml_is_there() -> None:
    assert yaml.__with_libyaml__
    assert yaml_compose._Composer is not None


def test_every_yaml_file_of_the_project_composes_alike() -> None:
    assert len(FILES) > 50 and SEED_IMPORTS
    for file in FILES:
        assert_same(file.read_bytes())


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"# only a comment\n",
        b"a: [1, 0x1F, 0o17, 017, 1_000, 1e3, 1.5e+3, .inf, -.NaN, ~, null, Null]\n",
        b"a: [yes, No, on, OFF, y, n, true, False, 2001-12-14, 2001-12-14t21:59:43.10-05:00]\n",
        b"a: [1:20, 190:20:30, '1', \"2\", !!str 3, !!int '4', !custom x, <<, =]\n",
        b"<<: {a: 1}\nb: &x [1]\nc: *x\n",
        b"? [a, b]\n: c\n? {d: e}\n: f\n",
        b"a: |\n  text\n  more\nb: >-\n  folded\n  text\n",
        b"--- a\n--- b\n",
        b"a: [\n",
        b"a:\n\t- b\n",
        b"a: *missing\n",
        b"\xff\xfe",
    ],
)
def test_hand_picked_texts_compose_alike(raw: bytes) -> None:
    assert_same(raw)


@FUZZ
@given(TREES)
@example({"a": [1, "01", "0", 0x10, 1.5, None, True, "yes", "1:20"]})
def test_any_data_dumped_as_yaml_composes_alike(data: Any) -> None:
    for style in (None, False, True):
        assert_same(yaml.safe_dump({"top": data}, default_flow_style=style).encode())


@FUZZ
@given(mutated_files())
def test_mutated_files_compose_alike(raw: bytes) -> None:
    assert_same(raw)
