"""How a registry version compares with its file: which fields differ, which could not be
compared, and a fingerprint of the registry state a plan was made from."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable
from dataclasses import fields

from validator.registry.base import ModelSpec, RegistryModel
from validator.sync.diff import json_or_text

_FIELDS = tuple(f.name for f in fields(ModelSpec))


@functools.lru_cache(maxsize=1 << 16)
def _comparable(spec: ModelSpec) -> dict[str, object]:
    """The fields as compared (shared between calls: never change what it returns)."""
    values: dict[str, object] = {f.name: getattr(spec, f.name) for f in fields(spec)}
    values["install_type"] = sorted(spec.install_type)
    values["description"] = spec.description or None
    values["initial_config"] = json_or_text(spec.initial_config)
    values["workspace_id"] = spec.workspace_id or "0"
    return values


def differences(
    desired: ModelSpec, current: ModelSpec, unknown: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Names of the fields whose meaning differs (config compared as JSON, types as sets).

    Fields in `unknown` (missing or empty in the registry's answer) are not compared.
    """
    if desired == current:
        return ()
    a, b = _comparable(desired), _comparable(current)
    return tuple(name for name in a if a[name] != b[name] and name not in unknown)


def not_compared(desired: ModelSpec, unknown: frozenset[str]) -> set[str]:
    """The unknown fields that hold something in `desired`: comparisons the plan skipped.

    (An empty desired value against an empty answer is no comparison lost.)
    """
    if not unknown:
        return set()
    values = _comparable(desired)
    return {name for name in unknown if values.get(name) not in (None, "", (), [])}


def fingerprint(current: Iterable[RegistryModel]) -> str:
    """Identifies a registry state: ids and content, not the publishing progress.

    The content as the registry spells it: a model id's content never changes, so the same
    state reads the same (no config is parsed for this).
    """
    rows = sorted(
        json.dumps([m.model_id, *(getattr(m.spec, name) for name in _FIELDS)], default=str)
        for m in current
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
