"""Read a model import file: hardened, located, parsed once in C.

libyaml composes the node tree (every node carries its mark); one pass over
that tree (`yaml_nodes.Builder`) builds plain data and the position index, and rejects
what a model import never needs: aliases (so an alias bomb never expands), merge keys,
foreign tags, duplicate keys, deep nesting. A document that is dropped once its rules
have run can skip the position index: `yaml_tree` makes its data alone and reads a
position from the tree when one is asked for, and leaves anything unusual to the builder.
Here come the checks before it (size, UTF-8, the value limit) and the wording of
libyaml's errors. Every failure becomes a located MA0xx finding; nothing here raises for
bad input.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

from validator.diagnostics import DataPath, Located
from validator.load.document import Document, Position, inline_ignores, line_column
from validator.load.encoding import MAX_VALUES, decode, too_many_values
from validator.load.yaml_compose import Loader, compose
from validator.load.yaml_nodes import Abort, Builder, start_of
from validator.load.yaml_tree import TreePositions, TreeRaw, Unusual, plain_data


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
    Those are single bytes, so a file shorter than half the limit is below it uncounted.
    """
    if 2 * len(raw) < MAX_VALUES:
        return None
    if 2 * sum(raw.count(c) for c in (b",", b"-", b":", b"?", b"[", b"{", b"\n")) < MAX_VALUES:
        return None
    count = 0
    try:
        for event in yaml.parse(raw, Loader=Loader):
            if isinstance(event, _NODE_EVENTS):
                count += 1
                if count > MAX_VALUES:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                    return too_many_values(path, line, column)
    except yaml.YAMLError:
        pass  # compose reports the syntax error where it is
    return None


def load_yaml(
    raw: bytes, path: str, max_size: int, *, lazy: bool = False
) -> tuple[Document | None, list[Located]]:
    """Parse one file. A None document means the file could not be read at all.

    With `lazy`, the document's positions are read from the node tree when asked, for a
    file whose tree holds nothing unusual (`yaml_tree`): the tree is kept as long as the
    document, so it suits a document dropped once its rules have run.
    """

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
        node = compose(raw)
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
        message = f"the top level is {kind}; a model import is a mapping"
        return fail(*start_of(node), "MA003", message)
    tree = _lazy_data(node) if lazy and b"*" not in raw else None  # no `*`: no alias
    positions: Mapping[DataPath, Position]
    values: Mapping[DataPath, str]
    if tree is not None:
        data, positions, values, problems = tree, TreePositions(node), TreeRaw(node), []
    else:
        builder = Builder(path, b"*" in raw)
        builder.positions[()] = Position(*start_of(node))
        try:
            data = builder.build(node, (), 0)
        except Abort as abort:
            return fail(*abort.located)
        except (ValueError, RecursionError, yaml.YAMLError) as error:
            return fail(1, 1, "MA001", f"YAML value could not be read: {error}")
        positions, values, problems = builder.positions, builder.raw, builder.problems
    ignores = inline_ignores(text)
    if ignores:  # an id that names no rule would suppress nothing, silently
        from validator.check.rule_ids import inline_problems

        problems.extend(inline_problems(text, path))
    return Document(path, data, positions, values, ignores), problems


def _lazy_data(node: MappingNode) -> dict[str, Any] | None:
    """The data of a tree `plain_data` can take, None for one only the builder can."""
    try:
        data: dict[str, Any] = plain_data(node)
    except Unusual:
        return None
    return data
