"""Run a plan in a sync: apply it, report every result, tell the truth when interrupted.

Ctrl-C or SIGTERM stops new changes from starting and says so at once; the changes in
flight finish, each gets its result line, then a summary counts what was applied and what
was not started. A second one exits without waiting for them.
Versions an earlier, interrupted run left publishing are waited for before success.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING

from validator.errors import Exit
from validator.registry.base import Registry, RegistryError
from validator.settings import Settings
from validator.sync.plan import Plan

if TYPE_CHECKING:
    from validator.sync.apply import Interrupt


AGAIN = (
    "Interrupted again: exiting without waiting for the changes in flight;"
    " run sync again to finish.\n"
)


@contextlib.contextmanager
def _interrupts() -> Iterator[Interrupt]:
    """Ctrl-C and SIGTERM set the interrupt the apply loop looks at; a second one exits now.

    The handlers raise nothing, so no exception can land between a change finishing and
    its result line. A second signal is for a sync that should not wait for the changes in
    flight: it says so and exits at once (a change that went through is adopted next run).
    """
    from validator.sync.apply import Interrupt

    interrupt = Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield interrupt
        return

    def handler(number: int, frame: FrameType | None) -> None:
        if interrupt.number:  # past the buffer: this may run inside a write to sys.stdout
            with contextlib.suppress(OSError, ValueError):
                clear = "\r\033[K" if sys.stdout.isatty() else ""  # the progress bar
                os.write(sys.stdout.fileno(), (clear + AGAIN).encode())
            os._exit(128 + number)
        interrupt.number = number

    previous = {n: signal.signal(n, handler) for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupt
    finally:  # Ctrl-C last: one pressed in between still only sets the interrupt
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, previous[number])


def wait_pending(made: Plan, backend: Registry, settings: Settings) -> bool:
    """Versions an earlier, interrupted sync left publishing: success only once published."""
    ok = True
    for model in made.pending:
        name, version = model.spec.key
        try:
            backend.wait_until_published(model.model_id, settings.sync.publish_timeout)
            sys.stdout.write(f"  {name} {version}: published (was {model.status})\n")
        except RegistryError as error:
            ok = False
            sys.stdout.write(f"  {name} {version}: FAILED: {error}\n")
    return ok


def run_plan(
    made: Plan, backend: Registry, settings: Settings, concurrency: int | None, keep_going: bool
) -> int:
    from validator.sync.apply import Interrupted, apply
    from validator.sync.progress import Reporter

    progress = Reporter(sys.stdout, len(made.changes))
    try:
        with _interrupts() as interrupt:
            results = apply(
                list(made.changes),
                backend,
                concurrency=concurrency or settings.sync.concurrency,
                keep_going=keep_going,
                timeout=settings.sync.publish_timeout,
                progress=progress,
                interrupt=interrupt,
                interrupted=progress.interrupted,
            )
    except Interrupted as stopped:
        progress.finish(stopped.results, interrupted=True)
        return 128 + stopped.signal_number
    if interrupt.number:  # it came after the last change had finished
        progress.finish(results, interrupted=True)
        return 128 + interrupt.number
    progress.finish(results)
    waited = wait_pending(made, backend, settings)
    return Exit.OK if waited and all(r.ok for r in results) else Exit.FINDINGS
