"""A plan for people: Terraform-like text for terminals and logs, Markdown for PRs and summaries.

Both show the same things: every change with its field-level differences, the owned
versions kept and why (not in the models folder, used by a service, protected), the
versions still publishing, and what the plan could not know. Markdown stays within a
PR comment's 65,536 characters: long sections fold into `<details>`, and rows that do
not fit are counted, never silently dropped.
"""

from __future__ import annotations

from validator.sync.plan import Action, Change, Kept, Plan

SYMBOLS = {Action.CREATE: "+", Action.DELETE: "-", Action.REPLACE: "-/+", Action.CONFLICT: "!"}
MARKDOWN_LIMIT = 65_536
FOLD = 10  # sections longer than this fold into <details>
MAX_DIFFS = 10  # differences shown per change
VALUE_WIDTH = 60


def summary(plan: Plan) -> str:
    create, delete = plan.count(Action.CREATE), plan.count(Action.DELETE)
    replace, conflicts = plan.count(Action.REPLACE), plan.count(Action.CONFLICT)
    kept = f"; {len(plan.kept)} kept" if plan.kept else ""
    if not plan.has_changes:
        return (
            f"No changes. The registry matches the desired state ({plan.unchanged} unchanged"
            f"{kept})."
        )
    parts = [f"{create} to create"]
    if replace:
        parts.append(f"{replace} to replace")
    parts.append(f"{delete} to delete")
    parts.append(f"{conflicts} conflict{'' if conflicts == 1 else 's'}")
    return "Plan: " + ", ".join(parts) + kept + "."


def _short(text: str) -> str:
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 3] + "..."


def describe(change: Change) -> list[str]:
    lines = []
    if change.action is Action.CREATE and change.desired:
        where = (
            f" from {change.provenance.path}"
            if change.provenance and change.provenance.path
            else ""
        )
        lines.append(f"image {change.desired.source_location}{where}")
    for diff in change.diff[:MAX_DIFFS]:
        lines.append(f"{diff.path}: {_short(diff.current)} -> {_short(diff.desired)}")
    if len(change.diff) > MAX_DIFFS:
        lines.append(f"... and {len(change.diff) - MAX_DIFFS} more differences (JSON plan)")
    if change.note:
        lines.append(change.note)
    if change.action is Action.CONFLICT:
        lines.append("published versions are immutable: publish a new version, or sync --replace")
    return lines


def kept_line(kept: Kept) -> str:
    return f"{kept.name} {kept.version}  kept: {kept.reason}"


def render_text(plan: Plan) -> str:
    out = []
    for change in plan.changes:
        out.append(f"  {SYMBOLS[change.action]} {change.name} {change.version}  ({change.action})")
        out.extend(f"      {line}" for line in describe(change))
    out.extend(f"  = {kept_line(kept)}" for kept in plan.kept)
    for model in plan.pending:
        name, version = model.spec.key
        out.append(f"  ~ {name} {version}  still {model.status}: sync waits for it")
    out.extend(f"  Note: {note}" for note in plan.notes)
    if plan.uncompared:
        out.append(f"  {uncompared(plan)}")
    if out:
        out.append("")
    out.append(summary(plan))
    return "\n".join(out) + "\n"


def uncompared(plan: Plan) -> str:
    fields = ", ".join(plan.uncompared)
    return f"Not compared (the registry's answers lack them, so they are unknown): {fields}"


def _cell(text: str) -> str:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("|", "\\|").replace("\n", " ")


def _rows(plan: Plan) -> list[tuple[str, str, list[str]]]:
    """(section, header, rows) for each non-empty section."""
    sections = []
    if plan.changes:
        rows = []
        for change in plan.changes:
            details = "<br>".join(_cell(line) for line in describe(change))
            symbol = SYMBOLS[change.action].replace("+", "\\+")
            rows.append(
                f"| {symbol} | `{change.name}` | `{change.version}` | {change.action} | {details} |"
            )
        header = "| | model | version | action | details |\n|---|---|---|---|---|"
        sections.append(("changes", header, rows))
    if plan.kept:
        rows = [f"| `{k.name}` | `{k.version}` | kept: {_cell(k.reason)} |" for k in plan.kept]
        sections.append(("kept", "| model | version | why |\n|---|---|---|", rows))
    if plan.pending:
        rows = [f"| `{m.spec.name}` | `{m.spec.version}` | {m.status} |" for m in plan.pending]
        sections.append(("still publishing", "| model | version | status |\n|---|---|---|", rows))
    return sections


def render_markdown(plan: Plan, limit: int = MARKDOWN_LIMIT) -> str:
    head = ["### ModelArts sync plan", "", summary(plan), ""]
    head += [f"> {_cell(note)}" for note in plan.notes]
    head += [_cell(uncompared(plan)), ""] if plan.uncompared else []
    out = "\n".join(head) + "\n"
    reserve = 400  # the closing tags and the line that counts what was cut
    cut: dict[str, int] = {}
    for name, header, rows in _rows(plan):
        fold = len(rows) > FOLD
        opening = f"<details><summary>{len(rows)} {name}</summary>\n\n" if fold else ""
        part = f"\n{opening}{header}\n"
        shown = 0
        for row in rows:
            if len(out) + len(part) + len(row) + 1 > limit - reserve:
                break
            part += row + "\n"
            shown += 1
        if shown < len(rows):
            cut[name] = len(rows) - shown
        if shown:
            out += part + ("\n</details>\n" if fold else "")
    if cut:
        counted = ", ".join(f"{n} {name}" for name, n in cut.items())
        out += f"\n_Not shown, to fit a comment: {counted}. `plan --format json` has them all._\n"
    return out
