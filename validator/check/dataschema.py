"""The JSON Schemas inside config.json (`apis[].request.data`, `response.data`), checked as schemas.

ModelArts' own examples follow the older drafts (array-form `items`), so a data
schema is checked against draft-07 unless its `$schema` names another draft.
`"type": "file"` is ModelArts' mark for an uploaded file: it is accepted by
checking a copy in which it reads `"string"`. Keys that are no keyword of the
draft are ignored by every validator, so they are found by walking the schema.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.dataschema_gate import compiled_valid
from validator.check.drafts import DRAFTS, Draft, draft_name, draft_of, keywords, names_known_draft
from validator.check.schema import remembered
from validator.diagnostics import TYPE_NAMES, DataPath, dotted, kind_of, suggest

if TYPE_CHECKING:  # jsonschema is imported when a data schema fails, not before
    from jsonschema.exceptions import ValidationError

__all__ = [
    "DRAFTS",
    "Draft",
    "Problem",
    "declares_file",
    "draft_name",
    "draft_of",
    "invalid",
    "keywords",
    "names_known_draft",
    "subschemas",
    "unknown_keywords",
]

FILE = "file"
TYPES = ("string", "number", "integer", "boolean", "object", "array", "null", FILE)

# Where subschemas sit: one schema, a list of schemas, or a mapping of names to schemas.
_ONE = {"additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then"}
_ONE |= {"else", "not", "unevaluatedItems", "unevaluatedProperties", "contentSchema", "items"}
_LIST = {"allOf", "anyOf", "oneOf", "prefixItems", "items", "extends"}
_MAP = {"properties", "patternProperties", "definitions", "$defs", "dependentSchemas"}
_MAP |= {"dependencies"}


class Problem(NamedTuple):
    """A defect at a path inside the data schema."""

    path: DataPath
    message: str
    suggestion: str | None = None


def subschemas(schema: Any, path: DataPath = ()) -> Iterator[tuple[DataPath, dict[str, Any]]]:
    """Every schema object in `schema`, with its path; keys that are no keyword are not entered."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key, value in schema.items():
        if isinstance(value, dict) and key in _ONE:
            yield from subschemas(value, (*path, key))
        elif isinstance(value, list) and key in _LIST:
            for index, item in enumerate(value):
                yield from subschemas(item, (*path, key, index))
        elif isinstance(value, dict) and key in _MAP:
            for name, item in value.items():
                yield from subschemas(item, (*path, key, name))


def declares_file(schema: Any) -> bool:
    """True when some subschema is `"type": "file"` (an upload field)."""
    for _, node in subschemas(schema):
        kind = node.get("type")
        if kind == FILE or (isinstance(kind, list) and FILE in kind):
            return True
    return False


def unknown_keywords(schema: Mapping[str, Any]) -> Iterator[Problem]:
    draft = draft_of(schema)
    known = keywords(draft)
    for path, node in subschemas(schema):
        for key in node:
            if key in known or key.startswith("x-"):
                continue
            message = f"`{key}` is not a {draft_name(draft)} keyword; validators ignore it"
            yield Problem((*path, key), message, suggest(key, sorted(known)))


_MEMO: dict[str, list[Problem]] = {}


def invalid(schema: Mapping[str, Any]) -> list[Problem]:
    """What the draft's metaschema says about the schema; remembered per content."""
    return remembered(_MEMO, schema, _invalid)


@functools.cache
def _checker(draft: Draft) -> Any:
    import jsonschema
    from jsonschema import validators

    cls = getattr(jsonschema, draft.validator)
    meta = validators.validator_for(cls.META_SCHEMA, default=cls)
    return meta(cls.META_SCHEMA, format_checker=meta.FORMAT_CHECKER)


def _invalid(schema: Mapping[str, Any]) -> Iterator[Problem]:
    """One problem per failing place."""
    draft = draft_of(schema)
    checked = _file_as_string(schema)
    if compiled_valid(checked, draft):
        return
    checker = _checker(draft)
    seen: set[Problem] = set()  # 2020-12 reaches one place through several dynamic refs
    for error in checker.iter_errors(checked):
        problem = _explain(_type_name(error) or _best(error), draft)
        if problem not in seen:
            seen.add(problem)
            yield problem


def _best(error: ValidationError) -> ValidationError:
    from jsonschema.exceptions import best_match

    return best_match([error]) or error


def _type_name(error: ValidationError) -> ValidationError | None:
    """The error saying a `type` value is no type name, wherever it sits under `anyOf`."""
    found = [e for e in _descendants(error) if _names_types(e) and isinstance(e.instance, str)]
    return max(found, key=lambda e: len(e.absolute_path), default=None)


def _descendants(error: ValidationError) -> Iterator[ValidationError]:
    yield error
    for child in error.context or []:
        yield from _descendants(child)


def _names_types(error: ValidationError) -> bool:
    allowed = error.validator_value
    return error.validator == "enum" and isinstance(allowed, list) and "object" in allowed


def _explain(error: ValidationError, draft: Draft) -> Problem:
    path: DataPath = tuple(error.absolute_path)
    where = f"`{dotted(path)}`" if path else "the schema"
    if _names_types(error):
        listed = ", ".join(TYPES)
        value = error.instance
        written = value if isinstance(value, str) else json.dumps(value, default=str)
        message = f"{where}: `{written}` is not a JSON Schema type; use one of {listed}"
        return Problem(path, message, suggest(written, TYPES))
    context = error.context or []
    if error.validator == "type" or (context and all(e.validator == "type" for e in context)):
        allowed = [t for e in (context or [error]) for t in _as_list(e.validator_value)]
        wanted = " or ".join(TYPE_NAMES.get(t, t) for t in dict.fromkeys(allowed))
        message = f"{where} must be {wanted}, not {kind_of(error.instance)}"
        hint = None
        if path and path[-1] == "items" and isinstance(error.instance, list):
            hint = f"array-form `items` is `prefixItems` in {draft_name(draft)}, or drop `$schema`"
        return Problem(path, message, hint)
    return Problem(path, f"{where}: {error.message}")


def _file_as_string(node: Any) -> Any:
    """A copy where `"type": "file"` reads `"type": "string"`, for the metaschema."""
    if isinstance(node, list):
        return [_file_as_string(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _file_as_string(value) for key, value in node.items()}
    kind = node.get("type")
    if kind == FILE:
        copy["type"] = "string"
    elif isinstance(kind, list) and FILE in kind:
        copy["type"] = _unique(["string" if t == FILE else t for t in kind])
    return copy


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


def _unique(items: list[Any]) -> list[Any]:
    """Without repeats, in order; the items may be lists or mappings (`[[x], file]`)."""
    out: list[Any] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
