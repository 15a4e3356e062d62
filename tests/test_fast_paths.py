"""Shortcuts taken for the common text agree with the full check they stand in for."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from validator.check.rules.identity import NAME_CHAR, name_text
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
