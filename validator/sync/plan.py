"""Desired + current -> plan: a pure function, tested with plain values.

Models are immutable per (name, version), so a plan only creates and deletes.
A version that exists with other content is a conflict: never overwritten
silently; `--replace` turns it into a delete and a create unless a service uses
it. Deletions need `--prune` and touch only names this repository owns.
"""

from __future__ import annotations

import enum
import fnmatch
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status

Key = tuple[str, str]
BROKEN = {Status.FAILED, Status.BUILDING_FAILED}


class Action(enum.StrEnum):
    CREATE = "create"
    REPLACE = "replace"
    DELETE = "delete"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class Change:
    action: Action
    name: str
    version: str
    desired: ModelSpec | None = None
    current: RegistryModel | None = None
    fields: tuple[str, ...] = ()  # what differs, for a conflict or a replace
    note: str | None = None
    provenance: Provenance | None = None  # where a created model comes from


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[Change, ...]
    unchanged: int
    state: str  # fingerprint of the registry state the plan was made from
    owned: tuple[str, ...] = ()  # names declared by the repository when the plan was made
    owns: tuple[str, ...] = ()  # extra owned name patterns (the `owns:` setting)
    prune: bool = False
    kept: tuple[Key, ...] = ()  # owned versions missing from models/, kept without --prune
    uncompared: tuple[str, ...] = ()  # fields some registry answers lacked: not compared

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


def owned(name: str, declared: set[str], owns: Sequence[str]) -> bool:
    return name in declared or any(fnmatch.fnmatchcase(name, p) for p in owns)


def _comparable(spec: ModelSpec) -> dict[str, object]:
    values: dict[str, object] = {f.name: getattr(spec, f.name) for f in fields(spec)}
    values["install_type"] = sorted(spec.install_type)
    values["description"] = spec.description or None
    values["initial_config"] = _json_or_text(spec.initial_config)
    values["workspace_id"] = spec.workspace_id or "0"
    return values


def _json_or_text(text: str | None) -> object:
    """A config as data; a registry may hand back text that is not JSON, kept as it is."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def differences(
    desired: ModelSpec, current: ModelSpec, unknown: frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """Names of the fields whose meaning differs (config compared as JSON, types as sets).

    Fields in `unknown` (missing or empty in the registry's answer) are not compared.
    """
    a, b = _comparable(desired), _comparable(current)
    return tuple(name for name in a if a[name] != b[name] and name not in unknown)


def not_compared(desired: ModelSpec, unknown: frozenset[str]) -> set[str]:
    """The unknown fields that hold something in `desired`: comparisons the plan skipped.

    (An empty desired value against an empty answer is no comparison lost.)
    """
    values = _comparable(desired)
    return {name for name in unknown if values.get(name) not in (None, "", (), [])}


def fingerprint(current: Iterable[RegistryModel]) -> str:
    """Identifies a registry state: ids and content, not the publishing progress."""
    rows = sorted(
        json.dumps([m.model_id, _comparable(m.spec)], sort_keys=True, default=str) for m in current
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


def owned_models(
    current: Iterable[RegistryModel], declared: Iterable[str], owns: Sequence[str]
) -> list[RegistryModel]:
    names = set(declared)
    return [m for m in current if owned(m.spec.name, names, owns)]


def plan(
    desired: Mapping[Key, ModelSpec],
    current: Sequence[RegistryModel],
    *,
    prune: bool = False,
    owns: Sequence[str] = (),
    replace: bool = False,
    provenance: Mapping[Key, Provenance] | None = None,
) -> Plan:
    declared = {name for name, _ in desired}
    mine = owned_models(current, declared, owns)
    origin = provenance or {}
    by_key: dict[Key, RegistryModel] = {}
    for model in mine:
        by_key.setdefault(model.spec.key, model)
    changes: list[Change] = []
    unchanged = 0
    uncompared: set[str] = set()
    for key, wanted in sorted(desired.items()):
        have = by_key.get(key)
        if have is None:
            changes.append(Change(Action.CREATE, *key, desired=wanted, provenance=origin.get(key)))
            continue
        uncompared |= not_compared(wanted, have.unknown)
        differ = differences(wanted, have.spec, have.unknown)
        broken = have.status in BROKEN
        if not differ and not broken:
            unchanged += 1
            continue
        note = f"the import {have.status} in the registry" if broken else None
        if replace and not have.in_use:
            changes.append(
                Change(Action.REPLACE, *key, wanted, have, differ, note, origin.get(key))
            )
        else:
            used = (
                "used by a service, so it cannot be replaced" if have.in_use and replace else None
            )
            changes.append(Change(Action.CONFLICT, *key, wanted, have, differ, used or note))
    extra = sorted(key for key in by_key if key not in desired)
    if prune:
        for key in extra:
            have = by_key[key]
            note = "used by a service: the delete will be refused" if have.in_use else None
            changes.append(Change(Action.DELETE, *key, current=have, note=note))
    names = tuple(sorted(declared))
    kept = () if prune else tuple(extra)
    return Plan(
        tuple(changes),
        unchanged,
        fingerprint(mine),
        names,
        tuple(owns),
        prune,
        kept,
        tuple(sorted(uncompared)),
    )
