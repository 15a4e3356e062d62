"""Load a model import file and the config.json it references, with every problem located.

A config file shared by several imports is read once: the cache hands the same
Document (and reports its problems once) to every import that names it.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from pathlib import Path

from validator.diagnostics import Located, suggest
from validator.load.document import Document, display
from validator.load.encoding import read_file
from validator.load.json_file import load_json
from validator.load.yaml_file import load_yaml
from validator.paths import resolved


class LoadedImport:
    """An import as loaded, and then given its config (a plain class: the loader fills it in)."""

    __slots__ = ("config", "config_file", "document", "file", "problems")

    def __init__(self, file: Path, document: Document | None, problems: list[Located]) -> None:
        self.file = file
        self.document = document
        self.config: Document | None = None
        self.config_file: Path | None = None  # None when the config is inline
        self.problems = problems


# config file -> its document, its problems, and the path itself (one object for all users)
ConfigCache = dict[Path, tuple[Document | None, list[Located], Path]]


def load_import(
    file: Path,
    root: Path,
    max_size: int,
    cache: ConfigCache,
    places: Places | None = None,
    *,
    lazy: bool = False,
) -> LoadedImport:
    """The file and its config, read; a loader bug is one located finding, not a crash.

    `places`, when given, remembers where each config path leads from each folder: a run
    resolves a config path once for all the imports of a folder that name it. `lazy` is
    `load_yaml`'s: for an import whose document is dropped once its rules have run.
    """
    try:
        return _load_import(file, root, max_size, cache, places, lazy)
    except (OSError, RecursionError, ValueError, TypeError, KeyError, IndexError) as error:
        reason = f"{type(error).__name__}: {str(error)[:200]}"
        message = f"the file could not be read ({reason}); please report this as a bug"
        return LoadedImport(file, None, [Located(display(file), 1, 1, "MA001", message)])


def _load_import(
    file: Path, root: Path, max_size: int, cache: ConfigCache, places: Places | None, lazy: bool
) -> LoadedImport:
    name = display(file)
    try:
        info: os.stat_result | None = os.lstat(file)
    except OSError:
        info = None  # read_file says why it cannot be read
    if info is not None and stat.S_ISLNK(info.st_mode):
        info = None  # its target is what is read
        if not resolved(file).is_relative_to(resolved(root)):  # a loop: the read reports it
            message = "the file is a symlink to outside the repository; it is not read"
            return LoadedImport(file, None, [Located(name, 1, 1, "MA013", message)])
    raw = read_file(file, name, max_size, info=info)
    if isinstance(raw, Located):
        return LoadedImport(file, None, [raw])
    document, problems = load_yaml(raw, name, max_size, lazy=lazy)
    loaded = LoadedImport(file, document, problems)
    if document is None or not isinstance(document.data, dict):
        return loaded
    value = document.data.get("config")
    if isinstance(value, dict):
        loaded.config = document.at(("config",))
    elif isinstance(value, str) and value:
        _load_config_file(loaded, document, value, root, max_size, cache, places)
    return loaded


def _load_config_file(
    loaded: LoadedImport,
    document: Document,
    value: str,
    root: Path,
    max_size: int,
    cache: ConfigCache,
    places: Places | None,
) -> None:
    key = (os.path.dirname(loaded.file), value)
    place = places.get(key) if places is not None else None
    if place is None:
        place = _place(loaded.file, value, root)
        if places is not None:
            places[key] = place
    if isinstance(place, tuple):
        line, column = document.locate(("config",))
        loaded.problems.append(Located(document.path, line, column, *place))
        return
    entry = cache.get(place)
    if entry is None:  # its problems are reported once, by the pipeline
        entry = cache[place] = (*_read_json(place, max_size), place)
    loaded.config, _, loaded.config_file = entry


Problem = tuple[str, str, "str | None"]  # rule, message, hint
# (folder of the import, config path as written) -> the config file, or why there is none
Places = dict[tuple[str, str], "Path | Problem"]


def _place(file: Path, value: str, root: Path) -> Path | Problem:
    """The config file `value` names from `file`'s folder, or the problem with it."""

    def problem(rule: str, message: str, hint: str | None = None) -> Problem:
        return (rule, message, hint)

    if "\0" in value:
        return problem(
            "MA403", f"config path `{value}` holds a NUL character; no file can be named so"
        )
    if Path(value).is_absolute() or value.startswith("~"):
        return problem(
            "MA402", f"config path `{value}` is absolute; write it relative to this file"
        )
    target = file.parent / value
    root = root.resolve()
    lexical = Path(os.path.normpath(target.absolute()))
    if not lexical.is_relative_to(root):
        return problem("MA402", f"config path `{value}` leads outside the repository")
    try:
        resolved = target.resolve()
        exists = resolved.exists()
    except RuntimeError:  # a symlink loop on Python 3.11
        return problem("MA403", f"config path `{value}` is a symlink loop")
    except OSError as error:  # a name over the length limit, a loop (3.13), no permission
        if error.errno == errno.ELOOP:
            return problem("MA403", f"config path `{value}` is a symlink loop")
        return problem("MA403", f"config path `{value}` cannot be used: {error.strerror or error}")
    if not resolved.is_relative_to(root):
        return problem(
            "MA402", f"config path `{value}` is a symlink that leads outside the repository"
        )
    if not exists:
        folder = posixpath.dirname(value)
        siblings = [posixpath.join(folder, p.name) for p in target.parent.glob("*.json")]
        return problem("MA401", f"config file `{value}` does not exist", suggest(value, siblings))
    if not resolved.is_file():
        return problem("MA403", f"config path `{value}` is not a regular file")
    return resolved


def _read_json(path: Path, max_size: int) -> tuple[Document | None, list[Located]]:
    name = display(path)
    raw = read_file(path, name, max_size, "MA404")
    if isinstance(raw, Located):
        return None, [raw]
    return load_json(raw, name, max_size)
