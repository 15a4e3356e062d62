"""Read a model import file: hardened, located, parsed once in C.

libyaml composes the node tree (every node carries its mark); one pass over
that tree builds plain data and the position index, and rejects what a model
import never needs: aliases (so an alias bomb never expands), merge keys,
foreign tags, duplicate keys, deep nesting. Every failure becomes a located
MA0xx finding; nothing here raises for bad input.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from validator.diagnostics import DataPath, Located
from validator.load.document import Document, Position, inline_ignores, line_column
from validator.load.encoding import MAX_VALUES, decode, too_many_values

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 64
MAX_INT_DIGITS = 40
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_STR = "tag:yaml.org,2002:str"
_TEXT_TAGS = {_STR, "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
}
_KEY_TAGS = _TEXT_TAGS | _PLAIN_TAGS
_YAML11_BOOLS = {"yes", "no", "on", "off", "y", "n"}
_constructor = yaml.SafeLoader("")
_CONSTRUCT = {  # the constructor's own methods, called directly: construct_object is slower
    "tag:yaml.org,2002:int": _constructor.construct_yaml_int,
    "tag:yaml.org,2002:float": _constructor.construct_yaml_float,
    "tag:yaml.org,2002:null": _constructor.construct_yaml_null,
    "tag:yaml.org,2002:bool": _constructor.construct_yaml_bool,
}


class _Abort(Exception):
    def __init__(self, line: int, column: int, rule: str, message: str, hint: str | None = None):
        super().__init__(message)
        self.located = (line, column, rule, message, hint)


def _short(tag: str) -> str:
    return tag.replace("tag:yaml.org,2002:", "!!")


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[DataPath, Position] = {}
        self.raw: dict[DataPath, str] = {}
        self.problems: list[Located] = []
        self.seen: set[int] = set()

    def report(self, node: Node, rule: str, message: str, hint: str | None = None) -> None:
        line, column = _mark(node)
        self.problems.append(Located(self.path, line, column, rule, message, hint))

    def build(self, node: Node, path: DataPath, depth: int, used_at: Node | None = None) -> Any:
        """`used_at` is where the node is referenced from: an alias has no mark of its own."""
        if depth > MAX_DEPTH:
            raise _Abort(*_mark(node), "MA010", f"nesting deeper than {MAX_DEPTH} levels")
        if id(node) in self.seen:
            raise _Abort(
                *_mark(used_at or node),
                "MA007",
                "anchors and aliases are not allowed in a model import",
                "write the value out; an alias can expand into a huge document",
            )
        self.seen.add(id(node))
        if isinstance(node, ScalarNode):
            return node.value if node.tag == _STR else self._scalar(node, path)
        if isinstance(node, MappingNode):
            return self._mapping(node, path, depth)
        self._check_tag(node, _SEQ)
        items = []
        for index, item in enumerate(node.value):
            mark = item.start_mark
            child = (*path, index)
            self.positions[child] = Position(mark.line + 1, mark.column + 1)
            items.append(self.build(item, child, depth + 1, used_at=node))
        return items

    def _mapping(self, node: MappingNode, path: DataPath, depth: int) -> dict[str, Any]:
        self._check_tag(node, _MAP)
        out: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                raise _Abort(*_mark(key_node), "MA007", "merge keys (<<) are not allowed")
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _KEY_TAGS:
                raise _Abort(*_mark(key_node), "MA006", "mapping keys must be plain text")
            key = str(key_node.value)
            if key in first_line:
                self.report(
                    key_node,
                    "MA002",
                    f"duplicate key `{key}` (first at line {first_line[key]}); "
                    "YAML loaders silently keep only one of them",
                    "remove one of the two",
                )
                continue
            key_mark, value_mark = key_node.start_mark, value_node.start_mark
            first_line[key] = key_mark.line + 1
            child = (*path, key)
            self.positions[child] = Position(
                value_mark.line + 1, value_mark.column + 1, key_mark.line + 1, key_mark.column + 1
            )
            out[key] = self.build(value_node, child, depth + 1, used_at=key_node)
        return out

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise _Abort(*_mark(node), "MA006", f"tag `{_short(node.tag)}` is not allowed")

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        tag = node.tag
        if tag in _TEXT_TAGS:
            return node.value
        if tag not in _PLAIN_TAGS:
            raise _Abort(
                *_mark(node), "MA006", f"tag `{_short(tag)}` is not allowed", "remove the tag"
            )
        self.raw[path] = node.value
        if tag.endswith(":bool") and node.value.lower() in _YAML11_BOOLS:
            self.report(
                node,
                "MA011",
                f"`{node.value}` is a boolean in YAML 1.1 and a string in YAML 1.2",
                'write true or false, or quote it: "' + node.value + '"',
            )
            return node.value
        if tag.endswith(":int") and len(node.value) > MAX_INT_DIGITS:
            raise _Abort(*_mark(node), "MA012", f"number with {len(node.value)} digits is too long")
        try:
            return _CONSTRUCT[tag](node)
        except (KeyError, IndexError, ValueError):  # `!!bool maybe`, an empty `!!int`, `0b_`
            shown = f"`{node.value}`" if node.value else "an empty value"
            raise _Abort(
                *_mark(node),
                "MA006",
                f"{shown} is not a valid `{_short(tag)}`",
                "remove the tag, or write a value of that type",
            ) from None


def _indented_by_tab(text: str, line: int, column: int) -> bool:
    """True when the parser stopped at a tab with only whitespace before it on its line."""
    lines = text.split("\n")
    if not 0 < line <= len(lines):
        return False
    start = lines[line - 1][: column - 1]
    return lines[line - 1][column - 1 : column] == "\t" and not start.strip()


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent, yaml.AliasEvent)


def _too_many_values(raw: bytes, path: str) -> Located | None:
    """Where a file passes `MAX_VALUES` nodes, found before anything is built from it.

    Each node but the first follows one of `,-:?[{` or a line break, and each of those
    starts at most two nodes (`- a: b`): below that bound nothing needs counting, which
    is every real file; above it the C parser's events are counted, stopping at the limit.
    """
    if 2 * sum(raw.count(c) for c in (b",", b"-", b":", b"?", b"[", b"{", b"\n")) < MAX_VALUES:
        return None
    count = 0
    try:
        for event in yaml.parse(raw, Loader=_Loader):
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_VALUES:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    return too_many_values(path, line, column)
    except yaml.YAMLError:
        pass  # compose reports the syntax error where it is
    return None


def load_yaml(raw: bytes, path: str, max_size: int) -> tuple[Document | None, list[Located]]:
    """Parse one file. A None document means the file could not be read at all."""

    def fail(
        line: int, column: int, rule: str, msg: str, hint: str | None = None
    ) -> tuple[None, list[Located]]:
        return None, [Located(path, line, column, rule, msg, hint)]

    text = decode(raw, path, max_size)
    if isinstance(text, Located):
        return None, [text]
    crowded = _too_many_values(raw, path)
    if crowded is not None:
        return None, [crowded]
    try:
        node = yaml.compose(raw, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        if error.problem == "but found another document":
            return fail(
                line, column, "MA004", "a model import file holds one YAML document; found a second"
            )
        problem = error.problem or error.context or "invalid YAML"
        if "nesting depth" in problem:
            return fail(line, column, "MA010", f"YAML {problem}")
        if _indented_by_tab(text, line, column):
            message = "YAML syntax error: a tab is used for indentation; YAML indents with spaces"
            return fail(line, column, "MA001", message, "replace the tab with spaces")
        context = f" ({error.context})" if error.context and error.problem else ""
        return fail(line, column, "MA001", f"YAML syntax error: {problem}{context}")
    except yaml.reader.ReaderError as error:
        prefix = raw[: error.position].decode("utf-8", "replace")
        line, column = line_column(prefix, len(prefix))
        return fail(line, column, "MA001", f"YAML syntax error: {error.reason}")
    except (yaml.YAMLError, RecursionError, MemoryError, ValueError) as error:
        return fail(1, 1, "MA001", f"YAML could not be read: {error}")
    if node is None:
        return fail(1, 1, "MA005", "file is empty; a model import is a mapping of fields")
    if not isinstance(node, MappingNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a single value"
        return fail(*_mark(node), "MA003", f"the top level is {kind}; a model import is a mapping")
    builder = _Builder(path)
    builder.positions[()] = Position(*_mark(node))
    try:
        data = builder.build(node, (), 0)
    except _Abort as abort:
        return fail(*abort.located)
    except (ValueError, RecursionError, yaml.YAMLError) as error:
        return fail(1, 1, "MA001", f"YAML value could not be read: {error}")
    ignores = inline_ignores(text)
    if ignores:  # an id that names no rule would suppress nothing, silently
        from validator.check.rule_ids import inline_problems

        builder.problems.extend(inline_problems(text, path))
    document = Document(path, data, builder.positions, builder.raw, ignores)
    return document, builder.problems
