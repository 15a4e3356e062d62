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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.check.collect import Walked
from validator.check.known import Cached, Known
from validator.check.registry import checks
from validator.check.rules.repository import identity
from validator.check.subject import Spec, absolute
from validator.load import tree
from validator.load.document import display
from validator.load.folders import FolderCache, walk_folders
from validator.load.identities import Identity, IdentityCache, Signature, decode, flat, signature
from validator.load.imports import load_import
from validator.settings import Settings

if TYPE_CHECKING:  # git_base is needed for --base only
    from validator.load.git_base import BaseState
    from validator.load.index import Light

# The repository rules that read nothing of an import but its identity, and, without a
# base, only for the imports that share a checked import's identity (MA601). Another
# repository rule makes every import a spec again.
IDENTITY_RULES = frozenset({"MA601", "MA602", "MA603", "MA604"})


def every_import_needed(base: object) -> bool:
    """True when every import must become a spec: with a base, or a repository rule
    beyond MA601-MA604."""
    return base is not None or not {r.id for r in checks("repository")} <= IDENTITY_RULES


@dataclass(frozen=True, slots=True)
class Survey:
    """Every import under the models folder, and which of them must be loaded in full.

    Imports are keyed by their absolute path as text (`os.path.abspath`).
    """

    order: list[str]  # every import, in the order specs are listed; [] when it is `load`'s
    light: dict[str, Known]  # imports read for their identity only
    load: list[tuple[Path, bool]]  # the others, and whether each was named
    configs: set[Path]  # config files named: their users are checked
    cache: IdentityCache | None
    signatures: dict[str, tuple[str, Signature]]  # imports loaded in full: cache key, sig
    cached: list[Cached]  # folders whose identities are still to be decoded
    walked: tuple[list[str], dict[str, Any]] | None = None  # folders walked; their listings

    def ordered(
        self,
        loaded: dict[Path, Spec],
        settings: Settings,
        targets: Iterable[Path],
        base: BaseState | None,
    ) -> list[Spec]:
        """Every import's spec that a rule can use, in walk order; a light one loaded in
        full first where it matters.

        The identities of the imports loaded in full but not named are stored in the cache.
        """
        wanted = {identity(loaded[key]) for key in targets if key in loaded}
        wanted.discard(None)
        every = every_import_needed(base)
        if base is not None:
            wanted |= set(base.imports)
        self.expand(loaded, settings, None if every else {key[0] for key in wanted if key})
        doubtful = confirm(self, loaded, settings, wanted)
        full = {str(key): spec for key, spec in loaded.items()}
        if self.cache is not None:
            self._record(full, doubtful, settings)
        specs = []
        order = self.order or (os.path.abspath(file) for file, _ in self.load)
        for key in order:
            spec = full.get(key)
            if spec is None:
                known = self.light.get(key)
                if known is None or not (every or known.key() in wanted):
                    continue
                document = known.document or known.identity.document(known.shown)
                if document is None:
                    continue
                spec = Spec(document, Path(key), settings)
            specs.append(spec)
        return specs

    def expand(self, loaded: dict[Path, Spec], settings: Settings, names: set[str] | None) -> None:
        """Decode the cached records of the imports named one of `names` (None: all) into
        `light`; an import whose record is damaged is read as if it were not cached."""
        for folder in self.cached:
            for n, record in enumerate(folder.records):
                if names is not None and type(record) is list and record:
                    name = record[0]
                    if type(name) is str and name not in names:
                        continue
                file = folder.files[n]
                key, relative = folder.where + file, folder.relative + file
                shown = display(Path(key)) if folder.shown is None else folder.shown + file
                size, mtime, ctime, inode = folder.signed[4 * n : 4 * n + 4]
                sig = (size, mtime, ctime, inode)
                item = decode(record)
                if item is not None and isinstance(item.name, str) and type(item.version) is str:
                    self.light[key] = Known(item, shown, None, relative, sig)
                    continue
                if item is not None and item.exact:
                    continue  # declares no identity, as a full parse found
                self._read(key, shown, relative, sig, settings, loaded)
        self.cached.clear()

    def _read(
        self,
        key: str,
        shown: str,
        relative: str,
        sig: Signature,
        settings: Settings,
        loaded: dict[Path, Spec],
    ) -> None:
        """What `survey` does for a file the cache does not know, once the files are loaded."""
        index = read_light(Path(key), shown, settings.max_file_size)
        if index is not None:
            item = Identity.of(index.document, exact=False)
            self.light[key] = Known(item, shown, index.document, relative, sig)
            if self.cache is not None:
                self.cache.put(relative, sig, item)
            return
        file = Path(key)
        full = load_import(file, settings.root, settings.max_file_size, {})
        if full.document is not None:
            loaded[file] = Spec(full.document, file, settings)
        self.signatures[key] = (relative, sig)

    def _record(
        self, full: dict[str, Spec], doubtful: list[tuple[str, Known]], settings: Settings
    ) -> None:
        assert self.cache is not None
        pending = list(self.signatures.items())
        pending += ((key, (k.relative, k.signature)) for key, k in doubtful)
        for key, (name, sig) in pending:
            spec = full.get(key)
            document = spec.document if spec is not None else None
            self.cache.put(name, sig, Identity.of(document, exact=True))
        self.cache.save()
        if self.walked is not None:
            visited, listings = self.walked
            tree.write(settings.root, settings.max_file_size, visited, listings, self.cache.saved)


