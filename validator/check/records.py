"""What a run keeps of each checked import once its own rules have run: one small tuple.

A slim spec (see `validator.check.subject.slim`) is five objects per import: a run over
tens of thousands of imports keeps a `Kept` instead, and makes a slim spec again only
for the imports a repository rule can use (`needed`) and for the files with findings,
whose ignore comments filter them (`ignore_documents`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.subject import Marks, Spec, absolute
from validator.check.surveyed import Survey, every_import_needed
from validator.diagnostics import DataPath, Located
from validator.load.document import Document, Position
from validator.settings import Settings

if TYPE_CHECKING:
    from validator.load.git_base import BaseState

ABSENT: Any = ...  # a key the import does not have (a singleton that survives pickling)
KEYS = ("name", "version", "config")
_NO_RAW: Mapping[DataPath, str] = {}  # shared, never written


class Kept(NamedTuple):
    """A checked import's slim spec as one tuple, by index into the files loaded.

    Not its image: only the config rules read that, and they have run.
    """

    order: int  # its index into the files loaded
    shown: str  # its document's path
    name: Any
    version: Any
    config: Any
    root: Position | None
    at: Position | None  # where the version is
    ignores: Mapping[int, frozenset[str]]
    config_file: Path | None
    target: bool

    def key(self) -> tuple[str, str] | None:
        name, version = self.name, self.version
        return (name, version) if isinstance(name, str) and isinstance(version, str) else None

    def spec(self, file: Path, settings: Settings) -> Spec:
        """The slim spec again, without the image."""
        values = (self.name, self.version, self.config)
        data = {k: v for k, v in zip(KEYS, values, strict=True) if v is not ABSENT}
        marks = Marks(self.root, self.at)
        document = Document(self.shown, data, marks, _NO_RAW, self.ignores)
        return Spec(document, file, settings, None, self.config_file)


def keep(thin: Spec, order: int, target: bool) -> Kept:
    """The record of a slim spec (`slim`'s result), the `order`-th file loaded."""
    document = thin.document
    data = document.data
    marks = document.positions
    assert isinstance(marks, Marks)
    name, version, config = (data.get(k, ABSENT) for k in KEYS)
    shown = document.path
    text = str(thin.file)  # pathlib keeps this text: most files are shown as it
    return Kept(
        order,
        text if text == shown else shown,
        name,
        version,
        config,
        marks.root,
        marks.version,
        document.ignores,
        thin.config_file,
        target,
    )


Wanted = Callable[[Kept], bool]


def all_needed(every: bool) -> bool:
    """True when every record is needed: `every`, or what `every_import_needed` says."""
    return every or every_import_needed(None)


def needed(kept: Iterable[Kept], light: Iterable[tuple[str, str] | None], *, every: bool) -> Wanted:
    """Which records a repository rule can use.

    With `every` (a base; the identity cache records every import loaded), or a repository
    rule other than MA601-MA604, every one; else those whose name and version another
    import (loaded, or known by its identity only) shares: MA601 compares nothing else.
    """
    if all_needed(every):
        return lambda item: True
    counts = Counter(item.key() for item in kept)
    counts.update(set(light))
    counts.pop(None, None)
    return lambda item: counts.get(item.key(), 0) > 1


def ignore_documents(located: Iterable[Located], kept: Iterable[Kept]) -> dict[str, Document]:
    """The ignore comments of the kept imports that have findings, as documents by path."""
    files = {item.file for item in located}
    if not files:
        return {}
    return {
        item.shown: Document(item.shown, {}, {}, ignores=item.ignores)
        for item in kept
        if item.shown in files
    }


def materialize(
    kept: Sequence[Kept],
    load: Sequence[tuple[Path, bool]],
    settings: Settings,
    wanted: Wanted,
) -> tuple[dict[Path, Spec], frozenset[Path]]:
    """The slim specs (by `absolute` path) of the records `wanted` says, and the targets."""
    specs: dict[Path, Spec] = {}
    targets = []
    for item in kept:
        if not wanted(item):
            continue
        file = load[item.order][0]
        key = absolute(file)
        specs[key] = item.spec(file, settings)
        if item.target:
            targets.append(key)
    return specs, frozenset(targets)


def repository_specs(
    kept: Sequence[Kept], found: Survey, settings: Settings, base: BaseState | None
) -> tuple[dict[Path, Spec], frozenset[Path]]:
    """The specs the repository rules read, made from the kept records, and the targets.

    Identities the survey still holds undecoded (a tree snapshot) that share a kept
    import's name are decoded first, so that `needed` counts them.
    """
    every = base is not None or found.cache is not None
    extra: dict[Path, Spec] = {}
    if not all_needed(every):
        found.expand(extra, settings, {key[0] for key in map(Kept.key, kept) if key})
    light = (known.key() for known in found.light.values())
    loaded, targets = materialize(kept, found.load, settings, needed(kept, light, every=every))
    loaded.update(extra)
    return loaded, targets
