"""MA406-MA426, config.json conformance: one-line rule cases, shared configs, the schema itself.

The fixture harness (tests/test_fixtures.py) runs the corpus in tests/fixtures (`cfg-*` good
configs, `MA4xx-*` bad twins); these tests pin messages, suggestions and the cases a single
fixture cannot show: a config shared by several imports, two findings at one place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import ROOT, Run, write
from validator.check import dataschema
from validator.check.run import validate
from validator.diagnostics import Diagnostic
from validator.schemas import load_schema
from validator.settings import Settings

IMAGE = "swr.eu-de.otc.t-systems.com/ml-team/demo:1.0.0@sha256:" + "ab" * 32
HEADER = f"""\
name: demo
version: "1.0.0"
source:
  image: {IMAGE}
deployment_types: [real-time]
"""


def check(root: Path, files: dict[str, str]) -> list[Diagnostic]:
    paths = [write(root, name, text) for name, text in files.items()]
    imports = [p.relative_to(root) for p in paths if p.suffix == ".yaml"]
    return validate(imports, Settings(root=root))


def found(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int, str]]:
    return [(d.file, d.line, d.column, d.rule) for d in diagnostics]


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


CASES: list[tuple[str, str, list[tuple[int, int, str]]]] = [
    ("clean", "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n", []),
    (
        "unknown top-level key with suggestion",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n  algorithm: x\n",
        [(10, 3, "MA406")],
    ),
    (
        "engine model type",
        "  model_algorithm: a\n  model_type: PyTorch\n  health: {url: /h}\n",
        [(8, 15, "MA409")],
    ),
    (
        "algorithm forbidden char",
        "  model_algorithm: 'a=b'\n  model_type: Image\n  health: {url: /h}\n",
        [(7, 20, "MA410")],
    ),
    (
        "metrics above 1",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n  metrics: {f1: 1.5}\n",
        [(10, 17, "MA426")],
    ),
    (
        "health protocol",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h, protocol: tcp}\n",
        [(9, 31, "MA408")],
    ),
    (
        "exec health needs no url",
        "  model_algorithm: a\n  model_type: Image\n"
        "  health: {check_method: EXEC, command: 'true'}\n",
        [],
    ),
    (
        "digit strings and integers",
        "  model_algorithm: a\n  model_type: Image\n"
        "  health: {url: /h, timeout_seconds: '5', period_seconds: 7}\n",
        [],
    ),
    (
        "health period of 0 as text",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h, period_seconds: '0'}\n",
        [(9, 37, "MA423")],
    ),
    (
        "empty exec command",
        "  model_algorithm: a\n  model_type: Image\n  health: {check_method: EXEC, command: ''}\n",
        [(9, 41, "MA424")],
    ),
    (
        "get and post on one url",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
        "  apis: [{url: /p}, {url: /p, method: Get}]\n",
        [],
    ),
    (
        "default url twice",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
        "  apis: [{method: post}, {method: POST}]\n",
        [(10, 26, "MA416")],
    ),
    (
        "file type in a list",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
        "  apis: [{request: {Content-type: multipart/form-data,"
        " data: {properties: {f: {type: [file, 'null']}}}}}]\n",
        [],
    ),
    (
        "x- extension keyword",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
        "  apis: [{response: {data: {type: object, x-note: fine}}}]\n",
        [],
    ),
    (
        "health that is no mapping: the type only",
        "  model_algorithm: a\n  model_type: Image\n  health: yes please\n",
        [(9, 11, "MA407")],
    ),
    (
        "empty algorithm",
        "  model_algorithm: ''\n  model_type: Image\n  health: {url: /h}\n",
        [(7, 20, "MA410")],
    ),
    (
        "bad regex pattern",
        "  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
        "  apis: [{response: {data: {type: string, pattern: '(['}}}]\n",
        [(10, 52, "MA418")],
    ),
]


@pytest.mark.parametrize(("config", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_inline_config(root: Path, config: str, expected: list[tuple[int, int, str]]) -> None:
    got = check(root, {"m.yaml": HEADER + "config:\n" + config})
    assert found(got) == [("m.yaml", *e) for e in expected]


def test_official_typos_are_each_reported_once_with_a_suggestion(root: Path) -> None:
    config = (ROOT / "tests/fixtures/bad/configs/cfg-official-typos.json").read_text()
    got = check(root, {"m/c.json": config, "m/1.yaml": HEADER + "config: c.json\n"})
    assert [(d.rule, d.suggestion) for d in got] == [
        ("MA406", "did you mean `protocol`?"),
        ("MA408", "did you mean `application/json`?"),
        ("MA419", "did you mean `items`?"),
    ]
    assert all(d.file == "m/c.json" for d in got)


def test_two_problems_at_one_place_are_both_named(root: Path) -> None:
    config = "  model_algorithm: '1&" + "x" * 40 + "'\n  model_type: Image\n  health: {url: /h}\n"
    messages = [d.message for d in check(root, {"m.yaml": HEADER + "config:\n" + config})]
    assert len(messages) == 3
    assert "must start with a letter" in messages[0] + messages[1] + messages[2]
    assert any("42 characters" in m for m in messages)
    assert any("contains `&`" in m for m in messages)


SHARED: dict[str, Any] = {
    "model_algorithm": "object_detection",
    "model_type": "Image",
    "runtime": "python3.6",
    "swr_location": "swr.eu-de.otc.t-systems.com/ml-team/demo:0.9.0",
    "apis": [{"url": "/", "request": {"Content-type": "application/json"}}],
}


def test_a_shared_config_is_reported_once_plus_once_per_import(root: Path) -> None:
    both = HEADER.replace("[real-time]", "[real-time, batch]")
    files = {
        "models/demo/config.json": json.dumps(SHARED, indent=2),
        "models/demo/1.0.0.yaml": both + "config: config.json\n",
        "models/demo/1.1.0.yaml": both.replace('"1.0.0"', '"1.1.0"') + "config: config.json\n",
    }
    got = check(root, files)
    config = "models/demo/config.json"
    per_rule = {rule: [d for d in got if d.rule == rule] for rule in {d.rule for d in got}}
    assert all(d.file == config for d in got)
    assert len(per_rule.pop("MA413")) == 1  # runtime: about the config alone
    imports = ["models/demo/1.0.0.yaml", "models/demo/1.1.0.yaml"]
    for rule in ("MA412", "MA421", "MA425"):  # depend on the import: one each, naming it
        named = sorted(i for d in per_rule.pop(rule) for i in imports if i in d.message)
        assert named == imports, rule
    assert per_rule == {}


def test_swr_location_matching_every_import_is_only_redundant(root: Path) -> None:
    config = {**SHARED, "swr_location": IMAGE.split("@", maxsplit=1)[0]}
    del config["runtime"]
    config["health"] = {"url": "/health"}
    config["apis"] = []
    files = {"c.json": json.dumps(config), "a.yaml": HEADER + "config: c.json\n"}
    assert [d.rule for d in check(root, files)] == ["MA411"]


def test_batch_with_a_data_string_is_only_the_bad_schema(root: Path) -> None:
    header = HEADER.replace("[real-time]", "[real-time, batch]")
    config = "config:\n  model_algorithm: a\n  model_type: Image\n  health: {url: /h}\n"
    text = header + config + "  apis: [{request: {data: 'object'}}]\n"
    assert found(check(root, {"m.yaml": text})) == [("m.yaml", 10, 27, "MA418")]


def test_batch_finding_names_no_file_for_an_inline_config(root: Path) -> None:
    text = (
        HEADER.replace("[real-time]", "[batch]")
        + "config: {model_algorithm: a, model_type: Image}\n"
    )
    [diagnostic] = check(root, {"m.yaml": text})
    assert (diagnostic.rule, diagnostic.line, diagnostic.column) == ("MA421", 6, 1)
    assert diagnostic.message.startswith("batch deployment needs")


def properties(schema: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every property subschema in the config schema, with a readable path."""
    found: list[tuple[str, Any]] = []
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            found.append((f"{path}.{name}", sub))
        for key, sub in schema.items():
            if key not in ("if", "then", "else"):  # conditions repeat described properties
                found.extend(properties(sub, f"{path}/{key}"))
    return found