def confirm(
    found: Survey, loaded: dict[Path, Spec], settings: Settings, wanted: set[Any]
) -> list[tuple[str, Known]]:
    """Load in full the light imports whose identity a finding may depend on; they are
    returned, and leave `found.light`.

    A light read is exact when it gives a value, but it does not see a syntax error further
    down a file, which the full parse turns into "no identity". Only the identities equal to
    a checked import's (MA601) or to one at the base (MA603) change what is reported, so
    those few files are parsed, and kept as the full parse has them.
    """
    light = found.light
    doubtful = [(key, k) for key, k in light.items() if not k.identity.exact and k.key() in wanted]
    for key, _ in doubtful:
        del light[key]
        file = Path(key)
        full = load_import(file, settings.root, settings.max_file_size, {})
        if full.document is not None:
            loaded[file] = Spec(full.document, file, settings)
    return doubtful


def survey(files: Sequence[Path], settings: Settings, walked: Walked | None = None) -> Survey:
    named = {os.path.abspath(f): f for f in files}
    configs = {Path(p).resolve() for p, f in named.items() if f.suffix == ".json"}
    models = absolute(settings.root / settings.models_dir)
    if walked is not None and models in walked:  # `validate models`: the walk is done
        everything = {os.path.abspath(f): f for f in walked[models]}
        everything.update((p, f) for p, f in named.items() if f.suffix != ".json")
        every = [(file, key in named) for key, file in everything.items()]
        return Survey([], {}, every, configs, None, {}, [])  # `load` is in walk order
    shown_models = display(models)
    # Under the working directory, a file is shown as its folder is, and then its name.
    inside = not os.path.isabs(shown_models)
    prefix = "" if shown_models == "." else shown_models + "/"
    if not configs:
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
    files, signed, records = snapshot
    order = list(map(where.__add__, files))
    found = Survey(order, {}, [], set(), None, {}, [])
    inside = [key[len(where) :] for key in named if key.startswith(where)]
    picked = sorted(files.index(name) for name in inside if name in files)
    if picked:
        files, signed, records = list(files), list(signed), list(records)
        for n in reversed(picked):
            del files[n], records[n], signed[4 * n : 4 * n + 4]
        found.load.extend((named[order[n]], True) for n in picked)
    found.cached.append(Cached(where, "", shown, files, signed, records))
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
    index = read_light(Path(key), shown, settings.max_file_size)
    if index is not None and not _uses(index.config, key, configs):
        item = Identity.of(index.document, exact=False)
        found.light[key] = Known(item, shown, index.document, relative, sig)
        cache.put(relative, sig, item)
        return
    found.signatures[key] = (relative, sig)
    found.load.append((Path(key), False))


def read_light(path: Path, shown: str, max_size: int) -> Light | None:
    """`index.read_light`, imported when a file must be read: a warm run reads none."""
    from validator.load.index import read_light as read

    return read(path, shown, max_size)


def _uses(config: str | None, file: str, configs: set[Path]) -> bool:
    if not configs or config is None:
        return False
    return (Path(os.path.dirname(file)) / config).resolve() in configs
