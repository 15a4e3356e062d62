"""JSON that comes from outside: a server's answer, a client's request, a file a user names.

`json.loads` alone is not enough for it. Its decoder recurses once per level and raises
`RecursionError`, not `ValueError`, on text nested about a thousand levels deep; text a
little less deep decodes, and then every recursive walk over it (scrubbing secrets,
comparing configs, canonical JSON) fails instead. `loads` refuses nesting past
`MAX_DEPTH` as the `ValueError` every caller already handles for text that is not JSON.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 100  # a ModelArts answer wraps a config.json (itself limited to 64) in a few levels


class TooDeep(ValueError):
    """Valid JSON, or JSON the decoder gave up on, nested deeper than `MAX_DEPTH` levels."""

    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_DEPTH} levels")


def loads(text: str | bytes) -> Any:
    """`json.loads`, and `TooDeep` (a ValueError) for nesting deeper than `MAX_DEPTH` levels."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise TooDeep from None
    if opened(text) > MAX_DEPTH and exceeds(data, MAX_DEPTH):
        raise TooDeep
    return data


def opened(text: str | bytes) -> int:
    """How many arrays and objects the text may open: a bound on its depth, in C."""
    if isinstance(text, str):
        return text.count("[") + text.count("{")
    return text.count(b"[") + text.count(b"{")


def exceeds(data: Any, depth: int, values: int | None = None) -> bool:
    """True when decoded JSON nests arrays and objects more than `depth` levels deep, or
    holds more than `values` values (counting every one, containers too); no recursion."""
    count, stack = 0, [(data, 1)]
    while stack:
        item, level = stack.pop()
        count += 1
        if values is not None and count > values:
            return True
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if level > depth:
            return True
        if values is None:  # only containers can be deeper
            item = [child for child in item if isinstance(child, dict | list)]
        stack.extend((child, level + 1) for child in item)
    return False
