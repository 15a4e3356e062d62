"""The command line: parse arguments, call one command function, map the outcome to an exit code."""

from __future__ import annotations

import argparse
import enum
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from validator import __version__
from validator.errors import UserError


class Exit(enum.IntEnum):
    OK = 0
    FINDINGS = 1
    USAGE = 2


def _rule_list(text: str) -> list[str]:
    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    for part in parts:
        if not re.fullmatch(r"MA\d{0,3}", part):
            raise argparse.ArgumentTypeError(f"`{part}` is not a rule id or prefix (MA305, MA3)")
    return parts


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelarts-gitops",
        description="Validate ModelArts model imports kept in git, and sync them to a registry.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check model import files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: models/)")
    validate.add_argument("--format", choices=_formats(), default=None, help="output format")
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--base",
        metavar="REF",
        help="compare with this git ref (default in a "
        "pull request: its base branch) for the repository-wide rules",
    )
    validate.add_argument(
        "--changed-only", action="store_true", help="report only on files changed since --base"
    )
    validate.add_argument(
        "--select",
        type=_rule_list,
        action="extend",
        default=[],
        metavar="IDS",
        help="only these rule ids or prefixes, comma-separated",
    )
    validate.add_argument(
        "--ignore",
        type=_rule_list,
        action="extend",
        default=[],
        metavar="IDS",
        help="skip these rule ids or prefixes, comma-separated",
    )

    rules = commands.add_parser("rules", help="list every rule with its explanation")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")

    schema = commands.add_parser("schema", help="print a JSON Schema")
    schema.add_argument(
        "name", nargs="?", choices=("import", "config", "settings"), default="import"
    )
    return parser


def _formats() -> tuple[str, ...]:
    from validator.report import FORMATS

    return FORMATS


def cmd_validate(
    paths: list[Path],
    format: str | None,
    strict: bool,
    select: list[str],
    ignore: list[str],
    base: str | None,
    changed_only: bool,
) -> int:
    from validator.check.run import collect_files, validate
    from validator.load.document import display
    from validator.load.git_base import changed_paths, default_base, read_base
    from validator.report import reporter
    from validator.settings import find_root, load_settings

    root = find_root(paths[0] if paths else Path.cwd())
    flags = {"strict": strict, "select": tuple(select), "ignore": tuple(ignore)}
    settings = load_settings(root, os.environ, flags)
    files = collect_files(paths, settings)
    ref = base or default_base(os.environ)
    if changed_only and ref is None:
        raise UserError("--changed-only needs --base REF (or a pull request's base branch)")
    state = read_base(root, ref, settings.models_dir, settings.max_file_size) if ref else None
    changed = changed_paths(root, ref) if changed_only and ref else None
    diagnostics = validate(files, settings, base=state, changed=changed)
    checked = [display(f) for f in files]
    reporter(format or _default_format())(diagnostics, len(files), sys.stdout, checked=checked)
    failing = {"error", "warning"} if settings.strict else {"error"}
    return Exit.FINDINGS if any(str(d.severity) in failing for d in diagnostics) else Exit.OK


def _default_format() -> str:
    from validator.report import FORMATS

    on_actions = os.environ.get("GITHUB_ACTIONS") == "true"
    return "github" if on_actions and "github" in FORMATS else "text"


def cmd_rules(format: str) -> int:
    from validator.check.rules_doc import rules_markdown, rules_text

    sys.stdout.write(rules_markdown() if format == "markdown" else rules_text())
    return Exit.OK


def cmd_schema(name: str) -> int:
    from validator.schemas import schema_text

    sys.stdout.write(schema_text(name))
    return Exit.OK


COMMANDS: dict[str, Callable[..., int]] = {
    "validate": cmd_validate,
    "rules": cmd_rules,
    "schema": cmd_schema,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # argparse has printed the usage error (or --help)
        return int(exit.code or 0)
    arguments: dict[str, Any] = vars(args)
    command = COMMANDS[arguments.pop("command")]
    try:
        return command(**arguments)
    except UserError as error:
        for problem in getattr(error, "problems", ()):
            where = f"{problem.file}:{problem.line}:{problem.column}"
            print(f"{where}: {problem.message}", file=sys.stderr)
            if problem.suggestion:
                print(f"    hint: {problem.suggestion}", file=sys.stderr)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return Exit.OK
