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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from queue import Empty, SimpleQueue

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


class Interrupt:
    """The signal that asked a sync to stop, 0 while none did; the handlers `sync` installs
    set it, and the applying loop reads it between results (see `apply`)."""

    def __init__(self) -> None:
        self.number = 0


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


WAKE = 0.2  # seconds: the longest the applying thread waits before it looks at `Interrupt`


def _no_signals() -> None:
    """In each worker thread: Ctrl-C and SIGTERM are the applying thread's to take."""
    if hasattr(signal, "pthread_sigmask"):  # POSIX
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def _arrivals(
    finished: SimpleQueue[Future[Result]], count: int, asked: Interrupt | None = None
) -> Iterator[Future[Result]]:
    """The next `count` futures to finish, as they do; none more once `asked` is set."""
    while count and not (asked and asked.number):
        try:
            future = finished.get(timeout=WAKE)
        except Empty:
            continue
        count -= 1
        yield future


def apply(
    changes: list[Change],
    registry: Registry,
    *,
    concurrency: int = 4,
    keep_going: bool = False,
    timeout: float = 1200.0,
    progress: Progress | None = None,
    interrupt: Interrupt | None = None,
    interrupted: Callable[[int], None] | None = None,
) -> list[Result]:
    """Apply every change; after a failure, changes not started are skipped unless keep_going.

    Once `interrupt` is set nothing more starts: `interrupted` is told how many changes are
    still in flight, those finish and are reported, then `Interrupted` is raised. Signal
    handlers only set it, so no exception lands in the middle of this thread's work.
    """
    stop = threading.Event()  # set by a failure (unless keep_going), or an interrupt
    done: list[Result] = []
    asked = interrupt or Interrupt()

    def run(change: Change) -> Result:
        if asked.number:  # before the applying thread has woken to it
            return Result(change, False, "skipped: interrupted")
        if stop.is_set():
            return Result(change, False, "skipped: an earlier change failed")
        started = time.monotonic()
        try:
            detail = _one(change, registry, timeout)
            return Result(change, True, detail, time.monotonic() - started)
        except RegistryError as error:
            if not keep_going:
                stop.set()
            return Result(change, False, str(error), time.monotonic() - started)
        except BaseException:  # not the registry's answer: nothing more starts, it propagates
            stop.set()
            raise

    def report(result: Result) -> None:
        done.append(result)
        if progress:
            progress(result, len(done), len(changes))

    finished: SimpleQueue[Future[Result]] = SimpleQueue()
    with ThreadPoolExecutor(max(1, concurrency), initializer=_no_signals) as pool:

        def halt() -> None:
            """Nothing more starts; the queued are cancelled (and arrive at once)."""
            stop.set()
            pool.shutdown(wait=False, cancel_futures=True)

        submitted = [pool.submit(run, c) for c in changes if c.action is not Action.CONFLICT]
        for future in submitted:
            future.add_done_callback(finished.put)
        try:
            for future in _arrivals(finished, len(submitted), asked):
                report(future.result())
        except BaseException:  # a worker's unexpected error, or writing a result failed
            halt()
            raise
        if asked.number:
            halt()
            if interrupted:
                interrupted(sum(1 for future in submitted if not future.done()))
            for future in _arrivals(finished, len(submitted) - len(done)):
                if not future.cancelled():
                    report(future.result())
            raise Interrupted(done, asked.number)
    for change in changes:
        if change.action is Action.CONFLICT:
            report(Result(change, False, CONFLICT))
    return done
