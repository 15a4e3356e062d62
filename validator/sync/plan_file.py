"""A plan as JSON: what `plan --format json` prints and `plan --out` saves for `sync --plan`.

The file holds model content and the registry fingerprint, never a credential.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from validator import jsontext
from validator.check.rules.identity import version_problem
from validator.errors import UserError
from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status
from validator.sync.diff import Diff
from validator.sync.export import NAME
from validator.sync.plan import Action, Change, Kept, Plan, owned

FORMAT_VERSION = 2


TEXT = ("name", "version", "source_location", "model_type")
OPTIONAL_TEXT = ("description", "model_algorithm", "initial_config", "workspace_id")


def _spec(data: dict[str, Any]) -> ModelSpec:
    """A ModelSpec from a plan file, which may have been edited: every field is checked."""
    values = dict(data)
    if not all(isinstance(values.get(k, []), list) for k in ("install_type", "model_docs")):
        raise ValueError("install_type and model_docs must be lists")
    values["install_type"] = tuple(values.get("install_type", ()))
    values["model_docs"] = tuple(tuple(d) for d in values.get("model_docs", ()))
    spec = ModelSpec(**values)
    wrong = [f for f in TEXT if not isinstance(getattr(spec, f), str)]
    wrong += [f for f in OPTIONAL_TEXT if not isinstance(getattr(spec, f), str | None)]
    if not isinstance(spec.source_copy, bool):
        wrong.append("source_copy")
    if not all(isinstance(t, str) for t in spec.install_type):
        wrong.append("install_type")
    if not all(len(d) == 2 and all(isinstance(x, str) for x in d) for d in spec.model_docs):
        wrong.append("model_docs")
    if wrong:
        raise ValueError(f"wrong type for {', '.join(wrong)}")
    return spec


def _consistent(change: Change) -> Change:
    """An edited plan must still say what a plan can say: the right parts for its action."""
    key = (change.name, change.version)
    needs_desired = change.action in (Action.CREATE, Action.REPLACE)
    needs_current = change.action in (Action.DELETE, Action.REPLACE)
    if needs_desired and (change.desired is None or change.desired.key != key):
        raise ValueError(f"{change.action} of {key} does not carry that model's content")
    if needs_current and (change.current is None or change.current.spec.key != key):
        raise ValueError(f"{change.action} of {key} does not name that registry model")
    if change.desired is not None and (
        not NAME.fullmatch(change.name) or version_problem(change.version) is not None
    ):
        raise ValueError(f"{key} is not a valid model name and version")
    return change


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
        "diff": [asdict(d) for d in change.diff],
    }


def plan_json(plan: Plan, registry: str) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "registry": registry,
        "state": plan.state,
        "prune": plan.prune,
        "owned": list(plan.owned),
        "owns": list(plan.owns),
        "kept": [asdict(kept) for kept in plan.kept],
        "pending": [
            {"name": m.spec.name, "version": m.spec.version, "model_id": m.model_id}
            | {"status": str(m.status)}
            for m in plan.pending
        ],
        "notes": list(plan.notes),
        "owned_versions": plan.owned_versions,
        "uncompared": list(plan.uncompared),
        "summary": {
            **{str(a): plan.count(a) for a in Action},
            "unchanged": plan.unchanged,
            "kept": len(plan.kept),
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
        tuple(Diff(str(d["path"]), str(d["current"]), str(d["desired"])) for d in data["diff"]),
    )


def read_plan(text: str, source: str) -> tuple[Plan, str]:
    """A saved plan and the registry it was made for; a one-line error when unreadable."""
    try:
        data = jsontext.loads(text)
        if data.get("format_version") != FORMAT_VERSION:
            raise UserError(f"{source}: not a plan file of format {FORMAT_VERSION}")
        changes = tuple(_consistent(_change(c)) for c in data["changes"])
        plan = Plan(
            changes,
            data["summary"]["unchanged"],
            data["state"],
            tuple(data["owned"]),
            tuple(data["owns"]),
            data["prune"],
            tuple(Kept(**kept) for kept in data["kept"]),
            (),
            tuple(str(note) for note in data["notes"]),
            int(data["owned_versions"]),
        )
        for change in plan.changes:
            if change.action is not Action.CREATE and not owned(
                change.name, set(plan.owned), plan.owns
            ):
                raise ValueError(f"{change.name} is not a name this repository owns")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise UserError(
            f"{source}: not a readable plan file ({type(error).__name__}: {error})"
        ) from None
    return plan, str(data.get("registry", ""))
