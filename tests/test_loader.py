"""The loaders' hostile cases: each gives one located finding, fast, never a traceback."""

from __future__ import annotations

import time

import pytest

from validator.load.json_file import load_json
from validator.load.yaml_file import load_yaml

MIB = 1 << 20


def bomb(levels: int) -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels):
        refs = ", ".join([f"*a{n - 1}"] * 9)
        lines.append(f"a{n}: &a{n} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


# rule id -> (file content, expected line, column). Rules covered here need no fixture file.
GENERATED: dict[str, tuple[bytes, int, int]] = {
    "MA001": (b"name: x\nlabels: [a, b\n", 3, 1),
    "MA002": (b"name: x\nversion: '1.0.0'\nname: y\n", 3, 1),
    "MA003": (b"- name: x\n- name: y\n", 1, 1),
    "MA004": (b"name: x\n---\nname: y\n", 2, 1),
    "MA005": (b"# only a comment\n", 1, 1),
    "MA006": (b"name: !!python/object/apply:os.system ['echo pwned']\n", 1, 7),
    "MA007": (bomb(9), 2, 5),
    "MA008": (b"name: " + b"x" * (MIB + 10) + b"\n", 1, 1),
    "MA009": (b"name: x\ndescription: caf\xe9\n", 2, 17),
    "MA010": (b"name: " + b"[" * 100 + b"]" * 100 + b"\n", 1, 71),
    "MA011": (b"name: x\nsource:\n  copy: yes\n", 3, 9),
    "MA012": (b"name: " + b"9" * 5000 + b"\n", 1, 7),
}

GENERATED_ELSEWHERE = {"MA207": "tests/test_rules.py"}


@pytest.mark.parametrize("rule", sorted(GENERATED))
def test_hostile_yaml_gives_one_located_finding(rule: str) -> None:
    content, line, column = GENERATED[rule]
    started = time.perf_counter()
    document, problems = load_yaml(content, "f.yaml", MIB)
    elapsed = time.perf_counter() - started
    assert [(p.rule, p.line, p.column) for p in problems] == [(rule, line, column)]
    assert problems[0].message
    assert elapsed < 1.0  # a guard against an expansion, not a benchmark
    recoverable = rule in {"MA002", "MA011"}
    assert (document is not None) == recoverable


def test_billion_laughs_never_expands() -> None:
    document, problems = load_yaml(bomb(9), "f.yaml", MIB)
    assert document is None
    assert "alias" in problems[0].message


def test_duplicate_key_keeps_the_first_value() -> None:
    document, _ = load_yaml(b"name: first\nname: second\n", "f.yaml", MIB)
    assert document is not None
    assert document.data == {"name": "first"}


def test_every_key_and_value_has_a_position() -> None:
    document, problems = load_yaml(b"a:\n  b: [x, {c: 1}]\n", "f.yaml", MIB)
    assert problems == [] and document is not None
    assert document.locate(("a", "b", 1, "c")) == (2, 14)
    assert document.locate(("a", "b", 1, "c"), at="key") == (2, 11)
    assert document.locate(("a", "missing")) == (2, 3)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"a: !Ref Foo\n", "tag `!Ref`"),
        (b"a: &x {k: 1}\nb:\n  <<: *x\n", "merge keys"),
        (b"\xff\xfea\x00:\x00", "UTF-16"),
        (b"a: 1\n\tb: 2\n", "syntax"),
        (b"a: \x00\n", "control characters"),
        (b"a: " + b"[" * 2000 + b"]" * 2000, "nesting"),
        (b"? [a, b]\n: c\n", "plain text"),
        (b"hello\n", "single value"),
    ],
)
def test_more_hostile_yaml(content: bytes, message: str) -> None:
    document, problems = load_yaml(content, "f.yaml", MIB)
    assert document is None
    assert len(problems) == 1
    assert message in problems[0].message + (problems[0].suggestion or "")


def test_unquoted_version_keeps_its_source_text() -> None:
    document, _ = load_yaml(b"version: 1.10\n", "f.yaml", MIB)
    assert document is not None
    assert document.data["version"] == 1.1
    assert document.raw_text(("version",)) == "1.10"


@pytest.mark.parametrize(
    ("content", "rule", "line", "column"),
    [
        (b'{"a": 1,\n "b": }', "MA404", 2, 7),
        (b"[1, 2]", "MA404", 1, 1),
        (b"", "MA404", 1, 1),
        (b'{"a": 1,\n  "a": 2}', "MA405", 2, 3),
        (b'{"a": "caf\xe9"}', "MA009", 1, 11),
    ],
)
def test_json_problems_are_located(content: bytes, rule: str, line: int, column: int) -> None:
    _, problems = load_json(content, "config.json", MIB)
    assert [(p.rule, p.line, p.column) for p in problems] == [(rule, line, column)]


def test_json_positions_point_at_keys_and_values() -> None:
    text = b'{\n  "apis": [\n    {"url": "/a", "method": "post"}\n  ]\n}\n'
    document, problems = load_json(text, "config.json", MIB)
    assert problems == [] and document is not None
    assert document.locate(("apis", 0, "method")) == (3, 29)
    assert document.locate(("apis", 0, "method"), at="key") == (3, 19)
    assert document.data["apis"][0]["url"] == "/a"
