"""Make a plan from the repository and the registry, and check a saved plan against a fresh one.

Order matters: the gate first (no desired state from files that do not load), then
ownership from git history, then the registry's models (both read while the gate's
workers check the files, see early.py, and used only once it has passed), then — only
for the versions a plan would delete or replace — which services use them, and for the
versions it would create, whether an earlier sync created them before.
"""

from __future__ import annotations

from validator.commands.context import head_commit
from validator.errors import Exit, UserError
from validator.registry.base import Registry
from validator.settings import Settings
from validator.sync.plan import (
    Action,
    Change,
    Facts,
    Ownership,
    Plan,
    declared_names,
    owned,
    plan,
)


def make_plan(settings: Settings, registry: Registry, prune: bool, replace: bool) -> Plan:
    from validator.check.run import quiet_gc

    with quiet_gc():  # a plan, like a validation, makes many objects and no cycles
        return _make_plan(settings, registry, prune, replace)


def _make_plan(settings: Settings, registry: Registry, prune: bool, replace: bool) -> Plan:
    from validator.sync.desired import desired_state
    from validator.sync.early import EarlyRead
    from validator.sync.gate import gated_state

    early = EarlyRead(settings, registry)  # history and the registry, while the gate checks
    try:
        desired = desired_state(gated_state(settings, early.start), head_commit(settings.root))
    except BaseException:  # refused or interrupted: the caller closes the registry next
        early.settle()
        raise
    history = early.history()
    ownership = Ownership(history.names, settings.owns, settings.protect, history.unknown)
    wanted = {key: d.spec for key, d in desired.items()}
    origin = {key: d.provenance for key, d in desired.items()}
    declared = declared_names(wanted, ownership)
    # Only owned models matter to a plan: the others' details are never fetched.
    current = early.models(
        (name for name, _ in wanted), lambda name: owned(name, declared, ownership.owns)
    )
    first = plan(
        wanted, current, prune=prune, replace=replace, provenance=origin, ownership=ownership
    )
    # Versions a delete or a replace may touch: the plan keeps those a service uses.
    touched = [
        c.current.model_id
        for c in first.changes
        if c.current and (c.action is Action.DELETE or (replace and c.action is not Action.CREATE))
    ]
    touched += [kept.model_id for kept in first.kept] if prune else []
    created = [(c.name, c.version) for c in first.changes if c.action is Action.CREATE]
    if not touched and not created:
        return first  # no facts to learn: the second plan would be the first
    facts = Facts(
        registry.services_using(touched) if touched else {},
        registry.deleted_versions(created) if created else {},
    )
    return plan(
        wanted,
        current,
        prune=prune,
        replace=replace,
        provenance=origin,
        ownership=ownership,
        facts=facts,
    )


def _identity(change: Change) -> tuple[str, str, str, str | None, object]:
    model_id = change.current.model_id if change.current else None
    return (str(change.action), change.name, change.version, model_id, change.desired)


def verify_saved(saved: Plan, fresh: Plan, source: str) -> None:
    """A saved plan is data, not authority: it must be what the repository plans now."""
    now = {_identity(c) for c in fresh.changes}
    for change in saved.changes:
        if _identity(change) in now or change.action in (Action.CREATE, Action.CONFLICT):
            continue
        what = f"{change.action}s {change.name} {change.version}"
        if not owned(change.name, set(fresh.owned), fresh.owns):
            reason = "a name this repository does not own now"
        else:
            reason = "which the plan made now from the repository does not"
        raise UserError(
            f"{source} {what}, {reason}; run `modelarts-gitops plan` again", Exit.FINDINGS
        )
    if saved.state != fresh.state:
        raise UserError(
            "the registry changed since the plan was made; run `modelarts-gitops plan` again",
            Exit.FINDINGS,
        )
    if {_identity(c) for c in saved.changes} != now:
        raise UserError(
            f"{source} no longer matches what the repository plans now (the models folder or"
            " its history changed); run `modelarts-gitops plan` again",
            Exit.FINDINGS,
        )
