"""A compiled gate in front of the meta-schema check of data schemas (MA418).

jsonschema stays the reference, as for the import schema (`validator/check/schema.py`):
jsonschema-rs checks a data schema against its draft's meta-schema, and a schema it finds
valid has no problem, so jsonschema is neither imported nor run for it. The gate is
trusted only where the two engines cannot differ:

- the meta-schemas give a `format` (checked by jsonschema's format checker, with the
  packages installed) or a `pattern` to the values of `$id`, `id`, `$ref`, `$schema`,
  `$anchor`, `$vocabulary`, `pattern` and the keys of `patternProperties`: a schema that
  uses any of them is given to jsonschema, except a top-level `$schema` naming its draft
  exactly;
- numbers are compared and typed alike only for integers (a float such as `1.0` is an
  integer to one engine and a number to the other, and `1 == 1.0` for `uniqueItems`), so a
  schema holding a float, or anything that is not JSON, is given to jsonschema;
- draft-03, which jsonschema-rs does not know, and draft-04, whose meta-schema it reads
  differently (an empty or repeating `enum` passes), always go to jsonschema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from validator.check.drafts import names_known_draft

if TYPE_CHECKING:
    from validator.check.drafts import Draft

# Keywords whose values the meta-schemas check with `format` or `pattern`.
_FORMATTED = frozenset(
    {"$id", "id", "$ref", "$schema", "$anchor", "$dynamicAnchor", "$dynamicRef"}
    | {"$recursiveRef", "$recursiveAnchor", "$vocabulary", "pattern", "patternProperties"}
)
_MAX_DEPTH = 64  # deeper schemas are jsonschema's (and the conversion's limits are not met)
_INT_LIMIT = 1 << 53


def _plain_json(schema: dict[str, Any]) -> bool:
    """True when `schema` holds only mappings with text keys, lists, text, booleans, None
    and integers of at most 53 bits, no deeper than `_MAX_DEPTH`."""
    stack: list[tuple[Any, int]] = [(schema, 0)]
    while stack:
        value, depth = stack.pop()
        kind = type(value)
        if kind is dict:
            if depth >= _MAX_DEPTH:
                return False
            for key, item in value.items():
                if type(key) is not str:
                    return False
                stack.append((item, depth + 1))
        elif kind is list:
            if depth >= _MAX_DEPTH:
                return False
            stack.extend((item, depth + 1) for item in value)
        elif kind is int:
            if not -_INT_LIMIT < value < _INT_LIMIT:
                return False
        elif kind not in (str, bool, type(None)):
            return False
    return True


def _formatted(schema: dict[str, Any]) -> bool:
    """True when a subschema below the top uses a keyword checked by format or pattern,
    or the top does (but `$schema`)."""
    from validator.check.dataschema import subschemas

    for path, node in subschemas(schema):
        keys = node.keys() - {"$schema"} if not path else node.keys()
        if not _FORMATTED.isdisjoint(keys):
            return True
    return False


def compiled_valid(schema: Any, draft: Draft) -> bool:
    """True when jsonschema-rs finds `schema` (with `"type": "file"` already read as
    `"string"`) valid against `draft`'s meta-schema and that verdict is jsonschema's too;
    False means "ask jsonschema"."""
    if not draft.compiled or not isinstance(schema, dict):
        return False
    if not names_known_draft(schema):  # `draft` is the one the schema names
        return False
    if not _plain_json(schema) or _formatted(schema):
        return False
    try:
        import jsonschema_rs
    except ImportError:
        return False
    try:
        return bool(jsonschema_rs.meta.is_valid({**schema, "$schema": draft.uri}))
    except Exception:  # a schema it cannot take: jsonschema decides
        return False
