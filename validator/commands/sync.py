"""`plan` and `sync`: make the registry match models/, as boringly and safely as possible."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from validator.commands.context import (
    head_commit,
    registry_url,
    settings_for,
    shown_url,
    validated_specs,
)
from validator.errors import Exit, UserError
from validator.registry.base import Registry, RegistryError, RegistryModel
from validator.settings import Settings
from validator.sync.plan import Action, Plan, fingerprint, owned_models, plan


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def add_registry_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        metavar="URL",
        help="sqlite:///PATH or the https:// ModelArts endpoint "
        "(default: the embedded local registry)",
    )
    parser.add_argument("--project-id", metavar="ID", help="ModelArts project id")


def add_plan_arguments(parser: argparse.ArgumentParser) -> None:
    add_registry_arguments(parser)
    parser.add_argument(
        "--prune",
        action="store_true",
        help="delete registry versions of owned names that models/ no longer has",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete and re-create a version whose content differs (a conflict)",
    )


def _open(settings: Settings, flag: str | None, project_id: str | None) -> tuple[Registry, str]:
    from validator.registry.factory import open_registry

    url = registry_url(settings, flag)
    try:
        return open_registry(url, project_id or settings.project_id, os.environ), url
    except RegistryError as error:  # a wrong URL or missing credentials: configuration
        raise UserError(str(error), Exit.USAGE) from None


def _make_plan(
    settings: Settings, registry: Registry, prune: bool, replace: bool
) -> tuple[Plan, list[RegistryModel]]:
    from validator.sync.desired import desired_state

    desired = desired_state(validated_specs(settings), head_commit(settings.root))
    wanted = {key: d.spec for key, d in desired.items()}
    origin = {key: d.provenance for key, d in desired.items()}
    current = registry.list()
    made = plan(
        wanted, current, prune=prune, owns=settings.owns, replace=replace, provenance=origin
    )
    return made, current


def cmd_plan(
    registry: str | None,
    project_id: str | None,
    prune: bool,
    replace: bool,
    format: str,
    out: Path | None,
    detailed_exitcode: bool,
) -> int:
    from validator.sync.plan_file import plan_json
    from validator.sync.render import render_markdown, render_text

    settings = settings_for()
    backend, url = _open(settings, registry, project_id)
    try:
        made, _ = _make_plan(settings, backend, prune, replace)
    finally:
        backend.close()
    document = plan_json(made, shown_url(url, settings.root))
    if out is not None:
        out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    if format == "json":
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    elif format == "markdown":
        sys.stdout.write(render_markdown(made))
    else:
        sys.stdout.write(render_text(made))
    return Exit.USAGE if detailed_exitcode and made.has_changes else Exit.OK


def _check_deletions(made: Plan, owned: int, settings: Settings, force: bool) -> None:
    deletes = made.count(Action.DELETE)  # a replace re-creates what it deletes
    limit, share = settings.sync.max_deletes, settings.sync.max_delete_share
    too_many = deletes > limit or (owned and deletes / owned > share)
    if deletes and too_many and not force:
        raise UserError(
            f"the plan deletes {deletes} of {owned} owned model versions, over the safety limit "
            f"({limit} versions or {share:.0%}); check the plan, then run again with --force",
            Exit.FINDINGS,
        )


def _stale(made: Plan, current: list[RegistryModel]) -> None:
    if fingerprint(owned_models(current, made.owned, made.owns)) != made.state:
        raise UserError(
            "the registry changed since the plan was made; run `modelarts-gitops plan` again",
            Exit.FINDINGS,
        )


def cmd_sync(
    registry: str | None,
    project_id: str | None,
    prune: bool,
    replace: bool,
    plan_file: Path | None,
    dry_run: bool,
    concurrency: int | None,
    keep_going: bool,
    force: bool,
) -> int:
    from validator.sync.apply import apply
    from validator.sync.progress import Reporter
    from validator.sync.render import render_text

    settings = settings_for()
    backend, url = _open(settings, registry, project_id)
    try:
        lock = getattr(backend, "lock", contextlib.nullcontext)
        with lock():
            if plan_file is not None:
                made, current = _saved_plan(plan_file, shown_url(url, settings.root), backend)
            else:
                made, current = _make_plan(settings, backend, prune, replace)
            owned = len(owned_models(current, made.owned, made.owns))
            sys.stdout.write(render_text(made))
            if dry_run or not made.has_changes:
                return Exit.OK
            _check_deletions(made, owned, settings, force)
            progress = Reporter(sys.stdout, len(made.changes))
            results = apply(
                list(made.changes),
                backend,
                concurrency=concurrency or settings.sync.concurrency,
                keep_going=keep_going,
                timeout=settings.sync.publish_timeout,
                progress=progress,
            )
            progress.finish(results)
    finally:
        backend.close()
    return Exit.OK if all(r.ok for r in results) else Exit.FINDINGS


def _saved_plan(path: Path, shown: str, backend: Registry) -> tuple[Plan, list[RegistryModel]]:
    from validator.sync.plan_file import read_plan

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a readable plan file (not UTF-8)") from None
    made, made_for = read_plan(text, str(path))
    if made_for and made_for != shown:
        raise UserError(f"{path} was made for {made_for}, not {shown}")
    current = backend.list()
    _stale(made, current)
    return made, current


def add_arguments(commands: Any) -> None:
    """The `plan` and `sync` subcommands."""
    planning = commands.add_parser("plan", help="show what sync would change in the registry")
    add_plan_arguments(planning)
    planning.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="text (default), json (what --out saves) or markdown (for a job summary)",
    )
    planning.add_argument("--out", type=Path, metavar="FILE", help="also save the plan as JSON")
    planning.add_argument(
        "--detailed-exitcode", action="store_true", help="exit 0 with no changes, 2 with changes"
    )
    syncing = commands.add_parser("sync", help="apply the plan to the registry")
    add_plan_arguments(syncing)
    syncing.add_argument(
        "--plan",
        dest="plan_file",
        type=Path,
        metavar="FILE",
        help="apply this saved plan (refused when the registry changed since)",
    )
    syncing.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
    syncing.add_argument(
        "--concurrency", type=positive, metavar="N", help="changes applied at once (default 4)"
    )
    syncing.add_argument(
        "--keep-going",
        action="store_true",
        help="go on after a failed change (default: stop starting new ones)",
    )
    syncing.add_argument(
        "--force", action="store_true", help="allow more deletions than the safety limit"
    )
