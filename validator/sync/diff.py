"""A conflict field by field, named by paths of the import file (`config.health.timeout_seconds`).

The registry's value comes first, then the file's, as in `30 -> 77`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from validator import jsontext
from validator.registry.base import ModelSpec

ABSENT = "(absent)"
# ModelSpec field -> where the import file says it.
FILE_PATH = {
    "source_location": "source.image",
    "source_copy": "source.copy",
    "model_type": "config.model_type",
    "install_type": "deployment_types",
    "model_docs": "docs",
    "model_algorithm": "config.model_algorithm",
    "initial_config": "config",
}


@dataclass(frozen=True, slots=True)
class Diff:
    path: str
    current: str  # JSON text, or ABSENT
    desired: str


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=list)


def json_or_text(text: str | None) -> Any:
    """A config as data; a registry may hand back text that is not JSON, kept as it is."""
    if not text:
        return None
    try:
        return jsontext.loads(text)
    except ValueError:
        return text


def _walk(path: str, current: Any, desired: Any) -> Iterator[Diff]:
    if current == desired:
        return
    if isinstance(current, dict) and isinstance(desired, dict):
        for key in sorted(set(current) | set(desired), key=str):
            here = f"{path}.{key}"
            if key not in current:
                yield Diff(here, ABSENT, _text(desired[key]))
            elif key not in desired:
                yield Diff(here, _text(current[key]), ABSENT)
            else:
                yield from _walk(here, current[key], desired[key])
        return
    if isinstance(current, list) and isinstance(desired, list) and len(current) == len(desired):
        for index, (a, b) in enumerate(zip(current, desired, strict=True)):
            yield from _walk(f"{path}[{index}]", a, b)
        return
    yield Diff(path, _text(current), _text(desired))


def field_diff(desired: ModelSpec, current: ModelSpec, names: tuple[str, ...]) -> tuple[Diff, ...]:
    """The differences of the fields `names` (those `differences()` found), leaf by leaf."""
    out: list[Diff] = []
    for name in names:
        path = FILE_PATH.get(name, name)
        a, b = getattr(current, name), getattr(desired, name)
        if name == "initial_config":
            a, b = json_or_text(a), json_or_text(b)
        elif name == "install_type":
            a, b = sorted(a), sorted(b)
        out.extend(_walk(path, a, b))
    return tuple(out)
