"""The compiled schema gate (jsonschema-rs) never changes a finding that jsonschema gives.

Every import and config document of the fixtures, the example models and a generated
repository with broken files goes through the gated check and through jsonschema alone;
the findings must be identical. Values on which the two regex engines differ are never
vouched for by the gate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from tests.conftest import ROOT, load_script
from tests.json_values import JSON_VALUES, strings
from validator.check.rules.config import SCHEMA_RULES
from validator.check.schema import STRUCTURE_RULES, SchemaCheck, plain, unpatterned
from validator.load.imports import ConfigCache, load_import
from validator.schemas import load_schema

pytest.importorskip("jsonschema_rs")


def _checks(name: str, rules: dict[str, str]) -> tuple[SchemaCheck, SchemaCheck]:
    gated, reference = SchemaCheck(load_schema(name), rules), SchemaCheck(load_schema(name), rules)
    reference.gate = None
    assert gated.gate is not None
    return gated, reference


IMPORT = _checks("import", STRUCTURE_RULES)
CONFIG = _checks("config", SCHEMA_RULES)


def _documents(files: list[Path]) -> list[tuple[str, Any, Any]]:
    """(file, import data, config data or None) for every file that loads."""
    cache: ConfigCache = {}
    found = []
    for file in files:
        loaded = load_import(file, file.parent if file.is_absolute() else ROOT, 1 << 20, cache)
        if loaded.document is not None:
            config = loaded.config.data if loaded.config is not None else None
            found.append((str(file), loaded.document.data, config))
    return found


def _same(pair: tuple[SchemaCheck, SchemaCheck], instance: Any) -> None:
    gated, reference = pair
    expected = list(reference.findings(instance))
    assert list(gated.findings(instance)) == expected
    assert list(gated.findings(instance, repr(instance))) == expected  # a memo's key at hand
    if gated.passes_gate(instance):
        assert list(reference.validator.iter_errors(instance)) == []


def test_every_fixture_gives_the_same_findings_through_both(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    files = sorted(ROOT.glob("tests/fixtures/*/*.yaml")) + sorted(ROOT.glob("models/*/*.yaml"))
    documents = _documents([f.relative_to(ROOT) for f in files])
    assert len(documents) > 100
    vouched = 0
    for _, data, config in documents:
        _same(IMPORT, data)
        vouched += IMPORT[0].passes_gate(data)
        if config is not None:
            _same(CONFIG, config)
    assert vouched > 20  # the gate does serve: most good fixtures pass it


def test_a_generated_repository_gives_the_same_findings_through_both(tmp_path: Path) -> None:
    bench = load_script("benchmarks/validate.py")
    models = bench.generate(tmp_path, 300, broken=3)
    documents = _documents(sorted(models.glob("*/*.yaml")))
    failing = 0
    for _, data, config in documents:
        _same(IMPORT, data)
        failing += not IMPORT[0].passes_gate(data)
        if config is not None:
            _same(CONFIG, config)
    assert failing > 30  # the broken files went the reference way


VALID = {
    "name": "demo",
    "version": "1.0.0",
    "source": {"image": "swr.eu-de.otc.t-systems.com/team/demo:1.0.0"},
    "deployment_types": ["real-time"],
    "config": "config.json",
    "docs": [{"name": "README", "url": "https://example.com/readme"}],
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("docs", 0, "url"), "https://example.com/a\x1cb"),  # white space to Python only
        (("docs", 0, "url"), "https://example.com/a\u2028b"),
        (("name",), "demo\n"),  # Python's `$` matches before a final newline
        (("version",), "1.0.0\n"),
        (("description",), "tab\there"),
        (("min_inference_specs",), {"cpu": 10**30}),  # a huge integer
        (("min_inference_specs",), {"cpu": float("nan")}),
    ],
)
def test_values_the_engines_may_read_differently_go_to_jsonschema(
    path: tuple[str | int, ...], value: Any
) -> None:
    data: Any = {**VALID, "docs": [dict(VALID["docs"][0])]}  # type: ignore[index]
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    _same(IMPORT, data)
    if not plain(data):
        assert not IMPORT[0].passes_gate(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("config", {"model_type": "Image", "apis": [{"url": "/a\tb\n", "k\x1c": "\u2028"}]}),
        ("source", {"image": "swr.eu-de.otc.t-systems.com/team/demo:1.0.0\n"}),
        ("source", {"image": "a\\b", "copy\x85": True}),
        ("min_inference_specs", {"cpu\t": 1}),
        ("deployment_types", ["real-time\n"]),
    ],
)
def test_text_no_pattern_reads_is_left_to_the_gate(key: str, value: Any) -> None:
    """The import schema's patterns never reach these values: whatever characters they
    hold, the gate decides, and its answer is jsonschema's."""
    data = {**VALID, key: value}
    assert not plain(data)
    _same(IMPORT, data)
    if key == "config":
        assert IMPORT[0].passes_gate(data)  # an inline config is most of an import


