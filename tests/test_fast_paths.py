"""Shortcuts taken for the common text agree with the full check they stand in for."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from validator.check.rules.identity import NAME_CHAR, name_text
from validator.diagnostics import Located
from validator.load import json_file
from validator.load.document import Document, Position, display
from validator.load.encoding import MAX_VALUES
from validator.load.json_file import load_json
from validator.load.json_scan import MAX_DEPTH, Scanner
from validator.report.escape import _escape, _pattern, json_safe, visible

# Every kind of character the patterns treat apart: C0, tab, CR/LF, DEL, C1, the bidi
# controls, the JSON line separators, lone surrogates, CJK, and the rest of Unicode.
_SPECIAL = "\x00\x07\t\n\r\x1b\x7f\x85\x9f\u202a\u202e\u2066\u2069\u2028\u2029\ud800\udfff"
_TEXT = st.text(
    st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.sampled_from(_SPECIAL),
        st.sampled_from("\u3400\u4dbf\u4e00\u9fff\u00e9"),
        st.characters(),
    ),
    max_size=40,
)


@given(_TEXT)
@example("plain text: a-b_c 1.0")
@example("tab\there")
def test_visible_is_the_escape_of_every_control_character(text: str) -> None:
    assert visible(text) == _pattern("control").sub(_escape, text)
    assert visible(text, lines=True) == _pattern("lines").sub(_escape, text)


@given(_TEXT)
@example('{"a": "b\x7f"}')
def test_json_safe_escapes_what_it_did(text: str) -> None:
    expected = _pattern("json").sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    assert json_safe(text) == expected


@given(_TEXT)
@example("demo-model_2")
@example("模型-1")
@example("bad name!")
def test_name_text_is_every_character_a_name_character(name: str) -> None:
    assert name_text(name) == (re.fullmatch(NAME_CHAR + "*", name) is not None)


# A config's positions are scanned on first lookup only: they must be the ones the scan
# made for every file when it was eager.
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


def _scanned(text: str) -> dict[tuple[str | int, ...], Position]:
    scanner = Scanner(text, "config.json")
    scanner.value((), *scanner.start())
    return scanner.positions


@given(st.dictionaries(st.text(max_size=4), _JSON), st.sampled_from([None, 0, 1, 2, "\t"]))
def test_positions_read_later_are_the_ones_the_scan_finds(
    data: dict[str, Any], indent: Any
) -> None:
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    document, problems = load_json(text.encode(), "config.json", 1 << 20)
    assert document is not None and problems == []
    assert document.data == data
    assert not isinstance(document.positions, dict)  # not scanned yet
    assert dict(document.positions) == _scanned(text)


def _nested(depth: int) -> str:
    return '{"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"


@pytest.mark.parametrize(
    "text",
    [
        _nested(MAX_DEPTH),  # the deepest container at MAX_DEPTH - 1 levels down: fine
        _nested(MAX_DEPTH + 1),  # one level more: stopped
        '{"a": [' + ",".join(["1"] * (MAX_VALUES - 2)) + "]}",  # MAX_VALUES values
        '{"a": [' + ",".join(["1"] * (MAX_VALUES - 1)) + "]}",  # one value too many
        '{"a": 1, "a": 2}',  # a repeated key: reported by the scan
        '{"x": {' + ", ".join([f'"k{i}": {{}}' for i in range(70)]) + "}}",  # many, shallow
    ],
)
def test_a_config_near_the_limits_is_read_as_by_the_eager_scan(text: str) -> None:
    """Where the text might stop the scan, the scan runs at once, as before."""
    raw = text.encode()
    document, problems = load_json(raw, "config.json", 1 << 22)
    eager = _eager(raw)
    assert (document is None) == (eager[0] is None)
    assert problems == eager[1]
    if document is not None and eager[0] is not None:
        assert dict(document.positions) == dict(eager[0].positions)


def _eager(raw: bytes) -> tuple[Document | None, list[Located]]:
    saved = json_file.within_limits
    json_file.within_limits = lambda text, data: False
    try:
        return load_json(raw, "config.json", 1 << 22)
    finally:
        json_file.within_limits = saved


_PARTS = st.sampled_from(["models", "m", "..", ".", "..x", "", "1.0.0.yaml", "a b"])


@given(
    parts=st.lists(_PARTS, max_size=6),
    rooted=st.booleans(),
    here=st.sampled_from([".", "models", "models/m"]),
)
@example(parts=["..", "models", "m", "1.0.0.yaml"], rooted=False, here="models")
@example(parts=[".", ""], rooted=False, here=".")
def test_display_is_the_path_relative_to_the_working_directory(
    parts: list[str], rooted: bool, here: str
) -> None:
    """What `display` shows is what `os.path.relpath` makes of the absolute path, unless
    that climbs out of the working directory: then the absolute path itself."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "models" / "m").mkdir(parents=True)
        with contextlib.chdir(Path(folder) / here):
            text = ("/" if rooted else "") + "/".join(parts)
            absolute = os.path.abspath(text)
            relative = os.path.relpath(absolute, os.getcwd())
            expected = absolute if relative.startswith("..") else relative
            assert display(Path(text)) == expected
            assert display(text) == expected  # type: ignore[arg-type]
