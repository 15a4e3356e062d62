"""The console script (`modelarts-gitops`, and `python -m validator`): a run, then the exit.

After a read-only command the process ends at once, its output flushed: the normal exit
frees every module and object first, which is a tenth of a one-file `validate` (about 7 ms),
the run a pre-commit hook makes for every commit. Not under a tracer or a profiler (coverage,
cProfile): they write what they measured at exit.

Output that cannot all be written (a reader that left, a full disk) makes the exit code a
failure, and what is still buffered is thrown away, so that the exit's own flush cannot fail
again (Python's `Exception ignored`, exit 120).
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

from validator.errors import Exit

if TYPE_CHECKING:
    from validator.cli import Outcome

# Commands that leave nothing open when they return (no database, no thread, no server).
READ_ONLY = frozenset({"validate", "rules", "schema"})


def run() -> NoReturn:
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:  # `>&-`, `2>&-`: written to, it would be nowhere
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115
    try:
        from validator.cli import run_command  # here: Ctrl-C while it loads is caught below

        outcome = run_command(None)
    except OSError:  # an error line to a standard error that is gone
        from validator.cli import Outcome

        outcome = Outcome(None, Exit.FINDINGS, said=True)
    except KeyboardInterrupt:  # as the parser or a command's modules load, before it runs
        with contextlib.suppress(OSError, ValueError):
            print("error: interrupted", file=sys.stderr, flush=True)
        raise SystemExit(Exit.INTERRUPTED) from None
    code = _flushed(outcome)
    if outcome.command in READ_ONLY and not _observed():
        os._exit(code)
    raise SystemExit(code)


def _flushed(outcome: Outcome) -> int:
    """The exit code once stdout and stderr are flushed."""
    from validator.cli import output_failed

    code = outcome.code
    try:
        sys.stdout.flush()
    except OSError as error:
        if not outcome.said:  # the command has returned: it ran to its end
            output_failed(outcome.command, error, finished=True)
        code = _discard(sys.stdout, code)
    except ValueError:  # closed: nothing is left to write
        pass
    try:
        sys.stderr.flush()
    except OSError:
        code = _discard(sys.stderr, code)
    except ValueError:
        pass
    return code


def _discard(stream: TextIO, code: int) -> int:
    """What is left in `stream` goes nowhere; the run failed, if it had not already."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
    return code or Exit.FINDINGS


def _observed() -> bool:
    return sys.gettrace() is not None or sys.getprofile() is not None or "coverage" in sys.modules
