"""MA1xx: structure, from `schemas/model-import.schema.json`.

The schema is the single source of structural truth: unknown keys, missing
keys, wrong types, values outside a fixed list, sizes. Fields with a rule of
their own (name, version, image, ...) are reported by that rule instead, with a
more precise message.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.check.registry import declare, rule
from validator.check.subject import Spec
from validator.diagnostics import Finding


@rule("MA101", "no unknown keys")
def schema(spec: Spec) -> Iterator[Finding]:
    """
    Every key must be one the format defines; a misspelt key (`descripton`)
    would otherwise be ignored silently. When a known key is close, the
    message suggests it.
    """
    from validator.check.schema import schema_check

    yield from schema_check("import").findings(spec.data)


declare(
    "MA102",
    "required keys are present",
    """
    `name`, `version`, `source` (with `image`), `deployment_types` and `config`
    are required. The position is the mapping that lacks the key.
""",
)
declare(
    "MA103",
    "values have the right type",
    """
    Each field has one type: `source.copy` is true or false, `labels` a list,
    `config` a path or a mapping, and so on.
""",
)
declare(
    "MA104",
    "values are from the allowed list",
    """
    Fields with a fixed set of values accept only those, spelt exactly;
    a near miss gets a suggestion.
""",
)
declare(
    "MA105",
    "values respect size and range limits",
    """
    Other limits from the schema: list lengths, empty mappings, and the like.
""",
)
