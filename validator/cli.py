"""The command line: parse arguments, call one command function, map the outcome to an exit code."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

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


def main(argv: Sequence[str] | None = None) -> int:
    return _main(argv)[1]


def _main(argv: Sequence[str] | None) -> tuple[str | None, int]:
    """The command that ran (None when argparse answered: usage, help, version) and its
    exit code."""
    parser = build_parser(_needed(argv))
    try:
        args, unknown = parser.parse_known_args(argv)
        arguments: dict[str, Any] = vars(args)
        owner: argparse.ArgumentParser = arguments.pop("_parser", parser)
        if unknown:  # argparse would report them with the top-level usage
            owner.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit:  # argparse has printed the usage error (or --help)
        return None, int(exit.code or 0)
    name = arguments.pop("command")
    if name == "registry":
        name = f"registry {arguments.pop('action')}"
    return name, _call(name, arguments)


def _call(name: str, arguments: dict[str, Any]) -> int:
    module, function = COMMANDS[name]
    command: Callable[..., int] = getattr(_module(module), function)
    try:
        return command(**arguments)
    except UserError as error:
        from validator.report.escape import visible  # a path or value may hold ESC sequences

        for problem in getattr(error, "problems", ()):
            where = f"{problem.file}:{problem.line}:{problem.column}"
            print(visible(f"{where}: {problem.message}"), file=sys.stderr)
            if problem.suggestion:
                print(f"    hint: {visible(problem.suggestion)}", file=sys.stderr)
        print(f"error: {visible(str(error))}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader left (`| head`): the output is not all there
        _unfinished(name)
        return Exit.FINDINGS
    except Exception as error:
        return _unexpected(error)


# Commands that leave nothing open when they return (no database, no thread, no server):
# the console script ends them without tearing the interpreter down.
_READ_ONLY = frozenset({"validate", "rules", "schema"})


def run() -> NoReturn:
    """The console script (and `python -m validator`): `main`, then the exit.

    After a read-only command, the process ends at once, its output flushed: the normal
    exit frees every module and object first, which is a tenth of a one-file `validate`
    (about 7 ms), the run a pre-commit hook makes for every commit. Not under a tracer or
    a profiler (coverage, cProfile): they write what they measured at exit.
    """
    if sys.stdout is None:  # `>&-`: every command writes its result there
        print("error: the standard output is closed", file=sys.stderr)
        raise SystemExit(Exit.FINDINGS)
    name, code = _main(None)
    code = _flushed(name, code)
    if name in _READ_ONLY and not _observed():
        os._exit(code)
    raise SystemExit(code)


def _unfinished(name: str | None) -> None:
    """What a reader that left (`| head`) means for a command that changes the registry."""
    if name == "sync":  # it stopped at the line it could not write
        with contextlib.suppress(OSError, ValueError):  # `2>&1 | head`: that pipe, too
            print(
                "error: the output was closed before sync finished; the changes that had"
                " not started were not made (run sync again to make them)",
                file=sys.stderr,
            )


def _flushed(name: str | None, code: int) -> int:
    """The exit code once the output is flushed. Output that cannot be written (a reader
    that left, a full disk) makes it a failure, and is thrown away, so that the exit's own
    flush cannot fail again with Python's `Exception ignored`."""
    try:
        sys.stdout.flush()
    except ValueError:  # closed: nothing is left to write
        pass
    except OSError as error:
        if isinstance(error, BrokenPipeError):
            if not code:  # a failure already said what it was
                _unfinished(name)
        else:
            with contextlib.suppress(OSError, ValueError):
                reason = error.strerror or error
                print(f"error: the output could not be written: {reason}", file=sys.stderr)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = code or Exit.FINDINGS
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
    return code


def _observed() -> bool:
    return sys.gettrace() is not None or sys.getprofile() is not None or "coverage" in sys.modules


def _unexpected(error: Exception) -> int:
    """The failures no command expects, each said in one line."""
    base = sys.modules.get("validator.registry.base")  # only a registry command raises these
    if base is not None and isinstance(error, base.RegistryError):
        print(f"error: {error}", file=sys.stderr)
        return Exit.FINDINGS
    sqlite3 = sys.modules.get("sqlite3")  # only a command that opened a registry imported it
    if sqlite3 is not None and isinstance(error, sqlite3.Error):
        # a local registry file that is no registry, or damaged
        print(f"error: the registry database cannot be used: {error}", file=sys.stderr)
        return Exit.FINDINGS
    if isinstance(error, OSError):  # writing the output or a file the user named failed
        from validator.report.escape import visible

        where = f" ({error.filename})" if error.filename else ""
        print(visible(f"error: {error.strerror or error}{where}"), file=sys.stderr)
        return Exit.FINDINGS
    from validator.registry.scrub import scrub

    kind = type(error).__name__  # a bug: still one line, never a traceback for the user
    text = scrub(str(error))
    print(f"error: internal error ({kind}: {text}); please report it", file=sys.stderr)
    return Exit.FINDINGS


__all__ = ["Exit", "build_parser", "main", "run"]
