"""The one exception type for expected failures; the CLI prints it as `error: ...`."""

from __future__ import annotations

import enum


class Exit(enum.IntEnum):
    """Exit codes of every command."""

    OK = 0
    FINDINGS = 1  # findings at error level, or a failed change
    USAGE = 2  # also: `plan --detailed-exitcode` when there are changes
    INTERRUPTED = 130  # Ctrl-C, as a shell reports a process that SIGINT ended


class UserError(Exception):
    """A mistake in how the tool was called or configured, or an I/O failure to report.

    `exit_code` 2 is a usage error; other failures (a registry that refuses) use 1.
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
