"""Desired + current -> plan: a pure function, tested with plain values.

Models are immutable per (name, version), so a plan only creates and deletes.
A version that exists with other content is a conflict: never overwritten
silently; `--replace` turns it into a delete and a create unless a service uses
it. Deletions need `--prune` and touch only names this repository owns.
"""

from __future__ import annotations

import enum
import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status
from validator.sync.compare import differences, fingerprint, not_compared
from validator.sync.diff import Diff, field_diff

__all__ = [
    "Action",
    "Change",
    "Facts",
    "Kept",
    "Ownership",
    "Plan",
    "differences",
    "fingerprint",
    "not_compared",
    "owned",
    "owned_models",
    "plan",
]

Key = tuple[str, str]
BROKEN = {Status.FAILED, Status.BUILDING_FAILED}
UNFINISHED = {Status.PUBLISHING, Status.BUILDING}
ABSENT = "not in the models folder (plan --prune deletes it)"


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
    diff: tuple[Diff, ...] = ()  # a conflict or replace, field by field


@dataclass(frozen=True, slots=True)
class Kept:
    """An owned version the plan does not delete or replace, and why."""

    name: str
    version: str
    model_id: str
    reason: str  # "not in the models folder", "used by service svc-a", "protected by `x-*`"


@dataclass(frozen=True, slots=True)
class Ownership:
    """What the repository owns besides the names it declares now."""

    history: frozenset[str] = frozenset()  # names declared by commits reachable from HEAD
    owns: tuple[str, ...] = ()  # the `owns:` glob patterns
    protect: tuple[str, ...] = ()  # the `protect:` glob patterns: never deleted or replaced
    unknown: str | None = None  # why history-owned names are unknown (a shallow clone)


@dataclass(frozen=True, slots=True)
class Facts:
    """What the registry knows beyond its models: services using them, versions gone."""

    used: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # model id -> services
    gone: Mapping[Key, Provenance] = field(default_factory=dict)  # created by a sync, deleted


@dataclass(frozen=True, slots=True)
class Plan:
    changes: tuple[Change, ...]
    unchanged: int
    state: str  # fingerprint of the registry state the plan was made from
    owned: tuple[str, ...] = ()  # names declared by the repository when the plan was made
    owns: tuple[str, ...] = ()  # extra owned name patterns (the `owns:` setting)
    prune: bool = False
    kept: tuple[Kept, ...] = ()  # owned versions not deleted (or not replaced), and why
    pending: tuple[RegistryModel, ...] = ()  # wanted versions still publishing: sync waits
    notes: tuple[str, ...] = ()  # what the plan could not know, or refused to do
    owned_versions: int = 0  # registry versions of owned names
    uncompared: tuple[str, ...] = ()  # fields some registry answers lacked: not compared

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)


def declared_names(desired: Iterable[Key], ownership: Ownership) -> set[str]:
    """The names the repository declares: in the models folder now, or in its history."""
    return {name for name, _ in desired} | ownership.history


def owned(name: str, declared: set[str], owns: Sequence[str]) -> bool:
    return name in declared or any(fnmatch.fnmatchcase(name, p) for p in owns)


def owned_models(
    current: Iterable[RegistryModel], declared: Iterable[str], owns: Sequence[str]
) -> list[RegistryModel]:
    names = set(declared)
    return [m for m in current if owned(m.spec.name, names, owns)]


def _hold(model: RegistryModel, ownership: Ownership, facts: Facts) -> str | None:
    """Why a model may be neither deleted nor replaced, or None when it may."""
    services = facts.used.get(model.model_id, ())
    if services:
        return "used by service " + ", ".join(services)
    if model.in_use:
        return "used by a service"
    pattern = next((p for p in ownership.protect if fnmatch.fnmatchcase(model.spec.name, p)), None)
    return f"protected by `protect: {pattern}`" if pattern else None


def _differing(
    key: Key,
    wanted: ModelSpec,
    have: RegistryModel,
    origin: Provenance | None,
    options: tuple[tuple[str, ...], bool, Ownership, Facts],
) -> tuple[Change, Kept | None]:
    differ, replace, ownership, facts = options
    diff = field_diff(wanted, have.spec, differ)
    note = f"the import {have.status} in the registry" if have.status in BROKEN else None
    hold = _hold(have, ownership, facts) if replace else None
    if replace and hold is None:
        return Change(Action.REPLACE, *key, wanted, have, differ, note, origin, diff), None
    kept = Kept(*key, have.model_id, hold) if hold else None
    note = f"kept: {hold}, so it is not replaced" if hold else note
    return Change(Action.CONFLICT, *key, wanted, have, differ, note, None, diff), kept


def _created(key: Key, wanted: ModelSpec, origin: Provenance | None, facts: Facts) -> Change:
    gone = facts.gone.get(key)
    note = None
    if gone is not None:
        where = f" from {gone.path}" if gone.path else ""
        commit = f" at {gone.commit[:12]}" if gone.commit else ""
        note = f"missing from the registry: an earlier sync created it{where}{commit}"
    return Change(Action.CREATE, *key, desired=wanted, note=note, provenance=origin)


def plan(
    desired: Mapping[Key, ModelSpec],
    current: Sequence[RegistryModel],
    *,
    prune: bool = False,
    owns: Sequence[str] = (),
    replace: bool = False,
    provenance: Mapping[Key, Provenance] | None = None,
    ownership: Ownership | None = None,
    facts: Facts | None = None,
) -> Plan:
    ownership = ownership or Ownership(owns=tuple(owns))
    facts = facts or Facts()
    declared = declared_names(desired, ownership)
    mine = owned_models(current, declared, ownership.owns)
    origin = provenance or {}
    by_key: dict[Key, RegistryModel] = {}
    for model in mine:
        by_key.setdefault(model.spec.key, model)
    changes: list[Change] = []
    kept: list[Kept] = []
    pending: list[RegistryModel] = []
    unchanged = 0
    uncompared: set[str] = set()
    for key, wanted in sorted(desired.items()):
        have = by_key.get(key)
        if have is not None:
            uncompared |= not_compared(wanted, have.unknown)
        if have is None:
            changes.append(_created(key, wanted, origin.get(key), facts))
        elif (differ := differences(wanted, have.spec, have.unknown)) or have.status in BROKEN:
            change, held = _differing(
                key, wanted, have, origin.get(key), (differ, replace, ownership, facts)
            )
            changes.append(change)
            kept.extend([held] if held else [])
        else:
            unchanged += 1
            pending.extend([have] if have.status in UNFINISHED else [])
    notes = []
    if ownership.unknown and prune:
        notes.append(
            f"{ownership.unknown}: names only the git history declares are unknown, so --prune"
            " deletes versions of the declared names and `owns:` only"
        )
    extra = sorted(key for key in by_key if key not in desired)
    if extra and prune and not desired:
        notes.append("the desired state is empty: nothing is deleted")
    absent = "the desired state is empty, so nothing is deleted" if prune else ABSENT
    for key in extra:
        have = by_key[key]
        hold = _hold(have, ownership, facts)
        if prune and desired and hold is None:
            changes.append(Change(Action.DELETE, *key, current=have))
        else:
            kept.append(Kept(*key, have.model_id, hold or absent))
    names = tuple(sorted(declared))
    return Plan(
        tuple(changes),
        unchanged,
        fingerprint(mine),
        names,
        tuple(ownership.owns),
        prune,
        tuple(kept),
        tuple(pending),
        tuple(notes),
        len(mine),
        tuple(sorted(uncompared)),
    )
