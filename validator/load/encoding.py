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


def read_file(path: Path, shown: str, max_size: int, rule: str = "MA001") -> bytes | Located:
    """A file's bytes, or why they cannot be had, without ever reading more than the limit.

    A symlink to /dev/zero or a FIFO named like an import must not hang or exhaust memory:
    only regular files are read, and never more than `max_size + 1` bytes.
    """
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return Located(shown, 1, 1, rule, "not a regular file (a device, a FIFO or a folder)")
        if info.st_size > max_size:
            message = f"file is {info.st_size:,} bytes; the limit is {max_size:,}"
            return Located(shown, 1, 1, "MA008", message, "raise max_file_size if this is intended")
        return _read(path, min(info.st_size, max_size), max_size)
    except (OSError, RuntimeError) as error:  # RuntimeError: a symlink loop on Python 3.11
        reason = getattr(error, "strerror", None) or str(error)
        return Located(shown, 1, 1, rule, f"cannot read the file: {reason}")


def _read(path: Path, size: int, max_size: int) -> bytes:
    """The file's bytes, in one read when it still holds the `size` its stat gave.

    One byte more than `size` is asked for, so a file that grew since (or one that reports
    no size, under /proc) shows it, and is then read on to the limit, as is one that gave
    fewer bytes. A FIFO put in its place since the stat cannot block the open: O_NONBLOCK.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        raw = os.read(fd, size + 1)
        if len(raw) == size:
            return raw
        parts, left = [raw], max_size + 1 - len(raw)
        while left > 0 and (more := os.read(fd, left)):
            parts.append(more)
            left -= len(more)
        return b"".join(parts)
    finally:
        os.close(fd)


_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC


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
