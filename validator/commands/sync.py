"""`plan` and `sync`: make the registry match models/, as boringly and safely as possible."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from validator.commands.context import registry_url, settings_for, shown_url
from validator.errors import Exit, UserError
from validator.registry.base import Registry, RegistryError
from validator.settings import Settings
from validator.sync.plan import Action, Plan


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
    parser.add_argument(
        "--allow-rollback",
        action="store_true",
        help="plan or sync even though the upstream branch has newer commits to the models"
        " folder (prefer `git revert`)",
    )


def _open(
    settings: Settings, flag: str | None, project_id: str | None, *, read_only: bool = False
) -> tuple[Registry, str]:
    from validator.registry.factory import open_registry

    url = registry_url(settings, flag)
    project = project_id or settings.project_id
    try:
        backend = open_registry(url, project, os.environ, root=settings.root, read_only=read_only)
        return backend, url
    except RegistryError as error:  # a wrong URL or missing credentials: configuration
        raise UserError(str(error), Exit.USAGE) from None


def _rollback_check(settings: Settings, allow_rollback: bool) -> None:
    from validator.sync.rollback import refuse_rollback

    if not allow_rollback:
        branch = settings.sync.branch
        refuse_rollback(settings.root, settings.models_dir, os.environ, branch)


def cmd_plan(
    registry: str | None,
    project_id: str | None,
    prune: bool,
    replace: bool,
    format: str,
    out: Path | None,
    detailed_exitcode: bool,
    allow_rollback: bool = False,
) -> int:
    from validator.sync.making import make_plan
    from validator.sync.plan_file import plan_json
    from validator.sync.render import render_markdown, render_text

    settings = settings_for()
    if prune:
        _rollback_check(settings, allow_rollback)
    backend, url = _open(settings, registry, project_id, read_only=True)
    try:
        made = make_plan(settings, backend, prune, replace)
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
    allow_rollback: bool = False,
) -> int:
    from validator.sync.making import make_plan
    from validator.sync.render import render_text
    from validator.sync.running import run_plan, wait_pending

    settings = settings_for()
    _rollback_check(settings, allow_rollback)
    backend, url = _open(settings, registry, project_id)
    try:
        lock = getattr(backend, "lock", contextlib.nullcontext)
        with lock():
            if plan_file is not None:
                made = _saved_plan(plan_file, shown_url(url, settings.root), backend, settings)
            else:
                made = make_plan(settings, backend, prune, replace)
            sys.stdout.write(render_text(made))
            if dry_run:
                return Exit.OK
            if not made.has_changes:
                return Exit.OK if wait_pending(made, backend, settings) else Exit.FINDINGS
            _check_deletions(made, made.owned_versions, settings, force)
            return run_plan(made, backend, settings, concurrency, keep_going)
    finally:
        backend.close()


def _saved_plan(path: Path, shown: str, backend: Registry, settings: Settings) -> Plan:
    """The saved plan, once a plan made now from the repository agrees with it."""
    from validator.sync.making import make_plan, verify_saved
    from validator.sync.plan_file import read_plan

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(f"{path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: not a readable plan file (not UTF-8)") from None
    saved, made_for = read_plan(text, str(path))
    if made_for and made_for != shown:
        raise UserError(f"{path} was made for {made_for}, not {shown}")
    replace = saved.count(Action.REPLACE) > 0
    fresh = make_plan(settings, backend, saved.prune, replace)
    verify_saved(saved, fresh, str(path))
    return fresh


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
