"""The checks every file passes before a parser sees it: size first, then UTF-8."""

from __future__ import annotations

from validator.diagnostics import Located
from validator.load.document import line_column


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
