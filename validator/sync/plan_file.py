"""A plan as JSON: what `plan --format json` prints and `plan --out` saves for `sync --plan`.

The file holds model content and the registry fingerprint, never a credential.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from validator.errors import UserError
from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status
from validator.sync.plan import Action, Change, Plan

FORMAT_VERSION = 1


def _spec(data: dict[str, Any]) -> ModelSpec:
    values = dict(data)
    values["install_type"] = tuple(values.get("install_type", ()))
    values["model_docs"] = tuple(tuple(d) for d in values.get("model_docs", ()))
    return ModelSpec(**values)


def _change_json(change: Change) -> dict[str, Any]:
    current = change.current
    return {
        "action": str(change.action),
        "name": change.name,
        "version": change.version,
        "fields": list(change.fields),
        "note": change.note,
        "desired": asdict(change.desired) if change.desired else None,
        "current": (
            {
                "model_id": current.model_id,
                "status": str(current.status),
                "in_use": current.in_use,
                "spec": asdict(current.spec),
            }
            if current
            else None
        ),
        "provenance": asdict(change.provenance) if change.provenance else None,
    }


def plan_json(plan: Plan, registry: str) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "registry": registry,
        "state": plan.state,
        "prune": plan.prune,
        "owned": list(plan.owned),
        "owns": list(plan.owns),
        "kept": [list(key) for key in plan.kept],
        "summary": {
            **{str(a): plan.count(a) for a in Action},
            "unchanged": plan.unchanged,
        },
        "changes": [_change_json(c) for c in plan.changes],
    }


def _change(data: dict[str, Any]) -> Change:
    current = data.get("current")
    model = None
    if current:
        spec = _spec(current["spec"])
        model = RegistryModel(
            current["model_id"], spec, Status(current["status"]), in_use=current["in_use"]
        )
    origin = data.get("provenance")
    return Change(
        Action(data["action"]),
        data["name"],
        data["version"],
        _spec(data["desired"]) if data.get("desired") else None,
        model,
        tuple(data.get("fields", ())),
        data.get("note"),
        Provenance(**origin) if origin else None,
    )


def read_plan(text: str, source: str) -> tuple[Plan, str]:
    """A saved plan and the registry it was made for; a one-line error when unreadable."""
    try:
        data = json.loads(text)
        if data.get("format_version") != FORMAT_VERSION:
            raise UserError(f"{source}: not a plan file of format {FORMAT_VERSION}")
        changes = tuple(_change(c) for c in data["changes"])
        plan = Plan(
            changes,
            data["summary"]["unchanged"],
            data["state"],
            tuple(data["owned"]),
            tuple(data["owns"]),
            data["prune"],
            tuple((str(n), str(v)) for n, v in data.get("kept", ())),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(
            f"{source}: not a readable plan file ({type(error).__name__}: {error})"
        ) from None
    return plan, str(data.get("registry", ""))
