"""ListModels paging under either reading of `offset`.

The API reference calls `offset` the "index of the query page"; Huawei's Terraform provider
pages it as an item offset. Which one a server follows is found from the second page: asked
for `offset=1`, a server that counts items answers with the first page shifted by one, a
server that counts pages answers with new items. The result is confirmed by `total_count`.
"""

from __future__ import annotations

from collections.abc import Callable

from validator.registry.answers import Item
from validator.registry.base import RegistryError

MAX_PAGES = 10_000
# offset, limit -> (items, total_count or None)
Fetch = Callable[[int, int], tuple[list[Item], int | None]]


def counts_items(first: list[Item], second: list[Item]) -> bool:
    """True when page `offset=1` is page `offset=0` moved on by one item."""
    ids = [item.model_id for item in first[1:]]
    return bool(ids) and [item.model_id for item in second[: len(ids)]] == ids


def _collect(fetch: Fetch, limit: int) -> tuple[list[Item], int | None]:
    seen: dict[str, Item] = {}

    def add(items: list[Item]) -> None:
        for item in items:
            seen.setdefault(item.model_id, item)

    first, total = fetch(0, limit)
    add(first)
    if len(first) < limit or (total is not None and len(seen) >= total):
        return list(seen.values()), total
    second, total = fetch(1, limit)
    by_items = counts_items(first, second)
    add(second)
    offset, step = (limit + 1, limit) if by_items else (2, 1)
    last = second
    for _ in range(MAX_PAGES):
        if len(last) < limit or (total is not None and len(seen) >= total):
            return list(seen.values()), total
        last, total = fetch(offset, limit)
        add(last)
        offset += step
    raise RegistryError(f"more than {MAX_PAGES} ListModels pages")


def list_all(fetch: Fetch, limit: int, where: str) -> list[Item]:
    """Every item, each once. A count that disagrees with `total_count` (models created or
    deleted while paging) is listed once more; a second disagreement is an error."""
    for _ in range(2):
        items, total = _collect(fetch, limit)
        if total is None or len(items) == total:
            return items
    raise RegistryError(
        f"{where}: listed {len(items)} models but the registry counts {total}; it may be"
        " changing while it is read, try again"
    )
