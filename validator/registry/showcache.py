"""ShowModel answers cached by model id, in `.modelarts-gitops/cache/`.

A model id's content never changes once its import has finished, only its status (which
every ListModels page carries), so an unchanged project costs list pages only. Only
answers in a final status are kept, as read: `config` in its canonical form (so a cached
read parses no config again) and without `apis`, which only the first read checks. The
file is written atomically after merging with what another run may have written
meanwhile; a damaged file reads as an empty cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from validator.registry.base import Status
from validator.state import cache_file, read_json_cache, write_json_cache

VERSION = "showmodel-2"
FINAL = {Status.PUBLISHED.value, Status.FAILED.value, Status.BUILDING_FAILED.value}
DROPPED = {"model_status", "apis", "config", "initial_config"}


def cache_path(root: Path, endpoint: str, project_id: str) -> Path | None:
    """One file per registry (endpoint and project), so two accounts never mix; None when
    the tool folder cannot be made (the run goes on without a cache)."""
    key = hashlib.sha256(f"{endpoint}\n{project_id}".encode()).hexdigest()[:16]
    try:
        return cache_file(root, f"showmodel-{key}.json")
    except OSError:
        return None


class ShowCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, Any] = read_json_cache(path, VERSION) if path else {}
        self._added: dict[str, dict[str, Any]] = {}

    def get(self, model_id: str) -> dict[str, Any] | None:
        entry = self._entries.get(model_id)
        return entry if isinstance(entry, dict) else None

    def put(self, model_id: str, body: dict[str, Any], config: str | None) -> None:
        """Keep `body` (a ShowModel answer), whose config read as `config`."""
        if self.path is None or str(body.get("model_status", "")).lower() not in FINAL:
            return
        kept = {k: v for k, v in body.items() if k not in DROPPED}
        if config is not None:
            kept["config"] = config
        self._entries[model_id] = self._added[model_id] = kept

    def forget(self, model_id: str) -> None:
        self._entries.pop(model_id, None)

    def save(self, live: Collection[str] | None = None) -> None:
        """Merge with the file as it is now and write it; ids not in `live` are dropped."""
        if self.path is None:
            return
        if not self._added and (live is None or self._entries.keys() <= set(live)):
            return  # nothing to add and nothing to drop: the file stays as it is
        merged = {**read_json_cache(self.path, VERSION), **self._added}
        if live is not None:
            merged = {k: v for k, v in merged.items() if k in live}
        write_json_cache(self.path, VERSION, merged)
        self._entries, self._added = merged, {}
