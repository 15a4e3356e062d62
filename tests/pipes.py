"""The tool run as a process whose output goes where a shell can send it: a reader that
leaves early (`| head -1`), a pipe nobody reads any more."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Python's stdout block-buffered, as a hook or CI runs the tool (this machine may set
# PYTHONUNBUFFERED, which would hide an output that is never flushed).
BUFFERED = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def first_line_then_leave(cwd: Path, *args: str) -> tuple[bytes, str, int]:
    """`modelarts-gitops ARGS | head -1`: the first line, what stderr said, the exit code."""
    child = subprocess.Popen(
        [sys.executable, "-m", "validator", *args],
        cwd=cwd,
        env=BUFFERED,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    first = child.stdout.readline()
    child.stdout.close()
    with child.stderr:
        error = child.stderr.read().decode()
    return first, error, child.wait(timeout=120)


def into_a_closed_pipe(
    cwd: Path, *args: str, stderr_too: bool = False, python: tuple[str, ...] = ("-m", "validator")
) -> subprocess.CompletedProcess[str]:
    """The tool (or another `python` invocation) writing into a pipe whose reader has gone
    before it starts (stderr kept, unless `stderr_too`: `2>&1 | ...`)."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return subprocess.run(
            [sys.executable, *python, *args],
            cwd=cwd,
            env=BUFFERED,
            stdout=writer,
            stderr=writer if stderr_too else subprocess.PIPE,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        os.close(writer)
