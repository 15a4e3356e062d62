"""Run a plan in a sync: apply it, report every result, tell the truth when interrupted.

Ctrl-C or SIGTERM stops new changes from starting and says so at once; the changes in
flight finish, each gets its result line, then a summary counts what was applied and what
was not started.
Versions an earlier, interrupted run left publishing are waited for before success.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from validator.errors import Exit
from validator.registry.base import Registry, RegistryError
from validator.settings import Settings
from validator.sync.plan import Plan


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a sync like Ctrl-C does: finished changes are reported, then a summary."""
    from validator.sync.apply import Terminated

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(number: int, frame: FrameType | None) -> None:
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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
    from validator.sync.apply import Interrupted, Result, Terminated, apply
    from validator.sync.progress import Reporter

    progress = Reporter(sys.stdout, len(made.changes))
    results: list[Result] = []
    try:
        with _sigterm_interrupts():
            results = apply(
                list(made.changes),
                backend,
                concurrency=concurrency or settings.sync.concurrency,
                keep_going=keep_going,
                timeout=settings.sync.publish_timeout,
                progress=progress,
                interrupted=progress.interrupted,
            )
    except Interrupted as stopped:
        progress.finish(stopped.results, interrupted=True)
        return 128 + stopped.signal_number
    except Terminated:  # before the first change was submitted, or after apply returned
        progress.finish(results, interrupted=True)
        return 128 + signal.SIGTERM
    progress.finish(results)
    waited = wait_pending(made, backend, settings)
    return Exit.OK if waited and all(r.ok for r in results) else Exit.FINDINGS
