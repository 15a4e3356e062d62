"""A node tree that holds nothing unusual, turned into plain data alone, its positions
read from the tree when asked.

Recording a position for every node (`yaml_nodes.Builder`) is most of the cost of turning
a tree into data, and a file that passes its rules is never asked for one. So a tree is
first turned into data without them (`plain_data`), and `TreePositions` and `TreeRaw`
answer a lookup by walking the tree from the top. The walk gives what the builder would
have recorded, because `plain_data` gives up (`Unusual`) on everything the builder
reports or refuses: aliases, foreign tags, keys that are not text, duplicate keys, YAML
1.1 booleans, long or malformed numbers, and nesting at the limit. Such a file goes to
the builder, which says where and why.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.diagnostics import DataPath
from validator.load.document import Position
from validator.load.yaml_nodes import (
    BOOL,
    CONSTRUCT,
    INT,
    MAP,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    PLAIN_TAGS,
    SEQ,
    STR,
    TEXT_TAGS,
    YAML11_BOOLS,
    Builder,
)


class Unusual(Exception):
    """The tree holds something only the builder words: it is built again by the builder."""


def plain_data(node: Node, depth: int = 0) -> Any:
    """The data of a tree without aliases (no `*` in its text), as the builder makes it.

    Hot: it runs for every node of every file. Text leaves are taken inline.
    """
    kind = type(node)
    if kind is MappingNode:
        if node.tag != MAP or depth >= MAX_DEPTH:
            raise Unusual
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != STR or type(key_node) is not ScalarNode:
                raise Unusual
            key = key_node.value
            if key in out:
                raise Unusual
            if value_node.tag == STR and type(value_node) is ScalarNode:
                out[key] = value_node.value
            else:
                out[key] = plain_data(value_node, depth + 1)
        return out
    if kind is SequenceNode:
        if node.tag != SEQ or depth >= MAX_DEPTH:
            raise Unusual
        return [
            item.value
            if item.tag == STR and type(item) is ScalarNode
            else plain_data(item, depth + 1)
            for item in node.value
        ]
    return _scalar(node)  # type: ignore[arg-type]


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == INT and _decimal(value):
        return int(value)
    if tag in TEXT_TAGS:
        return value
    make = CONSTRUCT.get(tag)
    if make is None or len(value) > MAX_INT_DIGITS:
        raise Unusual
    if tag == BOOL and value.lower() in YAML11_BOOLS:
        raise Unusual
    try:
        return make(node)
    except (KeyError, IndexError, ValueError):
        raise Unusual from None


def _decimal(text: str) -> bool:
    """Digits that `int` reads as YAML does: no sign, no `_`, no leading zero (octal)."""
    return (
        text.isascii()
        and text.isdigit()
        and len(text) <= MAX_INT_DIGITS
        and (text[0] != "0" or text == "0")
    )


def _walk(root: Node, path: DataPath) -> tuple[Node, Node | None]:
    """The node at `path` and the key node it sits under (None in a list or at the top)."""
    node, key_node = root, None
    for part in path:
        if type(node) is MappingNode and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    node = value_node
                    break
            else:
                raise KeyError(path)
        elif type(node) is SequenceNode and isinstance(part, int) and 0 <= part < len(node.value):
            node, key_node = node.value[part], None
        else:
            raise KeyError(path)
    return node, key_node


V = TypeVar("V")


class _TreeView(Mapping[DataPath, V]):
    """A mapping by data path, answered from a node tree.

    A lookup walks down from the top, scanning each mapping's keys; a document asked often
    (many findings) builds the builder's index once and reads it from then on, so that
    its findings cost no more than they did with the index made upfront.
    """

    __slots__ = ("_asked", "_index", "root")

    def __init__(self, root: Node) -> None:
        self.root = root
        self._asked = 0
        self._index: Mapping[DataPath, V] | None = None

    def _walked(self, path: DataPath) -> V:
        raise NotImplementedError

    def _indexed(self) -> Mapping[DataPath, V]:
        raise NotImplementedError

    def _all(self) -> Mapping[DataPath, V]:
        if self._index is None:
            self._index = self._indexed()
        return self._index

    def __getitem__(self, path: DataPath) -> V:
        if self._index is None and self._asked < WALKS:
            self._asked += 1
            return self._walked(path)
        return self._all()[path]

    def __iter__(self) -> Iterator[DataPath]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


WALKS = 16  # lookups answered by walking the tree before the index is built


class TreePositions(_TreeView[Position]):
    """The position of each value of a tree `plain_data` took, found when asked."""

    __slots__ = ()

    def _walked(self, path: DataPath) -> Position:
        node, key_node = _walk(self.root, path)
        mark = node.start_mark
        if key_node is None:
            return Position(mark.line + 1, mark.column + 1)
        key = key_node.start_mark
        return Position(mark.line + 1, mark.column + 1, key.line + 1, key.column + 1)

    def _indexed(self) -> Mapping[DataPath, Position]:
        return _built(self.root).positions


class TreeRaw(_TreeView[str]):
    """The text of each value of a tree that YAML read as something other than text."""

    __slots__ = ()

    def _walked(self, path: DataPath) -> str:
        node, _ = _walk(self.root, path)
        if type(node) is not ScalarNode or node.tag not in PLAIN_TAGS:
            raise KeyError(path)
        return str(node.value)

    def _indexed(self) -> Mapping[DataPath, str]:
        return _built(self.root).raw


def _built(root: Node) -> Builder:
    """The builder's record of the tree, for the rare reader that lists every path."""
    builder = Builder("", False)
    builder.positions[()] = Position(root.start_mark.line + 1, root.start_mark.column + 1)
    builder.build(root, (), 0)
    return builder
