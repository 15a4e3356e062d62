"""The checks every file passes before a parser sees it: size first, then UTF-8.

A file within the size limit can still hold a million tiny values (`[a,a,a,...]`),
and every later step costs per value: the parsers stop at `MAX_VALUES`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from validator.diagnostics import Located
from validator.load.document import line_column


def read_file(
    path: Path,
    shown: str,
    max_size: int,
    rule: str = "MA001",
    *,
    info: os.stat_result | None = None,
) -> bytes | Located:
    """A file's bytes, or why they cannot be had, without ever reading more than the limit.

    A symlink to /dev/zero or a FIFO named like an import must not hang or exhaust memory:
    only what `stat` calls a regular file is opened, what was opened is checked again (a
    FIFO put in its place since cannot block the open: O_NONBLOCK), and never more than
    `max_size + 1` bytes are read. `info`, when given, is the `stat` the caller already
    made of the path (an `lstat` of what is not a symlink is one).
    """
    try:
        if not stat.S_ISREG((info or os.stat(path)).st_mode):
            return _not_regular(shown, rule)
        try:
            fd = os.open(path, _READ_FLAGS | _NONBLOCK)
        except BlockingIOError:  # a lease on the file (a file server's): wait, as open() does
            fd = os.open(path, _READ_FLAGS)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return _not_regular(shown, rule)
            if info.st_size > max_size:
                message = f"file is {info.st_size:,} bytes; the limit is {max_size:,}"
                hint = "raise max_file_size if this is intended"
                return Located(shown, 1, 1, "MA008", message, hint)
            return _read(fd, info.st_size, max_size)
        finally:
            os.close(fd)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop on Python 3.11
        reason = getattr(error, "strerror", None) or str(error)
        return Located(shown, 1, 1, rule, f"cannot read the file: {reason}")


def _not_regular(shown: str, rule: str) -> Located:
    return Located(shown, 1, 1, rule, "not a regular file (a device, a FIFO or a folder)")


def _read(fd: int, size: int, max_size: int) -> bytes:
    """The file's bytes, in one read when it still holds the `size` its stat gave.

    One byte more than `size` is asked for, so a file that grew since (or one that reports
    no size, under /proc) shows it, and is then read on to the limit, as is one that gave
    fewer bytes.
    """
    raw = os.read(fd, size + 1)
    if len(raw) == size:
        return raw
    parts, left = [raw], max_size + 1 - len(raw)
    while left > 0 and (more := os.read(fd, left)):
        parts.append(more)
        left -= len(more)
    return b"".join(parts)


# Flags that exist on POSIX only are 0 elsewhere; O_BINARY (Windows) keeps CR LF as it is.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def decode(raw: bytes, path: str, max_size: int) -> str | Located:
    """The text of a file, or the located reason it cannot be read."""
    if len(raw) > max_size:
        message = f"file is {len(raw):,} bytes; the limit is {max_size:,}"
        return Located(path, 1, 1, "MA008", message, "raise max_file_size if this is intended")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", "replace")
        line, column = line_column(before, len(before))
        utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        hint = "save it as UTF-8" + (" (it looks like UTF-16)" if utf16 else "")
        return Located(
            path, line, column, "MA009", f"not UTF-8: byte 0x{raw[error.start]:02x}", hint
        )


MAX_VALUES = 20_000  # a model import holds about a hundred; a large inline config a few thousand


def too_many_values(path: str, line: int, column: int) -> Located:
    return Located(
        path,
        line,
        column,
        "MA008",
        f"more than {MAX_VALUES:,} values; the file is not read further",
        "a model import needs a few hundred at most; remove the repeated values",
    )
