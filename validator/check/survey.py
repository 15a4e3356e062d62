"""Which files a run reads, and how: every import under the models folder, found in one walk.

The files named on the command line are loaded in full. The other imports matter only
for their identity (name and version, for the rules that compare files): it comes from
the identity cache when the file is unchanged, else from a light read, else from a full
load. A light identity that a finding would depend on is confirmed by a full parse.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from validator.check.rules.repository import identity
from validator.check.subject import Spec, absolute
from validator.errors import UserError
from validator.load.document import display
from validator.load.git_base import BaseState
from validator.load.identities import Identity, IdentityCache, Signature, signature
from validator.load.imports import load_import
from validator.load.index import read_light
from validator.settings import Settings

SUFFIXES = (".yaml", ".yml")
Walked = MutableMapping[Path, list[Path]]  # folder (absolute) -> the YAML files under it


def walk(folder: str, relative: str = "") -> Iterator[tuple[os.DirEntry[str], str]]:
    """The YAML files under `folder` in `os.walk` order (files, then sub-folders, sorted),
    with their path relative to it; symlinked folders are not entered, as `os.walk` does."""
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
    for entry in folders:
        if not entry.is_symlink():
            yield from walk(entry.path, f"{relative}{entry.name}/")


def collect_files(
    paths: Sequence[Path], settings: Settings, walked: Walked | None = None
) -> list[Path]:
    """The files named, folders expanded to the YAML files under them (kept in `walked`)."""
    if not paths:
        default = settings.root / settings.models_dir
        if not default.is_dir():
            raise UserError(f"no paths given and {default} is not a folder")
        paths = [default]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = [Path(entry.path) for entry, _ in walk(str(path))]
            if walked is not None:
                walked[absolute(path)] = found
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


@dataclass(frozen=True, slots=True)
class Survey:
    """Every import under the models folder, and which of them must be loaded in full."""

    order: list[Path]  # every import by `absolute` path, in the order specs are listed
    light: dict[Path, Spec]  # imports read for their identity only
    load: list[tuple[Path, bool]]  # the others, and whether each was named
    configs: set[Path]  # config files named: their users are checked
    exact: set[Path]  # light specs that come from a full parse (cached)
    absent: set[Path]  # imports that declare no identity, as a full parse found (cached)
    cache: IdentityCache | None
    signatures: dict[Path, tuple[str, Signature]]  # imports not named: cache key, signature

    def ordered(
        self,
        loaded: dict[Path, Spec],
        settings: Settings,
        targets: Iterable[Path],
        base: BaseState | None,
    ) -> list[Spec]:
        """Every import's spec in walk order; a light one loaded in full first where it matters.

        The identities of the imports loaded in full but not named are stored in the cache.
        """
        confirm(self, loaded, settings, targets, base)
        if self.cache is not None:
            for key, (name, sig) in self.signatures.items():
                if key in loaded:
                    self.cache.put(name, sig, Identity.of(loaded[key].document, exact=True))
                elif key not in self.light and key not in self.absent:
                    self.cache.put(name, sig, Identity.of(None, exact=True))
            self.cache.save()
        found = (self.light.get(key) or loaded.get(key) for key in self.order)
        return [spec for spec in found if spec is not None]


def confirm(
    found: Survey,
    loaded: dict[Path, Spec],
    settings: Settings,
    targets: Iterable[Path],
    base: BaseState | None,
) -> None:
    """Load in full the light specs whose identity a finding may depend on.

    A light read is exact when it gives a value, but it does not see a syntax error further
    down a file, which the full parse turns into "no identity". Only the identities equal to
    a checked import's (MA601) or to one at the base (MA603) change what is reported, so
    those few files are parsed, and kept as the full parse has them.
    """
    wanted = {identity(loaded[key]) for key in targets if key in loaded}
    if base is not None:
        wanted |= set(base.imports)
    light = found.light
    doubtful = [k for k, s in light.items() if k not in found.exact and identity(s) in wanted]
    for key in doubtful:
        spec = light.pop(key)
        full = load_import(spec.file, settings.root, settings.max_file_size, {})
        if full.document is not None:
            loaded[key] = Spec(full.document, spec.file, settings)


def survey(files: Sequence[Path], settings: Settings, walked: Walked | None = None) -> Survey:
    named = {absolute(f): f for f in files}
    configs = {p.resolve() for p, f in named.items() if f.suffix == ".json"}
    models = absolute(settings.root / settings.models_dir)
    if walked is not None and models in walked:  # `validate models`: the walk is done
        everything = {absolute(f): f for f in walked[models]}
        everything.update((p, f) for p, f in named.items() if f.suffix != ".json")
        every = [(file, key in named) for key, file in everything.items()]
        return Survey(list(everything), {}, every, configs, set(), set(), None, {})
    cache = IdentityCache(settings.root, settings.max_file_size)
    light: dict[Path, Spec] = {}
    exact: set[Path] = set()
    absent: set[Path] = set()
    load: list[tuple[Path, bool]] = []
    signatures: dict[Path, tuple[str, Signature]] = {}
    order: list[Path] = []
    shown_models = display(models)
    # Under the working directory, a file is shown as its folder is, and then its name.
    inside = not os.path.isabs(shown_models)
    prefix = "" if shown_models == "." else shown_models + "/"
    for entry, relative in walk(str(models)):
        key = Path(os.path.join(models, relative))
        order.append(key)
        file = Path(entry.path)
        if key in named:
            load.append((named[key], True))
            continue
        try:
            sig = signature(entry.stat())
        except OSError:
            load.append((file, False))
            continue
        signatures[key] = (relative, sig)
        shown = prefix + relative if inside else display(file)
        item = cache.get(relative, sig)
        if item is not None and not _uses(item.config, file, configs):
            document = item.document(shown)
            if document is not None:
                light[key] = Spec(document, file, settings)
                (exact if item.exact else set()).add(key)
                continue
            if item.exact:
                absent.add(key)
                continue
        index = read_light(file, shown, settings.max_file_size)
        if index is not None and not _uses(index.config, file, configs):
            light[key] = Spec(index.document, file, settings)
            cache.put(relative, sig, Identity.of(index.document, exact=False))
            continue
        load.append((file, False))
    seen = set(order)
    for key, file in named.items():
        if file.suffix != ".json" and key not in seen:
            order.append(key)
            load.append((file, True))
    return Survey(order, light, load, configs, exact, absent, cache, signatures)


def _uses(config: str | None, file: Path, configs: set[Path]) -> bool:
    return bool(configs) and config is not None and (file.parent / config).resolve() in configs
