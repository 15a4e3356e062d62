"""Sync progress: one result line per change; on a terminal also a bar that redraws in place."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from validator.sync.apply import Result
from validator.sync.render import SYMBOLS


class Reporter:
    def __init__(self, out: TextIO, total: int) -> None:
        self.out = out
        self.total = total
        self.tty = out.isatty()

    def __call__(self, result: Result, done: int, total: int) -> None:
        change = result.change
        status = "ok" if result.ok else "FAILED"
        line = (
            f"[{done}/{total}] {SYMBOLS[change.action]} {change.name} {change.version}: "
            f"{status}: {result.detail} ({result.seconds:.1f}s)"
        )
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            self.out.write("\r\033[K" + line + "\n")
            self.out.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        else:
            self.out.write(line + "\n")
        self.out.flush()

    def interrupted(self, in_flight: int) -> None:
        """Said at once, so that whoever pressed Ctrl-C knows what the wait is for."""
        waiting = f"; waiting for the {in_flight} in flight to finish" if in_flight else ""
        self.out.write(
            ("\r\033[K" if self.tty else "") + f"Interrupted: no change starts now{waiting}.\n"
        )
        self.out.flush()

    def finish(self, results: Sequence[Result], *, interrupted: bool = False) -> None:
        if self.tty:
            self.out.write("\r\033[K")
        failed = sum(1 for r in results if not r.ok)
        applied = len(results) - failed
        if interrupted:
            skipped = sum(1 for r in results if r.detail.startswith("skipped"))
            waiting = self.total - len(results) + skipped
            self.out.write(
                f"Sync interrupted: {applied} of {self.total} changes applied,"
                f" {failed - skipped} failed, {waiting} not started; run sync again to finish.\n"
            )
        elif failed:
            self.out.write(f"Sync: {applied} of {len(results)} changes applied, {failed} failed.\n")
        else:
            self.out.write(f"Sync: {applied} change{'' if applied == 1 else 's'} applied.\n")
