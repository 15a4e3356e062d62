"""The command line: parse arguments, call one command function, map the outcome to an exit code."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from validator import __version__
from validator.errors import Exit, UserError

# Command name -> (module under validator.commands, function). A module is imported only
# when its commands are used: `validate` of one file must not pay for the registry
# clients, and `--version` or `rules` for no parser or schema validator.
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("check", "cmd_validate"),
    "rules": ("check", "cmd_rules"),
    "schema": ("check", "cmd_schema"),
    "plan": ("sync", "cmd_plan"),
    "sync": ("sync", "cmd_sync"),
    "export": ("registry", "cmd_export"),
    "registry serve": ("registry", "cmd_serve"),
}
MODULES = ("check", "sync", "registry")  # the order of the commands in --help


def _module(name: str) -> Any:
    return importlib.import_module(f"validator.commands.{name}")


def _needed(argv: Sequence[str] | None) -> Sequence[str]:
    """The command modules the parser needs for these arguments: all of them for --help,
    a usage error or an unknown command, so that those list every command."""
    given = list(sys.argv[1:] if argv is None else argv)
    first = next((a for a in given if not a.startswith("-")), None)
    if first is None:
        return () if given == ["--version"] else MODULES
    for command, (module, _) in COMMANDS.items():
        if command.split()[0] == first:
            return (module,)
    return MODULES


def _columns() -> int:
    """The width argparse's own formatter takes (COLUMNS, else the terminal's, else 80; less
    2), found without `shutil`: argparse imports it, and with it the compression modules
    (5 ms), for the formatter it makes on every `add_argument`, help or not."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, or not a terminal
            columns = 0
    return (columns or 80) - 2


class _Formatter(argparse.HelpFormatter):
    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=_columns())


class _Parser(argparse.ArgumentParser):
    """An argument parser with that formatter; the subcommands' parsers are made of it too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def build_parser(modules: Sequence[str] = MODULES) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="modelarts-gitops",
        description="Validate ModelArts model imports kept in git, and sync them to a registry.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in modules:
        _module(name).add_arguments(commands)
    _remember_parsers(parser)
    return parser


def _remember_parsers(parser: argparse.ArgumentParser) -> None:
    """Each subcommand records its parser, so a mistake is shown with its own usage."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.set_defaults(_parser=sub)
                _remember_parsers(sub)


class Outcome(NamedTuple):
    """What a run of the command line came to."""

    command: str | None  # None when argparse answered: a usage error, help, the version
    code: int
    said: bool = False  # the output could not all be written, and the run said so


def main(argv: Sequence[str] | None = None) -> int:
    return run_command(argv).code


def run_command(argv: Sequence[str] | None) -> Outcome:
    parser = build_parser(_needed(argv))
    try:
        args, unknown = parser.parse_known_args(argv)
        arguments: dict[str, Any] = vars(args)
        owner: argparse.ArgumentParser = arguments.pop("_parser", parser)
        if unknown:  # argparse would report them with the top-level usage
            owner.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit:  # argparse has printed the usage error (or --help)
        return Outcome(None, int(exit.code or 0))
    name = arguments.pop("command")
    if name == "registry":
        name = f"registry {arguments.pop('action')}"
    return _call(name, arguments)


def _call(name: str, arguments: dict[str, Any]) -> Outcome:
    module, function = COMMANDS[name]
    command: Callable[..., int] = getattr(_module(module), function)
    try:
        return Outcome(name, command(**arguments))
    except UserError as error:
        from validator.report.escape import visible  # a path or value may hold ESC sequences

        lines = []
        for problem in getattr(error, "problems", ()):
            where = f"{problem.file}:{problem.line}:{problem.column}"
            lines.append(visible(f"{where}: {problem.message}"))
            if problem.suggestion:
                lines.append(f"    hint: {visible(problem.suggestion)}")
        _say(*lines, f"error: {visible(str(error))}")
        return Outcome(name, error.exit_code)
    except KeyboardInterrupt:
        _say("error: interrupted")
        return Outcome(name, Exit.INTERRUPTED)
    except OSError as error:
        if error.filename is not None or error.errno not in _WRITING:  # a file named, a port
            return Outcome(name, _unexpected(error))
        output_failed(name, error, finished=False)  # writing the output, or a report
        return Outcome(name, Exit.FINDINGS, said=True)
    except Exception as error:
        return Outcome(name, _unexpected(error))


# How writing fails: the reader left, the disk or the quota is full, the device failed.
_WRITING = frozenset(
    getattr(errno, name)
    for name in ("EPIPE", "ENOSPC", "EDQUOT", "EFBIG", "EIO")
    if hasattr(errno, name)
)


def output_failed(command: str | None, error: OSError, *, finished: bool) -> None:
    """One line for output that could not all be written. A reader that left (`| head`)
    is the user's choice, said nothing of, except for sync: it stops where a line could not
    be written, or it finished and only its last lines were lost."""
    if command == "sync":
        done = (
            "the sync itself finished"
            if finished
            else "sync stopped: the changes that had not started were not made"
            " (run sync again to make them)"
        )
        if isinstance(error, BrokenPipeError):
            line = f"error: the output was closed before sync wrote everything; {done}"
        else:
            line = f"error: the output could not be written ({_reason(error)}); {done}"
    elif isinstance(error, BrokenPipeError):
        return
    else:
        line = f"error: the output could not be written: {_reason(error)}"
    _say(line)


def _say(*lines: str) -> None:
    """Lines on stderr, which may itself be gone (`2>&1 | head`): the exit code still says."""
    with contextlib.suppress(OSError, ValueError):
        for line in lines:
            print(line, file=sys.stderr)


def _reason(error: OSError) -> str:
    return str(error.strerror or error)


def _unexpected(error: Exception) -> int:
    """The failures no command expects, each said in one line."""
    base = sys.modules.get("validator.registry.base")  # only a registry command raises these
    if base is not None and isinstance(error, base.RegistryError):
        _say(f"error: {error}")
        return Exit.FINDINGS
    sqlite3 = sys.modules.get("sqlite3")  # only a command that opened a registry imported it
    if sqlite3 is not None and isinstance(error, sqlite3.Error):
        # a local registry file that is no registry, or damaged
        _say(f"error: the registry database cannot be used: {error}")
        return Exit.FINDINGS
    if isinstance(error, OSError):  # a file the user named, a port (the output: `_call`)
        from validator.report.escape import visible

        where = f" ({error.filename})" if error.filename else ""
        _say(visible(f"error: {_reason(error)}{where}"))
        return Exit.FINDINGS
    from validator.registry.scrub import scrub

    kind = type(error).__name__  # a bug: still one line, never a traceback for the user
    text = scrub(str(error))
    _say(f"error: internal error ({kind}: {text}); please report it")
    return Exit.FINDINGS


__all__ = ["Exit", "Outcome", "build_parser", "main", "output_failed", "run_command"]
