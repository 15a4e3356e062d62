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

import os
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.registry import checks
from validator.check.rules.repository import identity
from validator.check.subject import Spec, absolute
from validator.diagnostics import Located
from validator.errors import UserError
from validator.load.document import Document, display
from validator.load.folders import SUFFIXES, FolderCache, walk_cached
from validator.load.identities import Identity, IdentityCache, Signature, signature
from validator.load.imports import load_import
from validator.load.index import read_light
from validator.settings import Settings

if TYPE_CHECKING:  # git_base is needed for --base only
    from validator.load.git_base import BaseState

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
        elif path.is_file():
            files.append(path)
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


# The repository rules that read nothing of an import but its identity, and, without a
# base, only for the imports that share a checked import's identity (MA601). Another
# repository rule makes every import a spec again.
IDENTITY_RULES = frozenset({"MA601", "MA602", "MA603", "MA604"})


class Known(NamedTuple):
    """An import known by its identity only: from the cache, or from a light read."""

    identity: Identity
    shown: str  # how diagnostics name it
    document: Document | None  # the light read's document; None when from the cache
    relative: str  # its cache key: the path under the models folder
    signature: Signature

    def key(self) -> tuple[str, str] | None:
        name, version = self.identity.name, self.identity.version
        return (name, version) if isinstance(name, str) and isinstance(version, str) else None


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
    signatures: dict[str, tuple[str, Signature]]  # imports loaded, not named: cache key, sig

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
        every = base is not None or not {r.id for r in checks("repository")} <= IDENTITY_RULES
        if base is not None:
            wanted |= set(base.imports)
        doubtful = confirm(self, loaded, settings, wanted)
        full = {str(key): spec for key, spec in loaded.items()}
        if self.cache is not None:
            self._record(full, doubtful)
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

    def _record(self, full: dict[str, Spec], doubtful: list[tuple[str, Known]]) -> None:
        assert self.cache is not None
        pending = list(self.signatures.items())
        pending += ((key, (k.relative, k.signature)) for key, k in doubtful)
        for key, (name, sig) in pending:
            spec = full.get(key)
            document = spec.document if spec is not None else None
            self.cache.put(name, sig, Identity.of(document, exact=True))
        self.cache.save()


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
        return Survey([], {}, every, configs, None, {})  # `load` is in walk order
    cache = IdentityCache(settings.root, settings.max_file_size)
    light: dict[str, Known] = {}
    load: list[tuple[Path, bool]] = []
    signatures: dict[str, tuple[str, Signature]] = {}
    order: list[str] = []
    shown_models = display(models)
    # Under the working directory, a file is shown as its folder is, and then its name.
    inside = not os.path.isabs(shown_models)
    prefix = "" if shown_models == "." else shown_models + "/"
    folders = FolderCache(settings.root)
    for key, relative in walk_cached(str(models), folders):
        order.append(key)
        if key in named:
            load.append((named[key], True))
            continue
        try:
            info = os.stat(key)
        except OSError:
            load.append((Path(key), False))
            continue
        sig = signature(info)
        shown = prefix + relative if inside else display(Path(key))
        item = cache.get(relative, sig)
        if item is not None and not _uses(item.config, key, configs):
            if isinstance(item.name, str) and isinstance(item.version, str):
                light[key] = Known(item, shown, None, relative, sig)
                continue
            if item.exact:
                continue  # declares no identity, as a full parse found
        index = read_light(Path(key), shown, settings.max_file_size)
        if index is not None and not _uses(index.config, key, configs):
            item = Identity.of(index.document, exact=False)
            light[key] = Known(item, shown, index.document, relative, sig)
            cache.put(relative, sig, item)
            continue
        signatures[key] = (relative, sig)
        load.append((Path(key), False))
    folders.save()
    seen = set(order)
    for key, file in named.items():
        if file.suffix != ".json" and key not in seen:
            order.append(key)
            load.append((file, True))
    return Survey(order, light, load, configs, cache, signatures)


def _uses(config: str | None, file: str, configs: set[Path]) -> bool:
    if not configs or config is None:
        return False
    return (Path(os.path.dirname(file)) / config).resolve() in configs
