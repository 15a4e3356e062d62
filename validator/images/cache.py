"""The image check cache, `.modelarts-gitops/cache/images.json`.

A manifest or an image config named by digest never changes, so it is kept for good. What
a tag points to (or that it is missing) is kept `images.tag_ttl` seconds. Failures are never
cached. The file is read once and written once per run (`validator.state` makes it atomic).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from validator.state import cache_file, read_json_cache, write_json_cache

NAME = "images.json"
VERSION = "images-1"


class ImageCache:
    def __init__(self, root: Path, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self._path = cache_file(root, NAME)
        self._ttl = ttl
        self._clock = clock
        self._entries = read_json_cache(self._path, VERSION)
        self._lock = threading.Lock()
        self._dirty = False

    def fresh(self, key: str) -> dict[str, Any] | None:
        """An entry stored with `put_fresh` less than the TTL ago."""
        entry = self.lasting(key)
        at = entry.get("at") if entry is not None else None
        if not isinstance(at, (int, float)) or not 0 <= self._clock() - at < self._ttl:
            return None
        return entry

    def lasting(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            entry = self._entries.get(key)
        return entry if isinstance(entry, dict) else None

    def put_fresh(self, key: str, value: dict[str, Any]) -> None:
        self.put_lasting(key, {**value, "at": self._clock()})

    def put_lasting(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = value
            self._dirty = True

    def save(self) -> None:
        """Write the cache when it changed, dropping lookups past their TTL."""
        if not self._dirty:
            return
        now = self._clock()
        with self._lock:
            kept = {key: e for key, e in self._entries.items() if _worth_keeping(e, now, self._ttl)}
        write_json_cache(self._path, VERSION, kept)


def _worth_keeping(entry: object, now: float, ttl: float) -> bool:
    """An entry by digest (no time), or a lookup younger than the TTL; nothing damaged."""
    if not isinstance(entry, dict):
        return False
    at = entry.get("at")
    return "at" not in entry or (isinstance(at, (int, float)) and 0 <= now - at < ttl)
