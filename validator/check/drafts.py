"""The JSON Schema drafts a data schema may name in `$schema`, without importing a validator.

The names, meta-schema ids and keywords of jsonschema's draft classes are written out here,
so that naming a data schema's draft and its keywords (MA418, MA419) costs no import:
tests/test_dataschema_drafts.py compares them with jsonschema's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import urlsplit

# Keywords that no draft's validator class lists: annotations, the `if` branches, and `$defs`
# (a `$ref` into it works in every draft, so older schemas use it too).
_ANNOTATIONS = {"$schema", "$comment", "title", "description", "default", "examples", "readOnly"}
_ANNOTATIONS |= {"writeOnly", "then", "else", "$defs"}
_VOCABULARIES = {"$anchor", "$vocabulary", "$dynamicAnchor", "$recursiveAnchor", "$id"}
_VOCABULARIES |= {"deprecated", "contentEncoding", "contentMediaType", "contentSchema"}
_VOCABULARIES |= {"maxContains", "minContains"}
# The keywords of each draft's validator class and meta-schema properties (jsonschema 4's).
_COMMON = {"$ref", "additionalItems", "additionalProperties", "dependencies", "enum"}
_COMMON |= {"exclusiveMaximum", "exclusiveMinimum", "format", "items", "maxItems", "maxLength"}
_COMMON |= {"maximum", "minItems", "minLength", "minimum", "pattern", "patternProperties"}
_COMMON |= {"properties", "required", "type", "uniqueItems"} | _ANNOTATIONS
_DRAFT4 = _COMMON | {"id", "allOf", "anyOf", "oneOf", "not", "definitions", "multipleOf"}
_DRAFT4 |= {"maxProperties", "minProperties"}
_DRAFT6 = (_DRAFT4 - {"id"}) | {"$id", "const", "contains", "propertyNames"}
_DRAFT7 = _DRAFT6 | {"if", "contentEncoding", "contentMediaType"}
_DRAFT2019 = _DRAFT7 | _VOCABULARIES | {"$recursiveRef", "dependentRequired"}
_DRAFT2019 |= {"dependentSchemas", "unevaluatedItems", "unevaluatedProperties"}


class Draft(NamedTuple):
    """A JSON Schema draft, as a data schema's `$schema` names it."""

    name: str  # how messages name it: `draft-07`, `draft 2020-12`
    validator: str  # jsonschema's class for it
    uri: str  # its meta-schema's id
    keywords: frozenset[str]
    compiled: bool  # jsonschema-rs checks against the same meta-schema as jsonschema


DRAFTS = (
    Draft(
        "draft-03",
        "Draft3Validator",
        "http://json-schema.org/draft-03/schema#",
        frozenset(_COMMON | {"id", "disallow", "divisibleBy", "extends"}),
        False,
    ),
    Draft(
        "draft-04",
        "Draft4Validator",
        "http://json-schema.org/draft-04/schema#",
        frozenset(_DRAFT4),
        False,  # jsonschema-rs's draft-04 meta-schema lets `"enum": []` and repeats pass
    ),
    Draft(
        "draft-06",
        "Draft6Validator",
        "http://json-schema.org/draft-06/schema#",
        frozenset(_DRAFT6),
        True,
    ),
    Draft(
        "draft-07",
        "Draft7Validator",
        "http://json-schema.org/draft-07/schema#",
        frozenset(_DRAFT7),
        True,
    ),
    Draft(
        "draft 2019-09",
        "Draft201909Validator",
        "https://json-schema.org/draft/2019-09/schema",
        frozenset(_DRAFT2019),
        True,
    ),
    Draft(
        "draft 2020-12",
        "Draft202012Validator",
        "https://json-schema.org/draft/2020-12/schema",
        frozenset((_DRAFT2019 - {"additionalItems"}) | {"$dynamicRef", "prefixItems"}),
        True,
    ),
)
DRAFT7 = DRAFTS[3]
# As jsonschema looks a `$schema` up: by its URI normalised with `urlsplit(...).geturl()`.
_BY_URI = {urlsplit(d.uri).geturl(): d for d in DRAFTS}


def draft_name(draft: Draft) -> str:
    """How messages name a draft: `draft-07`, `draft 2020-12`."""
    return draft.name


def draft_of(schema: Mapping[str, Any]) -> Draft:
    """The draft the schema names in `$schema`, draft-07 when it names none (or none we know)."""
    declared = schema.get("$schema")
    if not isinstance(declared, str):
        return DRAFT7
    return _BY_URI.get(urlsplit(declared).geturl(), DRAFT7)


def names_known_draft(schema: Mapping[str, Any]) -> bool:
    declared = schema.get("$schema")
    if declared is None:
        return True
    meta_id = draft_of(schema).uri
    return isinstance(declared, str) and declared.rstrip("#") == meta_id.rstrip("#")


def keywords(draft: Draft) -> frozenset[str]:
    return draft.keywords