CONFIG_VALID = {
    "model_type": "Image",
    "model_algorithm": "object_detection",
    "apis": [{"url": "/predict", "method": "post"}],
}


@pytest.mark.parametrize(
    "value",
    ["/a\tb", "/a\x1cb", "/a\u2028b", "/a\\b", "/a\n", "both ' and \"", "/plain"],
)
def test_a_config_s_memo_key_is_read_as_the_gate_s_text(value: str) -> None:
    """The config rules' memo key (`repr`) is the text the gate reads: a config the
    engines may read apart is never vouched for through it."""
    for config in (
        {**CONFIG_VALID, "apis": [{"url": value, "method": "post"}]},
        {**CONFIG_VALID, "runtime": value},
        {**CONFIG_VALID, value: 1},
    ):
        _same(CONFIG, config)
        gated = CONFIG[0]
        assert gated.passes_gate(config, repr(config)) is gated.passes_gate(config)
        valid = not list(CONFIG[1].findings(config))
        assert gated.passes_gate(config) is (plain(config) and valid)


def test_only_plain_structure_at_the_top_lets_a_value_skip_the_text_check() -> None:
    text = {"type": "string"}
    assert unpatterned({"type": "object", "properties": {"a": text}}) == {"a"}
    assert unpatterned({"properties": {"a": {"items": {"pattern": "x"}}, "b": text}}) == {"b"}
    assert unpatterned({"properties": {"a": {"$ref": "#/x"}}}) == frozenset()
    for top in ({"patternProperties": {}}, {"allOf": []}, {"additionalProperties": text}):
        assert unpatterned({**top, "properties": {"a": text}}) == frozenset()


@given(JSON_VALUES)
def test_plain_means_every_string_printable_without_a_backslash(value: Any) -> None:
    """What the gate relies on, for any JSON value; quotes of both kinds in one string are
    the one case refused beyond it (repr escapes one of them)."""
    found = strings(value)
    expected = all(s.isprintable() and "\\" not in s for s in found)
    both_quotes = any("'" in s and '"' in s for s in found)
    assert plain(value) == (expected and not both_quotes)


@pytest.mark.parametrize(
    ("text", "gated"),
    [('a "quoted" word', True), ("it's", True), ("a\\b", False), ("both ' and \"", False)],
)
def test_quotes_and_backslashes_give_the_same_findings_through_both(text: str, gated: bool) -> None:
    """A quote reaches the gate; a backslash, or both quotes in one string, go to jsonschema."""
    data = {**VALID, "description": text}
    assert plain(data) is gated
    _same(IMPORT, data)
    _same(IMPORT, {**data, "name": text})  # a name the pattern refuses


def test_a_valid_document_passes_the_gate_and_jsonschema_is_not_asked() -> None:
    gated = SchemaCheck(load_schema("import"), STRUCTURE_RULES)
    assert gated.passes_gate(VALID)
    assert list(gated.findings(VALID)) == []
    assert gated._validator is None  # the reference was never built


def test_without_jsonschema_rs_the_reference_alone_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_rs(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "jsonschema_rs":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rs)
    check = SchemaCheck(load_schema("import"), STRUCTURE_RULES)
    assert check.gate is None
    broken = {**VALID, "procotol": "http"}
    assert [f.rule for f in check.findings(broken)] == ["MA101"]
    assert list(check.findings(VALID)) == []
