"""What a survey found, and how its imports become the specs the rules read.

`survey.survey` walks the models folder once and sorts every import: loaded in full,
known by its identity (from the caches or a light read), or still undecoded in a cached
folder or a tree snapshot. `Survey.ordered` then turns into specs only the imports a rule
can use, decoding records and confirming light reads where a finding may depend on them.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.known import Cached, Known
from validator.check.registry import checks
from validator.check.rules.repository import identity
from validator.check.subject import Spec
from validator.load import tree
from validator.load.document import display
from validator.load.identities import Identity, IdentityCache, Signature, decode
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


class Survey(NamedTuple):
    """Every import under the models folder, and which of them must be loaded in full.

    Imports are keyed by their absolute path as text (`os.path.abspath`).
    """

    order: list[str]  # every import, in the order specs are listed
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
        for key in _in_order(self.order, full.keys() | self.light.keys()):
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
            given, records = folder.names, folder.records
            for n in _picked(records, given, names):
                stored = records[n]
                record = stored if given is None else _json_or_none(stored)
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


def _in_order(order: list[str], keys: set[str]) -> Iterable[str]:
    """The keys found in `order` (which holds each once), in its order: a one-file run in a
    large repository looks a few up rather than passing over every import."""
    if len(keys) > 16:
        return (key for key in order if key in keys)
    at: dict[str, int] = {}
    for key in keys:
        with contextlib.suppress(ValueError):
            at[key] = order.index(key)
    return sorted(at, key=at.__getitem__)


def _picked(records: list[Any], given: list[Any] | None, names: set[str] | None) -> Iterable[int]:
    """The indexes of the records that may name one of `names` (None: all): a record
    whose name is not text is decoded, and found damaged or not, as any other."""
    if names is None:
        return range(len(records))
    if given is None:  # the identity cache's records, decoded already
        given = [stored[0] if type(stored) is list and stored else None for stored in records]
    return [n for n, name in enumerate(given) if type(name) is not str or name in names]


def _json_or_none(text: str) -> Any:
    """A snapshot's record, decoded; None (a damaged record: the file is read) when not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def read_light(path: Path, shown: str, max_size: int) -> Light | None:
    """`index.read_light`, imported when a file must be read: a warm run reads none."""
    from validator.load.index import read_light as read

    return read(path, shown, max_size)