def test_the_config_schema_is_valid_and_every_property_is_described() -> None:
    schema = load_schema("config")
    Draft202012Validator.check_schema(schema)
    undescribed = [p for p, sub in properties(schema) if "description" not in sub]
    assert undescribed == []
    documented = {"model_algorithm", "model_type", "runtime", "swr_location", "metrics", "apis"}
    assert documented | {"dependencies", "health"} == set(schema["properties"])


def good_configs() -> list[Path]:
    folders = [ROOT / "models", ROOT / "tests/fixtures/good"]
    return sorted(p for folder in folders for p in folder.rglob("*.json"))


@pytest.mark.parametrize("path", good_configs(), ids=lambda p: p.name)
def test_editors_accept_every_good_config(path: Path) -> None:
    """What an editor sees: the plain schema, without the rules' `x-rule` filtering."""
    validator = Draft202012Validator(load_schema("config"))
    assert [e.message for e in validator.iter_errors(json.loads(path.read_text()))] == []


@pytest.mark.parametrize(
    ("value", "valid"),
    [(12, True), ("12", True), (0, True), ("-1", False), (-1, False), (1.5, False), ("", False)],
)
def test_schema_takes_health_numbers_as_integers_or_digit_strings(value: Any, valid: bool) -> None:
    validator = Draft202012Validator(load_schema("config"))
    health = {"url": "/h", "initial_delay_seconds": value}
    config = {"model_algorithm": "a", "model_type": "Image", "health": health}
    assert validator.is_valid(config) is valid


