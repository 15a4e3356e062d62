"""A plan for people: Terraform-like text for terminals and logs, Markdown for PRs and summaries."""

from __future__ import annotations

import json

from validator.sync.plan import Action, Change, Plan

SYMBOLS = {Action.CREATE: "+", Action.DELETE: "-", Action.REPLACE: "-/+", Action.CONFLICT: "!"}


def summary(plan: Plan) -> str:
    create, delete = plan.count(Action.CREATE), plan.count(Action.DELETE)
    replace, conflicts = plan.count(Action.REPLACE), plan.count(Action.CONFLICT)
    if not plan.has_changes:
        return f"No changes. The registry matches the desired state ({plan.unchanged} unchanged)."
    parts = [f"{create} to create"]
    if replace:
        parts.append(f"{replace} to replace")
    parts.append(f"{delete} to delete")
    parts.append(f"{conflicts} conflict{'' if conflicts == 1 else 's'}")
    return "Plan: " + ", ".join(parts) + "."


def _value(change: Change, field: str, side: str) -> str:
    holder = (
        change.desired if side == "desired" else (change.current.spec if change.current else None)
    )
    value = getattr(holder, field, None)
    text = json.dumps(value, ensure_ascii=False, default=list)
    return text if len(text) <= 120 else text[:117] + "..."


def _describe(change: Change) -> list[str]:
    lines = []
    if change.action is Action.CREATE and change.desired:
        where = (
            f" from {change.provenance.path}"
            if change.provenance and change.provenance.path
            else ""
        )
        lines.append(f"image {change.desired.source_location}{where}")
    for field in change.fields:
        lines.append(
            f"{field}: {_value(change, field, 'current')} -> {_value(change, field, 'desired')}"
        )
    if change.note:
        lines.append(change.note)
    if change.action is Action.CONFLICT:
        lines.append("published versions are immutable: publish a new version, or sync --replace")
    return lines


def render_text(plan: Plan) -> str:
    out = []
    for change in plan.changes:
        out.append(f"  {SYMBOLS[change.action]} {change.name} {change.version}  ({change.action})")
        out.extend(f"      {line}" for line in _describe(change))
    if plan.kept:
        kept = ", ".join(f"{name} {version}" for name, version in plan.kept)
        out.append(f"  Kept (not in the models folder; sync --prune deletes them): {kept}")
    if plan.uncompared:
        out.append(f"  {uncompared(plan)}")
    if out:
        out.append("")
    out.append(summary(plan))
    return "\n".join(out) + "\n"


def uncompared(plan: Plan) -> str:
    fields = ", ".join(plan.uncompared)
    return f"Not compared (the registry's answers lack them, so they are unknown): {fields}"


def render_markdown(plan: Plan) -> str:
    out = ["### ModelArts sync plan", "", summary(plan), ""]
    if plan.uncompared:
        out += [uncompared(plan), ""]
    if plan.changes:
        out += ["| | model | version | action | details |", "|---|---|---|---|---|"]
        for change in plan.changes:
            details = "<br>".join(line.replace("|", "\\|") for line in _describe(change))
            symbol = SYMBOLS[change.action].replace("+", "\\+")
            out.append(
                f"| {symbol} | `{change.name}` | `{change.version}` | {change.action} | {details} |"
            )
        out.append("")
    return "\n".join(out)
