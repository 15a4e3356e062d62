"""What a registry told us about one image: plain values the online rules read (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass

from validator.check.subject import Spec


@dataclass(frozen=True, slots=True)
class ImageFacts:
    """`problem` set: nothing else is known (MA312). `missing` set: MA307, nothing else.

    Otherwise `tag_digest` is what the tag points to (None for a digest-only reference),
    `tag_digests` that digest and, for an index, its platform manifests; the rest describe
    the platform image ModelArts would run: `platform` is None when the manifest offers
    none of `PLATFORMS` (then `platforms` lists what it offers and nothing more is known).
    """

    problem: str | None = None
    missing: str | None = None
    hint: str | None = None
    tag_digest: str | None = None
    tag_digests: tuple[str, ...] = ()
    pinned_exists: bool = True
    platforms: tuple[str, ...] = ()
    platform: str | None = None
    size: int | None = None
    ports: tuple[str, ...] | None = None
    command: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class OnlineSpec:
    """What an online rule receives: the import, its parsed reference, the registry's facts."""

    spec: Spec
    reference: str  # host/path[:tag][@digest] as written
    name: str  # host/path
    tag: str | None
    digest: str | None
    facts: ImageFacts