def test_schema_command_prints_the_config_schema(run: Run) -> None:
    result = run("schema", "config")
    assert result.code == 0
    assert json.loads(result.out)["$id"].endswith("/model-config.schema.json")


@pytest.mark.parametrize(
    ("schema", "draft"),
    [
        ({}, "draft-07"),
        ({"$schema": "http://json-schema.org/draft-04/schema#"}, "draft-04"),
        ({"$schema": "https://json-schema.org/draft/2020-12/schema"}, "draft 2020-12"),
        ({"$schema": "https://example.com/mine"}, "draft-07"),
        ({"$schema": 7}, "draft-07"),
    ],
)
def test_data_schema_draft(schema: dict[str, Any], draft: str) -> None:
    assert dataschema.draft_name(dataschema.draft_of(schema)) == draft


def test_data_schema_walk_does_not_enter_unknown_keys() -> None:
    schema = {"item": {"type": "nonsense", "bogus": 1}, "properties": {"item": {"type": "string"}}}
    assert [p.path for p in dataschema.unknown_keywords(schema)] == [("item",)]
    assert list(dataschema.invalid(schema)) == []


def test_data_schema_2019_keywords_are_known_only_there() -> None:
    later = {"$schema": "https://json-schema.org/draft/2019-09/schema", "$defs": {}}
    assert list(dataschema.unknown_keywords(later)) == []
    [problem] = dataschema.unknown_keywords({"$defs": {}, "dependentRequired": {}})
    assert problem.path == ("dependentRequired",)


def test_a_config_file_named_from_a_later_folder_is_checked_with_every_user(root: Path) -> None:
    """The walk checks a config file when it leaves its users' folder: a user in a folder
    walked later makes it check the file again, with every user. Checked with the late
    user alone, whose image swr_location names, it would be only redundant (MA411)."""
    config = {**SHARED, "swr_location": IMAGE.split("@", maxsplit=1)[0]}
    del config["runtime"]
    config["health"] = {"url": "/health"}
    config["apis"] = []
    first = HEADER.replace("ml-team/demo", "ml-team/elsewhere") + "config: c.json\n"
    late = HEADER.replace("name: demo", "name: other") + "config: ../demo/c.json\n"
    files = {"models/demo/c.json": json.dumps(config), "models/demo/1.0.0.yaml": first}
    assert [(d.file, d.rule) for d in check(root, files)] == [("models/demo/c.json", "MA412")]
    got = check(root, {**files, "models/other/1.0.0.yaml": late})
    assert [(d.file, d.rule) for d in got] == [("models/demo/c.json", "MA412")]
