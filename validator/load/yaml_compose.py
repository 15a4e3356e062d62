"""libyaml's node tree of a file, with PyYAML's safe resolver behind a memo.

Hot: once per file, and the resolver once per node. `compose` drives libyaml's parser
alone; `Loader` is PyYAML's C loader with the same resolver, for what `compose` does not
cover (the parser's events) and for a PyYAML built without libyaml.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # a PyYAML built without libyaml: the same results, slower
    from yaml import SafeLoader as _Base  # type: ignore[assignment]

from validator.load.yaml_nodes import MAP, SEQ, STR, constructor


class Loader(_Base):
    """libyaml with a memo in front of PyYAML's Python resolver, which it calls per scalar
    (`resolve`). What `compose` does not cover (events, a PyYAML without libyaml) uses it.

    Without path resolvers (the safe loader has none), the per-node path hooks do
    nothing: they are then answered by builtins, which libyaml calls without a frame.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        if _NO_PATHS:
            self.descend_resolver = _NOTHING.get  # type: ignore[method-assign,assignment]
            self.ascend_resolver = _NOTHING.clear  # type: ignore[method-assign]

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if _NO_PATHS:
            return resolve(self, kind, value, implicit)
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


def resolve(_: object, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
    """The tag PyYAML's safe resolver gives a node, when no path resolver is set.

    The tag of a plain scalar depends on its text only, and a repository repeats the same
    keys and values in every file: those are remembered. Any other node's tag is its
    kind's default.
    """
    if kind is ScalarNode and implicit[0]:
        tag = _RESOLVED.get(value)
        if tag is None:
            tag = str(constructor.resolve(kind, value, implicit))  # type: ignore[no-untyped-call]
            if len(value) <= _MEMO_TEXT and len(_RESOLVED) < _MEMO_SIZE:
                _RESOLVED[value] = tag
        return tag
    return STR if kind is ScalarNode else SEQ if kind is SequenceNode else MAP


_NO_PATHS = not _Base.yaml_path_resolvers
_NOTHING: dict[Any, Any] = {}  # never holds anything: get(a, b) is b, clear() is None
_RESOLVED: dict[str, str] = {}
_MEMO_TEXT, _MEMO_SIZE = 64, 1 << 12  # the keys and common values; small: memory stays flat


def compose(raw: bytes) -> Node | None:
    """The node tree of the one document in `raw` (None for none), as `yaml.compose` with
    `Loader` gives it, and its errors.

    Hot: once per file. libyaml's parser alone, with the resolver above: the loader's
    constructor and resolver state, which composing never reads, is not set up per file.
    """
    if _Composer is None:
        return yaml.compose(raw, Loader=Loader)
    node: Node | None = _Composer(raw).get_single_node()
    return node


try:
    from yaml._yaml import CParser
except ImportError:  # a PyYAML built without libyaml
    _Composer = None
else:

    class _Thin(CParser):
        resolve = resolve
        descend_resolver = staticmethod(_NOTHING.get)
        ascend_resolver = staticmethod(_NOTHING.clear)

    _Composer = _Thin if _NO_PATHS else None
