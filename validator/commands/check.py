"""`validate`, `rules` and `schema`: checking model import files, and explaining the checks."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.errors import Exit, UserError

if TYPE_CHECKING:
    from validator.settings import Settings


def _rule_list(text: str) -> list[str]:
    from validator.check.rule_ids import rule_id_problem

    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    for part in parts:
        found = rule_id_problem(part)
        if found is not None:
            raise argparse.ArgumentTypeError("; ".join(found))
    return parts


def _report_target(text: str) -> tuple[str, Path]:
    from validator.report import FORMATS

    name, _, file = text.partition("=")
    if name not in FORMATS or not file:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not FORMAT=FILE with FORMAT one of {', '.join(FORMATS)}"
        )
    return name, Path(file)


def add_arguments(commands: Any) -> None:
    from validator.report import FORMATS

    validate = commands.add_parser("validate", help="check model import files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: models/)")
    validate.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="output format (default: text; github under GitHub Actions)",
    )
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--base",
        metavar="REF",
        help="compare with this git ref for the repository-wide rules "
        "(default in a pull request: its base branch)",
    )
    validate.add_argument(
        "--changed-only", action="store_true", help="report only on files changed since --base"
    )
    validate.add_argument(
        "--check-images",
        action="store_true",
        help="also ask each image's registry whether it exists and meets ModelArts' rules "
        "(MA307-MA313; network; default: offline, or images.check)",
    )
    validate.add_argument(
        "--report",
        type=_report_target,
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        help="also write the findings in FORMAT to FILE, from the same run (repeatable): "
        "--report sarif=modelarts.sarif --report junit=junit.xml",
    )
    for flag, what in (("--select", "only these"), ("--ignore", "skip these")):
        validate.add_argument(
            flag,
            type=_rule_list,
            action="extend",
            default=[],
            metavar="IDS",
            help=f"{what} rule ids or prefixes, comma-separated",
        )
    rules = commands.add_parser("rules", help="explain every rule, or the ones named")
    rules.add_argument(
        "ids",
        nargs="*",
        type=_rule_list,
        metavar="ID",
        help="rule ids or prefixes to explain, such as MA602 or MA4 (default: every rule)",
    )
    rules.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text (default) or markdown: the table in the README",
    )
    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument(
        "name",
        nargs="?",
        choices=("import", "config", "settings"),
        default="import",
        help="import: a model import file (default); config: config.json; "
        "settings: .modelarts-gitops.yaml",
    )


MIN_PARALLEL_FILES = 500  # below this, starting workers costs more than it saves


def worker_count(env: Mapping[str, str], files: int) -> int:
    """How many processes `validate` checks `files` files on.

    `MODELARTS_GITOPS_WORKERS` unset, empty or `auto`: one per CPU this process may use
    when there are at least 500 files, else 1. `1`: always serial. `N`: N worker processes,
    whatever the number of files. The diagnostics are the same either way.
    """
    text = env.get("MODELARTS_GITOPS_WORKERS", "").strip().lower()
    if text in ("", "auto"):
        return _cpus() if files >= MIN_PARALLEL_FILES else 1
    if not text.isdigit() or int(text) < 1:
        raise UserError(f"MODELARTS_GITOPS_WORKERS is `{text}`; use a whole number >= 1 or auto")
    return int(text)


def _cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # a container may be allowed fewer than the machine has
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def cmd_validate(
    paths: list[Path],
    format: str | None,
    strict: bool,
    select: list[str],
    ignore: list[str],
    base: str | None,
    changed_only: bool,
    report: list[tuple[str, Path]],
    check_images: bool = False,
) -> int:
    from validator.commands.context import settings_for
    from validator.commands.counts import CHECKED_SUFFIXES
    from validator.load import tree

    imports = bool(paths)  # only import files named: a one-file run, which a snapshot serves
    for path in paths:
        is_file = path.is_file()
        if is_file and path.suffix not in CHECKED_SUFFIXES:
            raise UserError(
                f"{path} is not a model import (.yaml, .yml) nor a config file (.json)",
                Exit.USAGE,
            )
        imports = imports and is_file and path.suffix != ".json"
    settings = settings_for(paths, strict=strict, select=tuple(select), ignore=tuple(ignore))
    if imports:  # before the imports below: the comparison runs beside them
        models = os.path.abspath(settings.root / settings.models_dir)
        tree.compare_ahead(settings.root, models, settings.max_file_size)
    try:
        return _validate(paths, settings, format, base, changed_only, report, check_images)
    finally:
        tree.settle()


def _validate(
    paths: list[Path],
    settings: Settings,
    format: str | None,
    base: str | None,
    changed_only: bool,
    report: list[tuple[str, Path]],
    check_images: bool,
) -> int:
    from validator.check.run import collect_files, validate
    from validator.commands.counts import reported_changed, unused_configs
    from validator.load.document import display
    from validator.load.git_base import changed_paths, default_base, read_base
    from validator.report import reporter

    walked: dict[Path, list[Path]] = {}
    if check_images:
        settings = settings._replace(images=settings.images._replace(check=True))
    odd: list[Path] = []  # `.YAML`, `.Yml`… in the folders given: never skipped silently
    files = collect_files(paths, settings, walked, odd)
    ref = (base if base is not None else default_base(os.environ)) or None  # --base "": none
    if changed_only and ref is None:
        raise UserError("--changed-only needs --base REF (or a pull request's base branch)")
    root, size = settings.root, settings.max_file_size
    state = read_base(root, ref, settings.models_dir, size) if ref else None
    changed = changed_paths(root, ref) if changed_only and ref else None
    # Online checks run in this process: one set of requests serves every import.
    workers = 1 if settings.images.check else worker_count(os.environ, len(files))
    diagnostics = validate(
        files, settings, base=state, changed=changed, workers=workers, walked=walked
    )
    if odd and changed is None:
        from validator.check.collect import odd_suffixes
        from validator.check.run import finalize

        diagnostics = sorted({*diagnostics, *finalize(odd_suffixes(odd), {}, settings)})
    reported = reported_changed(files, changed) if changed is not None else files
    unused = unused_configs(reported, settings)
    for config in unused:
        note = f"note: {display(config)} is used by no import, so it was not checked"
        print(note, file=sys.stderr)
    checked = [display(f) for f in reported if f not in unused]
    for name, target in report:
        with open(target, "w", encoding="utf-8") as out:
            reporter(name)(diagnostics, len(checked), out, checked=checked)
    reporter(format or _default_format())(diagnostics, len(checked), sys.stdout, checked=checked)
    failing = {"error", "warning"} if settings.strict else {"error"}
    return Exit.FINDINGS if any(str(d.severity) in failing for d in diagnostics) else Exit.OK


def cmd_rules(ids: list[list[str]], format: str) -> int:
    from validator.check.rules_doc import rules_markdown, rules_text

    prefixes = [p for group in ids for p in group]  # each names a rule: _rule_list checked it
    sys.stdout.write(rules_markdown(prefixes) if format == "markdown" else rules_text(prefixes))
    return Exit.OK


def cmd_schema(name: str) -> int:
    from validator.schemas import schema_text

    sys.stdout.write(schema_text(name))
    return Exit.OK
