"""JSON Schema validation behind one small interface, with findings a person can act on.

`SchemaCheck` turns jsonschema errors into Findings: one per unknown key (with a
"did you mean"), the best match for `oneOf`/`anyOf`, and nothing for keywords
inside a subschema marked `x-rule` (that rule reports those with a better
message).

jsonschema stays the reference: it alone decides what is reported and how. A compiled
validator (jsonschema-rs, when it can be imported) serves as a gate in front of it: a
document it finds valid has no findings, and only the others are explained by
jsonschema, which is then imported. The gate is trusted only where both engines read the
schemas' patterns alike: Rust's white-space class and `$` differ from Python's on control characters
and on separators other than the space, so a document holding such a character where a
pattern can read it is always given to jsonschema.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from validator.diagnostics import TYPE_NAMES, DataPath, Finding, dotted, kind_of, suggest
from validator.schemas import load_schema

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


def compiled_gate(schema: Mapping[str, Any]) -> Callable[[Any], bool] | None:
    """jsonschema-rs's `is_valid` for the schema, or None when it cannot serve."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    try:
        compiled = jsonschema_rs.validator_for(dict(schema), validate_formats=False)
    except Exception:  # a schema it does not support: jsonschema alone then
        return None
    is_valid: Callable[[Any], bool] = compiled.is_valid
    return is_valid


def plain(value: Any) -> bool:
    """True when every string in `value` (keys too) holds printable characters only, and no
    backslash: then the only white space in it is the space, which both engines' patterns
    read alike.

    One C-speed `repr` answers it: it escapes, with a backslash, exactly the characters
    `str.isprintable` refuses (and a backslash itself), and writes numbers, booleans and
    None without one. A string holding both kinds of quote gets a backslash too, and goes
    to jsonschema: slower, never wrong.
    """
    try:
        return "\\" not in repr(value)
    except (ValueError, RecursionError):  # an integer past the digit limit, deep nesting
        return False


# Keywords of a schema that apply no subschema to its instance, nor to its properties'
# values but through `properties` (with `additionalProperties` true or false).
_LOCAL = {"$schema", "$id", "$comment", "title", "description", "type", "required", "properties"}
_LOCAL |= {"additionalProperties"}  # when true or false (checked)
# Keywords that let a pattern read a string, or lead to a schema not seen here.
_PATTERNS = {"pattern", "patternProperties", "propertyNames", "$ref", "$dynamicRef"}


def unpatterned(schema: Mapping[str, Any]) -> frozenset[str]:
    """The top-level properties of `schema` whose values no pattern reads.

    Only patterns need `plain` text (see the module's docstring), so the gate leaves the
    values of these out of that check: a config written inline is most of an import,
    and the import schema takes any mapping there. None unless every keyword at the top
    is plain structure, so that nothing else reaches those values.
    """
    if any(k not in _LOCAL and not k.startswith("x-") for k in schema):
        return frozenset()
    if not isinstance(schema.get("additionalProperties", True), bool):
        return frozenset()
    properties = schema.get("properties", {})
    return frozenset(k for k, sub in properties.items() if not _patterned(sub))


def _patterned(schema: Any) -> bool:
    if isinstance(schema, dict):
        return any(k in _PATTERNS or _patterned(v) for k, v in schema.items())
    if isinstance(schema, list):
        return any(map(_patterned, schema))
    return False


