"""The imports a run knows by their identity only, and the folders of them still to decode."""

from __future__ import annotations

from typing import Any, NamedTuple

from validator.load.document import Document
from validator.load.identities import Identity, Signature


class Cached(NamedTuple):
    """A folder whose files all have the signatures the identity cache holds: their
    records are decoded only when a rule may use them (see `Survey.expand`)."""

    where: str  # its path, ending in `/`
    relative: str  # its path under the models folder, ending in `/` (empty for that folder)
    shown: str | None  # how diagnostics name it, ending in `/`; None: `display` each file
    files: list[str]
    signed: list[int]  # the files' signatures, as `identities.flat` gives them
    records: list[Any]  # as `identities.decode` reads them; JSON text of that when `names`
    names: list[Any] | None = None  # the name in each record (a tree snapshot's), or None


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
