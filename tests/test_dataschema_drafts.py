"""Data schemas (MA418, MA419) without jsonschema: the drafts' tables, and the compiled gate.

The names, meta-schema ids and keywords of the drafts are written out in
`validator/check/dataschema.py` so that a valid config imports no jsonschema; they must be
jsonschema's. The gate (jsonschema-rs against the meta-schema) must never vouch for a
schema that jsonschema finds invalid, and the problems must be the same with or without it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from validator.check import dataschema, drafts
from validator.check.dataschema_gate import compiled_valid

pytest.importorskip("jsonschema_rs")
jsonschema = pytest.importorskip("jsonschema")


def _reference_keywords(cls: Any) -> frozenset[str]:
    known = set(cls.VALIDATORS) | set(cls.META_SCHEMA.get("properties", {}))
    known |= drafts._ANNOTATIONS
    if cls.__name__ in ("Draft201909Validator", "Draft202012Validator"):
        known |= drafts._VOCABULARIES
    return frozenset(known)


@pytest.mark.parametrize("draft", dataschema.DRAFTS, ids=lambda d: d.name)
def test_the_draft_tables_are_jsonschemas(draft: dataschema.Draft) -> None:
    cls = getattr(jsonschema, draft.validator)
    meta = cls.META_SCHEMA
    assert draft.uri == str(meta.get("$id", meta.get("id", "")))
    assert draft.keywords == _reference_keywords(cls)
    assert jsonschema.validators.validator_for({"$schema": draft.uri}) is cls


@pytest.mark.parametrize(
    "declared",
    [
        "http://json-schema.org/draft-04/schema",
        "http://json-schema.org/draft-06/schema#",
        "HTTP://json-schema.org/draft-07/schema#",
        "https://json-schema.org/draft/2019-09/schema#",
        "https://json-schema.org/draft/2020-12/schema",
        "http://json-schema.org/draft-03/schema#",
        "http://json-schema.org/draft-07/schema#frag",
        "  http://json-schema.org/draft-07/schema",
        "https://example.com/mine",
        "",
    ],
)
def test_draft_of_reads_schema_as_jsonschema_does(declared: str) -> None:
    expected = jsonschema.validators.validator_for(
        {"$schema": declared}, default=jsonschema.Draft7Validator
    )
    assert dataschema.draft_of({"$schema": declared}).validator == expected.__name__


def _config_schemas() -> list[Any]:
    """Every request and response data schema of the fixtures' and examples' configs."""
    found = []
    for file in sorted(ROOT.glob("tests/fixtures/**/*.json")) + sorted(
        ROOT.glob("models/**/*.json")
    ):
        try:
            data = json.loads(file.read_text())
        except (OSError, ValueError):
            continue
        apis = data.get("apis") if isinstance(data, dict) else None
        for api in apis if isinstance(apis, list) else []:
            for side in ("request", "response"):
                body = api.get(side) if isinstance(api, dict) else None
                if isinstance(body, dict) and isinstance(body.get("data"), dict):
                    found.append(body["data"])
    return found


D7 = "http://json-schema.org/draft-07/schema#"
D4 = "http://json-schema.org/draft-04/schema#"
D6 = "http://json-schema.org/draft-06/schema#"
D2019 = "https://json-schema.org/draft/2019-09/schema"
D2020 = "https://json-schema.org/draft/2020-12/schema"
HANDWRITTEN: list[dict[str, Any]] = [
    {"type": "object", "properties": {"image": {"type": "file"}}},
    {"type": "objekt"},
    {"type": ["string", "file"], "minLength": 1},
    {"type": "array", "items": [{"type": "string"}]},
    {"$schema": D2020, "type": "array", "items": [{"type": "string"}]},
    {"$schema": D2020, "prefixItems": [{"type": "string"}], "items": False},
    {"$schema": D4, "required": [], "exclusiveMinimum": True},
    {"$schema": D4, "exclusiveMinimum": 3},
    {"$schema": D4, "enum": []},
    {"$schema": D4, "enum": [1, 1]},
    {"$schema": D6, "enum": [1, 1], "required": []},
    {"$schema": D2019, "dependentRequired": {"a": ["b", "b"]}, "minContains": -1},
    {"$schema": D7, "exclusiveMinimum": True},
    {"required": ["a", "a"]},
    {"enum": [1, True]},
    {"enum": [1, 1.0]},
    {"minLength": 1.0},
    {"minLength": -1},
    {"minLength": 1 << 60},
    {"pattern": "(?P<x>a)"},
    {"pattern": "[a-"},
    {"patternProperties": {"^(?i)a": {}}},
    {"$ref": "#/definitions/x", "definitions": {"x": {"type": "integer"}}},
    {"$id": "not a uri \x00"},
    {"$schema": " http://json-schema.org/draft-07/schema"},
    {"$schema": 7},
    {"properties": {"a": {"type": 5}}, "additionalProperties": {"not": {"type": "null"}}},
    {"dependencies": {"a": ["b", "b"], "c": {"type": "string"}}},
    {"if": {"type": "string"}, "then": {"maxLength": "3"}},
    {"items": {"type": "string"}, "uniqueItems": "yes"},
    {"description": 3, "title": None},
    {1: "non-text key"},
]


def _reference(schema: dict[str, Any]) -> list[Any]:
    draft = dataschema.draft_of(schema)
    checker = dataschema._checker(draft)
    return list(checker.iter_errors(dataschema._file_as_string(schema)))


@pytest.mark.parametrize("schema", _config_schemas() + HANDWRITTEN, ids=repr)
def test_the_gate_vouches_only_for_what_jsonschema_finds_valid(
    schema: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    draft = dataschema.draft_of(schema)
    copy = dataschema._file_as_string(schema)
    if compiled_valid(copy, draft):
        assert _reference(schema) == []
    monkeypatch.setattr(dataschema, "_MEMO", {})
    gated = list(dataschema.invalid(schema))
    monkeypatch.setattr(dataschema, "_MEMO", {})
    monkeypatch.setattr(dataschema, "compiled_valid", lambda *_: False)
    assert gated == list(dataschema.invalid(schema))


def test_a_valid_schema_passes_the_gate() -> None:
    assert compiled_valid(
        {"type": "object", "properties": {"a": {"type": "string"}}}, drafts.DRAFT7
    )


_VALUES = st.one_of(
    st.sampled_from(["string", "file", "objekt", "integer", "array", "object", ""]),
    st.integers(-3, 3),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, width=16),
)
_KEY_NAMES = ["type", "items", "properties", "required", "minLength", "enum", "not", "anyOf"]
_KEY_NAMES += ["prefixItems", "exclusiveMinimum", "additionalProperties", "uniqueItems", "const"]
_KEY_NAMES += ["dependencies", "dependentRequired", "allOf", "oneOf", "contains", "propertyNames"]
_KEY_NAMES += ["if", "then", "maxItems", "multipleOf", "definitions", "$defs", "examples"]
_KEY_NAMES += ["title", "default", "additionalItems", "unevaluatedItems", "deprecated", "readOnly"]
_KEY_NAMES += ["contentMediaType", "minContains", "maximum", "exclusiveMaximum", "minimum"]
_KEYS = st.sampled_from([*_KEY_NAMES, "$schema", "x"])
_SCHEMAS = st.recursive(
    _VALUES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(_KEYS, _SCHEMAS, max_size=4), st.sampled_from([None, D4, D6, D7, D2019, D2020])
)
def test_generated_schemas_are_vouched_for_only_when_valid(
    schema: dict[str, Any], declared: str | None
) -> None:
    if declared is not None:
        schema = {**schema, "$schema": declared}
    elif not isinstance(schema.get("$schema"), str):
        schema.pop("$schema", None)
    draft = dataschema.draft_of(schema)
    if compiled_valid(dataschema._file_as_string(schema), draft):
        assert _reference(schema) == []
