"""The node tree libyaml composes, turned into plain data and a position per path.

Hot: it runs for every node of every file; plain strings are built inline. Whatever a model
import never needs (aliases, merge keys, foreign tags, duplicate keys, deep nesting,
an explicit tag on a value of another type) stops the build with a located finding.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from validator.diagnostics import DataPath, Located
from validator.load.document import Position

MAX_DEPTH = 64
MAX_INT_DIGITS = 40
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
STR = "tag:yaml.org,2002:str"
TEXT_TAGS = {STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
INT = "tag:yaml.org,2002:int"
BOOL = "tag:yaml.org,2002:bool"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
PLAIN_TAGS = {INT, _FLOAT, _NULL, BOOL}
_KEY_TAGS = TEXT_TAGS | PLAIN_TAGS
YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
constructor = yaml.SafeLoader("")  # its resolver and constructor serve without a stream
CONSTRUCT = {  # the constructor's own methods, called directly: construct_object is slower
    INT: constructor.construct_yaml_int,
    _FLOAT: constructor.construct_yaml_float,
    _NULL: constructor.construct_yaml_null,
    BOOL: constructor.construct_yaml_bool,
}


# Position(...) without the named tuple's Python-level constructor: one frame less per node
_new = tuple.__new__


class Abort(Exception):
    def __init__(self, line: int, column: int, rule: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.located = (line, column, rule, message, hint)


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def start_of(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class Builder:
    """One pass over the node tree: plain data, a position per path, the MA0xx problems.

    Hot: it runs for every node of every file. Leaves (plain strings, by far the most
    nodes) are handled inline, without a call; aliases are only looked for when the
    text has a `*`, the one way to write one.
    """

    def __init__(self, path: str, aliases: bool) -> None:
        self.path = path
        self.positions: dict[DataPath, Position] = {}
        self.raw: dict[DataPath, str] = {}
        self.problems: list[Located] = []
        self.seen: set[int] | None = set() if aliases else None

    def report(self, node: Node, rule: str, message: str, hint: str | None = None) -> None:
        line, column = start_of(node)
        self.problems.append(Located(self.path, line, column, rule, message, hint))

    def build(self, node: Node, path: DataPath, depth: int, used_at: Node | None = None) -> Any:
        """`used_at` is where the node is referenced from: an alias has no mark of its own."""
        if depth > MAX_DEPTH:
            raise Abort(*start_of(node), "MA010", f"nesting deeper than {MAX_DEPTH} levels")
        if self.seen is not None:
            if id(node) in self.seen:
                raise Abort(
                    *start_of(used_at or node),
                    "MA007",
                    "anchors and aliases are not allowed in a model import",
                    "write the value out; an alias can expand into a huge document",
                )
            self.seen.add(id(node))
        if type(node) is ScalarNode:
            return node.value if node.tag == STR else self._scalar(node, path)
        if type(node) is MappingNode:
            return self._mapping(node, path, depth)
        self._check_tag(node, SEQ)
        items = []
        positions, inline = self.positions, self.seen is None and depth < MAX_DEPTH
        for index, item in enumerate(node.value):
            mark = item.start_mark
            child = (*path, index)
            positions[child] = _new(Position, (mark.line + 1, mark.column + 1, None, None))
            if inline and type(item) is ScalarNode and item.tag == STR:
                items.append(item.value)
            else:
                items.append(self.build(item, child, depth + 1, used_at=node))
        return items

    def _mapping(self, node: MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        self._check_tag(node, MAP)
        out: dict[str, Any] = {}
        positions, inline = self.positions, self.seen is None and depth < MAX_DEPTH
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag not in _KEY_TAGS:
                if key_node.tag == _MERGE:
                    raise Abort(*start_of(key_node), "MA007", "merge keys (<<) are not allowed")
                raise Abort(*start_of(key_node), "MA006", "mapping keys must be plain text")
            key = key_node.value  # libyaml gives text
            child = (*path, key)
            if key in out:
                first = positions[child].key_line
                self.report(
                    key_node,
                    "MA002",
                    f"duplicate key `{key}` (first at line {first}); "
                    "YAML loaders silently keep only one of them",
                    "remove one of the two",
                )
                continue
            key_mark, value_mark = key_node.start_mark, value_node.start_mark
            positions[child] = _new(
                Position,
                (
                    value_mark.line + 1,
                    value_mark.column + 1,
                    key_mark.line + 1,
                    key_mark.column + 1,
                ),
            )
            if inline and type(value_node) is ScalarNode and value_node.tag == STR:
                out[key] = value_node.value
            else:
                out[key] = self.build(value_node, child, depth + 1, used_at=key_node)
        return out

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise Abort(*start_of(node), "MA006", f"tag `{_short(node.tag)}` is not allowed")

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        tag = node.tag
        if tag in TEXT_TAGS:
            return node.value
        if tag not in PLAIN_TAGS:
            raise Abort(
                *start_of(node), "MA006", f"tag `{_short(tag)}` is not allowed", "remove the tag"
            )
        self.raw[path] = node.value
        if tag == BOOL and node.value.lower() in YAML11_BOOLS:
            self.report(
                node,
                "MA011",
                f"`{node.value}` is a boolean in YAML 1.1 and a string in YAML 1.2",
                'write true or false, or quote it: "' + node.value + '"',
            )
            return node.value
        if tag == INT and len(node.value) > MAX_INT_DIGITS:
            message = f"number with {len(node.value)} digits is too long"
            raise Abort(*start_of(node), "MA012", message)
        try:
            return CONSTRUCT[tag](node)
        except (KeyError, IndexError, ValueError):  # `!!bool maybe`, an empty `!!int`, `0b_`
            shown = f"`{node.value}`" if node.value else "an empty value"
            raise Abort(
                *start_of(node),
                "MA006",
                f"{shown} is not a valid `{_short(tag)}`",
                "remove the tag, or write a value of that type",
            ) from None