class SchemaCheck:
    """One compiled validator per schema; `rules` maps error kinds to rule ids."""

    def __init__(self, schema: Mapping[str, Any], rules: Mapping[str, str]) -> None:
        self.schema = schema
        self.rules = rules
        self.gate = compiled_gate(schema)
        self.unpatterned = unpatterned(schema)
        self._validator: Validator | None = None

    @property
    def validator(self) -> Validator:
        """The reference validator, built (and jsonschema imported) on first need."""
        if self._validator is None:
            from jsonschema import Draft202012Validator

            self._validator = Draft202012Validator(self.schema)
        return self._validator

    def passes_gate(self, instance: Any, shown: str | None = None) -> bool:
        """True when the compiled validator vouches that `instance` has no errors.

        `shown` is `repr(instance)` when the caller has it (a memo's key): the text
        check then reads it rather than making it again.
        """
        if self.gate is None:
            return False
        read = instance
        if self.unpatterned and type(instance) is dict:  # keys, and what patterns can see
            read = [
                item if item[0] not in self.unpatterned else item[0] for item in instance.items()
            ]
        clean = "\\" not in shown if shown is not None and read is instance else plain(read)
        if not clean:
            return False
        try:
            return self.gate(instance)
        except Exception:  # a value it cannot take (a huge integer): ask jsonschema
            return False

    def findings(self, instance: Any, shown: str | None = None) -> Iterator[Finding]:
        if self.passes_gate(instance, shown):
            return
        for error in self.validator.iter_errors(instance):
            yield from self._explain(error)

    @staticmethod
    def _owned_by_rule(error: ValidationError) -> bool:
        """A keyword in a subschema marked `x-rule` is reported by that rule instead.

        Except a null value (`name:` left empty): the rules check only values that are
        there, so the schema reports it as a wrong type.
        """
        if error.validator == "type" and error.instance is None:
            return False
        return isinstance(error.schema, Mapping) and "x-rule" in error.schema

    def _explain(self, error: ValidationError) -> Iterator[Finding]:
        if self._owned_by_rule(error):
            return
        path: DataPath = tuple(error.absolute_path)
        name = f"`{dotted(path)}`" if path else "the document"
        keyword = error.validator
        if keyword in ("oneOf", "anyOf"):
            yield from self._alternatives(error, path, name)
        elif keyword == "additionalProperties":
            schema = error.schema if isinstance(error.schema, Mapping) else {}
            known = schema.get("properties", {})
            instance: Mapping[str, Any] = error.instance  # type: ignore[assignment]
            for key in sorted(set(instance) - set(known)):
                yield Finding(
                    (*path, key),
                    f"unknown key `{key}`",
                    suggest(key, known),
                    "key",
                    rule=self.rules["unknown"],
                )
        elif keyword == "required":
            missing = str(error.message).split("'")[1]
            where = f" in `{dotted(path)}`" if path else ""
            yield Finding(
                path, f"missing required key `{missing}`{where}", rule=self.rules["required"]
            )
        elif keyword == "type":
            expected = error.validator_value
            wanted = " or ".join(TYPE_NAMES.get(t, t) for t in _as_list(expected))
            message = f"{name} must be {wanted}, not {kind_of(error.instance)}"
            yield Finding(path, message, rule=self.rules["type"])
        elif keyword in ("enum", "const"):
            allowed = _as_list(error.validator_value)
            listed = ", ".join(f"`{a}`" for a in allowed)
            value = error.instance
            written = value if isinstance(value, str) else json.dumps(value, default=str)
            message = f"{name} `{written}` is not allowed; use one of {listed}"
            hint = suggest(str(error.instance), allowed)
            yield Finding(path, message, hint, rule=self.rules["enum"])
        else:
            # A schema can say in words what its pattern means (`x-message`).
            said = error.schema.get("x-message") if isinstance(error.schema, Mapping) else None
            message = f"{name} {said}" if said else f"{name}: {error.message}"
            yield Finding(path, message, rule=self.rules["constraint"])

    def _alternatives(self, error: ValidationError, path: DataPath, name: str) -> Iterator[Finding]:
        if error.context and all(e.validator == "type" for e in error.context):
            kinds = [t for e in error.context for t in _as_list(e.validator_value)]
            wanted = " or ".join(TYPE_NAMES.get(k, k) for k in kinds)
            message = f"{name} must be {wanted}, not {kind_of(error.instance)}"
            yield Finding(path, message, rule=self.rules["type"])
            return
        # A branch whose type matched says more than "must be a mapping" from another branch.
        from jsonschema.exceptions import best_match

        context = error.context or []
        best = best_match([e for e in context if e.validator != "type"] or context)
        if best is None:
            yield Finding(path, f"{name}: {error.message}", rule=self.rules["constraint"])
        else:
            yield from self._explain(best)


MEMO_SIZE = 4096
T = TypeVar("T")


def memo_key(value: Any) -> str | None:
    """A key equal for equal JSON content (and for nothing else), or None if not JSON
    (checked at the top: the loaders give JSON types throughout).

    `repr` of JSON data is that key, one C call cheaper than a canonical dump: it tells
    `1` from `1.0` and `true`, and quotes text unambiguously. The same content with keys
    in another order gets another key, which only costs a second computation.
    """
    if not _json_like(value):
        return None
    try:
        return repr(value)
    except (ValueError, RecursionError):  # an integer past the digit limit, deep nesting
        return None


def _json_like(value: Any) -> bool:
    return type(value) in _JSON_TYPES


_JSON_TYPES = {dict, list, str, int, float, bool, type(None)}


def remembered(
    memo: dict[str, list[T]], value: Any, compute: Callable[[Any], Iterable[T]]
) -> list[T]:
    """`compute(value)`, kept per JSON content in `memo` (emptied when it is full)."""
    key = memo_key(value)
    if key is None:
        return list(compute(value))
    if key not in memo:
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = list(compute(value))
    return memo[key]


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else [value]


STRUCTURE_RULES = {
    "unknown": "MA101",
    "required": "MA102",
    "type": "MA103",
    "enum": "MA104",
    "constraint": "MA105",
}


@functools.cache
def schema_check(name: str) -> SchemaCheck:
    """The compiled check for a schema in `schemas/`, built once per process."""
    return SchemaCheck(load_schema(name), STRUCTURE_RULES)
