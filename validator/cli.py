"""The command line: parse arguments, call one command function, map the outcome to an exit code."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any

from validator import __version__
from validator.commands import check, registry, sync
from validator.errors import Exit, UserError
from validator.registry.base import RegistryError

COMMANDS: dict[str, Callable[..., int]] = {
    "validate": check.cmd_validate,
    "rules": check.cmd_rules,
    "schema": check.cmd_schema,
    "plan": sync.cmd_plan,
    "sync": sync.cmd_sync,
    "export": registry.cmd_export,
    "registry serve": registry.cmd_serve,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelarts-gitops",
        description="Validate ModelArts model imports kept in git, and sync them to a registry.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check.add_arguments(commands)
    sync.add_arguments(commands)
    registry.add_arguments(commands)
    _remember_parsers(parser)
    return parser


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Each subcommand records its parser, so a mistake is shown with its own usage."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.set_defaults(_parser=sub)
                _remember_parsers(sub)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, unknown = parser.parse_known_args(argv)
        arguments: dict[str, Any] = vars(args)
        owner: argparse.ArgumentParser = arguments.pop("_parser", parser)
        if unknown:  # argparse would report them with the top-level usage
            owner.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit:  # argparse has printed the usage error (or --help)
        return int(exit.code or 0)
    name = arguments.pop("command")
    if name == "registry":
        name = f"registry {arguments.pop('action')}"
    try:
        return COMMANDS[name](**arguments)
    except UserError as error:
        from validator.report.escape import visible  # a path or value may hold ESC sequences

        for problem in getattr(error, "problems", ()):
            where = f"{problem.file}:{problem.line}:{problem.column}"
            print(visible(f"{where}: {problem.message}"), file=sys.stderr)
            if problem.suggestion:
                print(f"    hint: {visible(problem.suggestion)}", file=sys.stderr)
        print(f"error: {visible(str(error))}", file=sys.stderr)
        return error.exit_code
    except RegistryError as error:
        print(f"error: {error}", file=sys.stderr)
        return Exit.FINDINGS
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return Exit.OK
    except sqlite3.Error as error:  # a local registry file that is no registry, or damaged
        print(f"error: the registry database cannot be used: {error}", file=sys.stderr)
        return Exit.FINDINGS
    except OSError as error:  # writing the output or a file the user named failed
        from validator.report.escape import visible

        where = f" ({error.filename})" if error.filename else ""
        print(visible(f"error: {error.strerror or error}{where}"), file=sys.stderr)
        return Exit.FINDINGS
    except Exception as error:  # a bug: still one line, never a traceback for the user
        from validator.registry.scrub import scrub

        kind = type(error).__name__
        text = scrub(str(error))
        print(f"error: internal error ({kind}: {text}); please report it", file=sys.stderr)
        return Exit.FINDINGS


__all__ = ["Exit", "build_parser", "main"]
