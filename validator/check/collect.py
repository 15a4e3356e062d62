"""The files a run checks: the paths named, folders expanded to the YAML files under them."""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path

from validator.check.subject import absolute
from validator.diagnostics import Located
from validator.errors import UserError
from validator.load.document import display
from validator.load.folders import SUFFIXES
from validator.settings import Settings

Walked = MutableMapping[Path, list[Path]]  # folder (absolute) -> the YAML files under it


def walk(
    folder: str, relative: str = "", odd: list[Path] | None = None
) -> Iterator[tuple[os.DirEntry[str], str]]:
    """The YAML files under `folder` in `os.walk` order (files, then sub-folders, sorted),
    with their path relative to it; symlinked folders are not entered, as `os.walk` does.

    Files whose suffix is `.YAML`, `.Yml`… are added to `odd`: imports in all but name.
    """
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        try:
            is_folder = entry.is_dir()
        except OSError:
            is_folder = False
        if is_folder:
            folders.append(entry)
        elif entry.name.endswith(SUFFIXES):
            yield entry, relative + entry.name
        elif odd is not None and entry.name.lower().endswith(SUFFIXES):
            odd.append(Path(entry.path))
    for entry in folders:
        if not entry.is_symlink():
            yield from walk(entry.path, f"{relative}{entry.name}/", odd)


def collect_files(
    paths: Sequence[Path],
    settings: Settings,
    walked: Walked | None = None,
    odd: list[Path] | None = None,
) -> list[Path]:
    """The files named, folders expanded to the YAML files under them (kept in `walked`;
    files in those folders with an upper-case YAML suffix are added to `odd`)."""
    if not paths:
        default = settings.root / settings.models_dir
        if not default.is_dir():
            raise UserError(f"no paths given and {default} is not a folder")
        paths = [default]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [Path(entry.path) for entry, _ in walk(str(path), odd=odd)]
            if walked is not None:
                walked[absolute(path)] = found
            files.extend(found)
        elif path.is_file() or (path.suffix in SUFFIXES and os.path.lexists(path)):
            files.append(path)  # an import that is a FIFO or a symlink loop: MA001 says so
        elif os.path.lexists(path):
            kinds = "a dangling symlink, a symlink loop, a FIFO or a device"
            raise UserError(f"{path}: not a regular file ({kinds})")
        else:
            raise UserError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def odd_suffixes(odd: Sequence[Path]) -> list[Located]:
    """MA001 for each file with an upper-case YAML suffix: never silently skipped."""
    found = []
    for path in odd:
        suffix = path.suffix
        message = (
            f"the suffix `{suffix}` is not read as an import; rename the file to"
            f" `{path.stem}{suffix.lower()}` (plan and sync refuse until then)"
        )
        found.append(Located(display(path), 1, 1, "MA001", message))
    return found
