"""Apply a plan to a registry: one call per change, a result per change, bounded concurrency.

Safe to kill and run again: a create that already happened is adopted when its
content matches (the registry said "already exists"), a delete of a model that
is already gone succeeds, and nothing outside the plan is touched.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from validator.registry.base import AlreadyExists, Registry, RegistryError
from validator.sync.plan import Action, Change, differences


@dataclass(frozen=True, slots=True)
class Result:
    change: Change
    ok: bool
    detail: str
    seconds: float = 0.0


Progress = Callable[[Result, int, int], None]
CONFLICT = "conflict: not applied (publish a new version, or sync --replace)"


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM during an apply: `results` holds every change that finished."""

    def __init__(self, results: list[Result], signal_number: int) -> None:
        super().__init__(f"interrupted by signal {signal_number}")
        self.results = results
        self.signal_number = signal_number


class Terminated(BaseException):
    """Raised in the main thread by the SIGTERM handler `sync` installs."""


def _create(change: Change, registry: Registry, timeout: float) -> str:
    assert change.desired is not None
    try:
        model_id = registry.create(change.desired, change.provenance)
    except AlreadyExists:
        return _adopt(change, registry)
    registry.wait_until_published(model_id, timeout)
    return f"created {model_id}, published"


def _adopt(change: Change, registry: Registry) -> str:
    """An earlier, interrupted sync may have created it: adopt it only if it is the same."""
    assert change.desired is not None
    for model in registry.list([change.name]):
        if model.spec.key == change.desired.key:
            differ = differences(change.desired, model.spec, model.unknown)
            if differ:
                raise RegistryError(f"exists with other content ({', '.join(differ)}): a conflict")
            return f"already present as {model.model_id}"
    raise RegistryError("the registry says it exists but does not list it")


def _one(change: Change, registry: Registry, timeout: float) -> str:
    if change.action is Action.CREATE:
        return _create(change, registry, timeout)
    if change.action is Action.DELETE:
        assert change.current is not None
        registry.delete(change.current.model_id)
        return f"deleted {change.current.model_id}"
    if change.action is Action.REPLACE:
        assert change.current is not None
        registry.delete(change.current.model_id)
        return f"deleted {change.current.model_id}; " + _create(change, registry, timeout)
    raise RegistryError(CONFLICT)


WAKE = 0.2  # seconds: how long a signal may wait for the applying thread to notice it


def _no_signals() -> None:
    """In each worker thread: Ctrl-C and SIGTERM are the applying thread's to take.

    A signal the kernel hands to a worker does not wake the thread waiting for results,
    so it would be noticed only when the next change finishes, after more had started.
    """
    if hasattr(signal, "pthread_sigmask"):  # POSIX
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _as_finished(futures: list[Future[Result]]) -> Iterator[Future[Result]]:
    """The futures as they finish, in submission order when several finish together.

    The wait wakes every WAKE seconds, so that a pending signal handler runs soon even if
    the signal did not interrupt the wait itself.
    """
    order = {future: index for index, future in enumerate(futures)}
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, timeout=WAKE, return_when=FIRST_COMPLETED)
        yield from sorted(finished, key=order.__getitem__)


def apply(
    changes: list[Change],
    registry: Registry,
    *,
    concurrency: int = 4,
    keep_going: bool = False,
    timeout: float = 1200.0,
    progress: Progress | None = None,
    interrupted: Callable[[int], None] | None = None,
) -> list[Result]:
    """Apply every change; after a failure, changes not started are skipped unless keep_going.

    On Ctrl-C or SIGTERM nothing more starts: `interrupted` is told how many changes are
    still in flight, those finish and are reported, then `Interrupted` is raised.
    """
    stop = threading.Event()
    why = ["an earlier change failed"]
    done: list[Result] = []

    def run(change: Change) -> Result:
        if stop.is_set():
            return Result(change, False, f"skipped: {why[0]}")
        started = time.monotonic()
        try:
            detail = _one(change, registry, timeout)
            return Result(change, True, detail, time.monotonic() - started)
        except RegistryError as error:
            if not keep_going:
                stop.set()
            return Result(change, False, str(error), time.monotonic() - started)

    def report(result: Result) -> None:
        done.append(result)
        if progress:
            progress(result, len(done), len(changes))

    futures: dict[Future[Result], Change] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency), initializer=_no_signals) as pool:
        # Every step of this thread is inside the try: a signal may land at any of them.
        try:
            for change in changes:
                if change.action is not Action.CONFLICT:
                    futures[pool.submit(run, change)] = change
            for future in _as_finished(list(futures)):
                report(future.result())
            for change in changes:
                if change.action is Action.CONFLICT:
                    report(Result(change, False, CONFLICT))
        except (KeyboardInterrupt, Terminated) as interruption:
            why[0] = "interrupted"
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)
            if interrupted:
                interrupted(sum(1 for future in futures if not future.done()))
            reported = {id(r.change) for r in done}
            for future, change in futures.items():
                if id(change) not in reported and not future.cancelled():
                    report(future.result())
            number = 2 if isinstance(interruption, KeyboardInterrupt) else 15
            raise Interrupted(done, number) from None
    return done
