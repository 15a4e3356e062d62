"""JSON from outside is refused past 100 levels of nesting, as the ValueError of bad JSON."""

from __future__ import annotations

import json

import pytest

from validator import jsontext


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_text_nested_to_the_limit_is_decoded() -> None:
    assert jsontext.loads(nested(jsontext.MAX_DEPTH)) == json.loads(nested(jsontext.MAX_DEPTH))
    assert jsontext.loads(b'{"a": [{"b": 1}], "c": "[[[[[["}') == {"a": [{"b": 1}], "c": "[[[[[["}


@pytest.mark.parametrize("depth", [jsontext.MAX_DEPTH + 1, 900, 100_000])
@pytest.mark.parametrize("kind", ["list", "object", "bytes"])
def test_deeper_text_is_a_value_error(depth: int, kind: str) -> None:
    text: str | bytes = nested(depth)
    if kind == "object":
        text = '{"a":' * depth + "1" + "}" * depth
    elif kind == "bytes":
        text = nested(depth).encode()
    with pytest.raises(jsontext.TooDeep, match=r"^nested deeper than 100 levels$"):
        jsontext.loads(text)


def test_many_brackets_side_by_side_are_not_depth() -> None:
    wide = "[" + ",".join(["[[1]]"] * 1000) + "]"
    assert len(jsontext.loads(wide)) == 1000


def test_text_that_is_not_json_is_still_a_value_error() -> None:
    with pytest.raises(ValueError):
        jsontext.loads("{not json")
