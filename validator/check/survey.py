"""Which files a run reads, and how: every import under the models folder, found in one walk.

The files named on the command line are loaded in full. The other imports matter only
for their identity (name and version, for the rules that compare files): it comes from
the identity cache when the file is unchanged, else from a light read, else from a full
load. A light identity that a finding would depend on is confirmed by a full parse.

A one-file run in a large repository pays for this walk on every import, so the walk
works on the strings `os.scandir` gives (one `stat` per file, no `Path` per file), and an
import known only by its identity becomes a `Spec` only when a rule can use it: without
`--base`, the repository rules (MA601-MA604) read only the imports that share a checked
import's name and version, so the others are left out of the specs they receive.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from validator.check import surveyed
from validator.check.collect import Walked
from validator.check.known import Cached, Known
from validator.check.subject import absolute, absolute_texts
from validator.check.surveyed import Survey
from validator.load import tree
from validator.load.document import display
from validator.load.folders import FolderCache, walk_folders
from validator.load.identities import Identity, IdentityCache, flat, signature
from validator.paths import resolved
from validator.settings import Settings


def survey(files: Sequence[Path], settings: Settings, walked: Walked | None = None) -> Survey:
    named = dict(zip(absolute_texts(files), files, strict=True))
    configs = {resolved(p) for p, f in named.items() if f.suffix == ".json"}
    models = absolute(settings.root / settings.models_dir)
    if walked is not None and models in walked:  # `validate models`: the walk is done
        listed = walked[models]
        texts = {file: key for key, file in named.items()}  # most files are both: one abspath
        unknown = [file for file in listed if file not in texts]
        texts.update(zip(unknown, absolute_texts(unknown), strict=True))
        everything = {texts[file]: file for file in listed}
        everything.update((p, f) for p, f in named.items() if f.suffix != ".json")
        every = [(file, key in named) for key, file in everything.items()]
        # In walk order, then the files named outside the models folder.
        return Survey(list(everything), {}, every, configs, None, {}, [])
    shown_models = display(models)
    # Under the working directory, a file is shown as its folder is, and then its name.
    inside = not os.path.isabs(shown_models)
    prefix = "" if shown_models == "." else shown_models + "/"
    if not configs:
        if tree.comparing(settings.root, str(models), settings.max_file_size):
            _ready_the_schema(settings)
        snapshot = tree.read(settings.root, str(models), settings.max_file_size)
        if snapshot is not None:
            return _unchanged(snapshot, str(models), prefix if inside else None, named)
    cache = IdentityCache(settings.root, settings.max_file_size)
    folders = FolderCache(settings.root)
    visited: list[str] = []
    found = Survey([], {}, [], configs, cache, {}, [], (visited, folders.kept))
    for where, relative, names in walk_folders(str(models), folders):
        visited.append(relative)
        keys = list(map(where.__add__, names))
        found.order.extend(keys)
        shown = prefix + relative if inside else None
        if not configs and named.keys().isdisjoint(keys):
            try:
                signed: list[int] | None = flat(map(os.stat, keys))
            except OSError:
                signed = None
            records = cache.folder(relative, names, signed) if signed is not None else None
            if records is not None:
                assert signed is not None
                found.cached.append(Cached(where, relative, shown, names, signed, records))
                continue
        for key, name in zip(keys, names, strict=True):
            _survey_file(found, key, relative + name, shown, named, settings)
    folders.save()
    _outside(found, named)
    return found


def _ready_the_schema(settings: Settings) -> None:
    """Build the import schema's compiled check (mostly importing jsonschema-rs, 20 ms)
    while a child compares the tree: the checked file's rules need it next."""
    from validator.check.schema import STRUCTURE_RULES, schema_check

    if any(map(settings.enabled, STRUCTURE_RULES.values())):
        schema_check("import")


def _outside(found: Survey, named: dict[str, Path]) -> None:
    """The imports named that are not under the models folder: loaded last."""
    seen = set(found.order)
    for key, file in named.items():
        if file.suffix != ".json" and key not in seen:
            found.order.append(key)
            found.load.append((file, True))


def _unchanged(
    snapshot: tree.Snapshot, models: str, shown: str | None, named: dict[str, Path]
) -> Survey:
    """The survey of a models tree that did not change since its snapshot: the imports named
    are loaded, the others' records decoded only where a rule may use them."""
    where = models if models.endswith("/") else models + "/"
    files, signed, names, records = snapshot
    order = list(map(where.__add__, files))
    found = Survey(order, {}, [], set(), None, {}, [])
    inside = [key[len(where) :] for key in named if key.startswith(where)]
    picked = sorted(files.index(name) for name in inside if name in files)
    if picked:
        files, signed, names, records = list(files), list(signed), list(names), list(records)
        for n in reversed(picked):
            del files[n], names[n], records[n], signed[4 * n : 4 * n + 4]
        found.load.extend((named[order[n]], True) for n in picked)
    found.cached.append(Cached(where, "", shown, files, signed, records, names))
    _outside(found, named)
    return found


def _survey_file(
    found: Survey,
    key: str,
    relative: str,
    folder: str | None,
    named: dict[str, Path],
    settings: Settings,
) -> None:
    """Where the identity of one file of a folder the cache does not hold whole comes from."""
    cache, configs = found.cache, found.configs
    assert cache is not None
    if key in named:
        found.load.append((named[key], True))
        with contextlib.suppress(OSError):  # recorded from its full parse, as the others
            found.signatures[key] = (relative, signature(os.stat(key)))
        return
    try:
        info = os.stat(key)
    except OSError:
        found.load.append((Path(key), False))
        return
    sig = signature(info)
    shown = display(Path(key)) if folder is None else folder + os.path.basename(key)
    item = cache.get(relative, sig)
    if item is not None and not _uses(item.config, key, configs):
        if isinstance(item.name, str) and isinstance(item.version, str):
            found.light[key] = Known(item, shown, None, relative, sig)
            return
        if item.exact:
            return  # declares no identity, as a full parse found
    index = surveyed.read_light(Path(key), shown, settings.max_file_size)
    if index is not None and not _uses(index.config, key, configs):
        item = Identity.of(index.document, exact=False)
        found.light[key] = Known(item, shown, index.document, relative, sig)
        cache.put(relative, sig, item)
        return
    found.signatures[key] = (relative, sig)
    found.load.append((Path(key), False))


def _uses(config: str | None, file: str, configs: set[Path]) -> bool:
    if not configs or config is None:
        return False
    return resolved(os.path.join(os.path.dirname(file), config)) in configs
