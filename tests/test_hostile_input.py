"""Input that once reached `internal error`: now a located finding, in every format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.load.json_file import load_json
from validator.load.yaml_file import load_yaml
from validator.report import FORMATS

HEAD = GOOD_IMPORT.split("config:")[0]
IMPORT = "models/demo-model/1.0.0.yaml"
CONFIG = "models/demo-model/config.json"


def _validate(run: Run, *args: str) -> str:
    result = run("validate", *args)
    assert "internal error" not in result.out + result.err
    assert result.err == ""
    assert result.code == 1
    return result.out


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("!!bool maybe", "3:14: MA006 error `maybe` is not a valid `!!bool`"),
        ("!!bool", "3:14: MA006 error an empty value is not a valid `!!bool`"),
        ("!!int", "3:14: MA006 error an empty value is not a valid `!!int`"),
        ("!!float", "3:14: MA006 error an empty value is not a valid `!!float`"),
        ("0b_", "3:14: MA006 error `0b_` is not a valid `!!int`"),
    ],
)
def test_core_tags_with_bad_values_are_located(
    run: Run, repo: Path, description: str, expected: str
) -> None:
    write(repo, IMPORT, GOOD_IMPORT.replace("A demo model", description))
    assert f"{IMPORT}:{expected}" in _validate(run)


def test_a_nul_in_the_config_path_is_located(run: Run, repo: Path) -> None:
    write(repo, IMPORT, HEAD + 'config: "config.json\\0"\n')
    out = _validate(run)
    assert f"{IMPORT}:7:9: MA403 error config path `config.json\\x00` holds a NUL" in out


def test_a_config_path_over_the_name_length_limit_is_located(run: Run, repo: Path) -> None:
    write(repo, IMPORT, HEAD + f"config: {'a' * 300}.json\n")
    out = _validate(run)
    assert f"{IMPORT}:7:9: MA403 error config path `{'a' * 300}.json` cannot be used:" in out


def test_a_version_part_of_4301_digits_is_over_99(run: Run, repo: Path) -> None:
    write(repo, IMPORT, GOOD_IMPORT.replace('"1.0.0"', '"1.0.' + "9" * 4301 + '"'))
    out = _validate(run)
    assert f"{IMPORT}:2:10: MA202 error version `1.0.999" in out
    assert "is over 99" in out
    assert "MA207" not in out  # a malformed version is MA202's alone


def test_a_long_digit_string_in_health_numbers_is_out_of_range(run: Run, repo: Path) -> None:
    write(
        repo, IMPORT, GOOD_IMPORT.replace("timeout_seconds: 5", f'timeout_seconds: "{"9" * 5000}"')
    )
    assert ": MA423 error" in _validate(run)


def test_a_list_inside_a_type_list_is_an_ma418_finding(run: Run, repo: Path) -> None:
    old = "data: {type: object, properties: {image_url: {type: string}}}"
    write(repo, IMPORT, GOOD_IMPORT.replace(old, "data: {type: [[x], file]}", 1))
    out = _validate(run)
    assert f"{IMPORT}:15:23: MA418 error apis[0].request.data is not a valid draft-07" in out
    assert '`["x"]` is not a JSON Schema type' in out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("9" * 5000, "2:7: MA404 error number with 5,000 digits is too long"),
        ("[" * 100_000 + "]" * 100_000, "2:70: MA404 error JSON nested deeper than 64 levels"),
        ("[" * 300 + "]" * 300, "2:70: MA404 error JSON nested deeper than 64 levels"),
    ],
)
def test_config_json_too_big_or_too_deep_is_located_where_it_is(
    run: Run, repo: Path, value: str, expected: str
) -> None:
    write(repo, IMPORT, HEAD + "config: config.json\n")
    write(repo, CONFIG, '{"model_type": "Image",\n "x": ' + value + "}")
    assert f"{CONFIG}:{expected}" in _validate(run)


def _surrogates(repo: Path) -> None:
    write(repo, IMPORT, HEAD + "config: config.json\n")
    write(repo, CONFIG, '{"\\ud800": "\\udfff", "model_type": "Image"}')


@pytest.mark.parametrize("format", FORMATS)
def test_lone_surrogates_in_config_json_reach_every_format(
    run: Run, repo: Path, format: str
) -> None:
    _surrogates(repo)
    out = _validate(run, "--format", format)
    out.encode("utf-8")  # nothing unencodable was written
    if format in ("json", "sarif"):
        assert "\\ud800" in out
        assert "unknown key `\ud800`" in _strings(json.loads(out))  # the exact value
    elif format == "junit":
        ET.fromstring(out)
        assert "\\ud800" in out
    else:
        assert "unknown key `\\ud800`" in out


def _strings(value: object) -> list[str]:
    """Every string in parsed JSON: the messages, as a reader of the report gets them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


HOSTILE_KEY = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x7f\u202e"
SHOWN_KEY = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\u202e"


@pytest.mark.parametrize("format", FORMATS)
def test_terminal_escapes_never_reach_the_output(run: Run, repo: Path, format: str) -> None:
    quoted = json.dumps(HOSTILE_KEY)
    write(repo, IMPORT, GOOD_IMPORT.replace("description:", f"{quoted}: 1\ndescription:"))
    out = _validate(run, "--format", format)
    assert not any(c in out for c in "\x1b\x07\x9b\x7f\u202e")
    if format in ("json", "sarif"):
        assert f"unknown key `{HOSTILE_KEY}`" in _strings(json.loads(out))
    elif format == "gitlab":  # the exact value, inside `description`
        assert any(f"unknown key `{HOSTILE_KEY}`" in s for s in _strings(json.loads(out)))
    else:
        assert SHOWN_KEY in out


def test_a_file_named_like_a_workflow_command_cannot_start_one(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, ".modelarts-gitops.yaml", "models_dir: .\n")
    write(repo, "::error title=forged::boom.yaml", "name: [\n")
    write(repo, "x##[stop-commands]y.yaml", "name: [\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    for args in ((), ("--format", "text"), ("--format", "github")):
        lines = _validate(run, *args).splitlines()
        assert all(not line.lstrip().startswith("::") or _ours(line) for line in lines)
        assert all("##[" not in line for line in lines)
        forged = ":%3Aerror title=forged:%3Aboom.yaml:2:1: MA001"
        assert any(line.startswith(forged) for line in lines)


def _ours(line: str) -> bool:
    return line.startswith(("::error file=", "::notice title=modelarts-gitops::"))


def test_hash_bracket_in_a_message_is_neutralised_under_actions(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        repo, IMPORT, GOOD_IMPORT.replace("description:", '"##[stop-commands]x": 1\ndescription:')
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = _validate(run)
    assert "##[" not in out
    assert "unknown key `#%23[stop-commands]x`" in out
    monkeypatch.delenv("GITHUB_ACTIONS")
    assert "unknown key `##[stop-commands]x`" in _validate(run, "--format", "text")


NOT_AN_ID = "is not a rule id (MA305) or family prefix (MA3)"


@pytest.mark.parametrize(
    ("flag", "value", "said"),
    [
        ("--select", "MA999", "there is no rule `MA999`; `modelarts-gitops rules` lists them"),
        (
            "--ignore",
            "MA3O6",
            "`MA3O6` is not a rule id (MA305) or family prefix (MA3); did you mean `MA306`?",
        ),
        ("--select", "MA7", "no rule id starts with `MA7`; the families are MA0, MA1"),
        (
            "--ignore",
            "MA2,ma2O",
            "`MA2O` is not a rule id (MA305) or family prefix (MA3); did you mean `MA20`?",
        ),
    ],
)
def test_unknown_rule_ids_in_flags_are_usage_errors(
    run: Run, repo: Path, flag: str, value: str, said: str
) -> None:
    write(repo, IMPORT, GOOD_IMPORT)
    result = run("validate", flag, value)
    assert result.code == 2
    assert f"error: argument {flag}: {said}" in result.err
    assert result.out == ""


def test_known_ids_and_prefixes_in_flags_are_accepted(run: Run, repo: Path) -> None:
    write(repo, IMPORT, GOOD_IMPORT)
    assert run("validate", "--select", "MA,MA3,MA30,MA305", "--ignore", "ma2").code == 0


def test_unknown_rule_ids_in_the_settings_file_are_located_in_words(run: Run, repo: Path) -> None:
    write(repo, IMPORT, GOOD_IMPORT)
    settings = "select: [MA3O6, MA2]\nignore: [MA999]\nseverity: {MA7: error, MA305: info}\n"
    write(repo, ".modelarts-gitops.yaml", settings)
    result = run("validate")
    assert result.code == 2
    assert result.err.splitlines() == [
        ".modelarts-gitops.yaml:1:10: select[0]: `MA3O6` is not a rule id (MA305) or family"
        " prefix (MA3)",
        "    hint: did you mean `MA306`?",
        ".modelarts-gitops.yaml:2:10: ignore[0]: there is no rule `MA999`",
        "    hint: `modelarts-gitops rules` lists them",
        ".modelarts-gitops.yaml:3:12: severity: no rule id starts with `MA7`",
        "    hint: the families are MA0, MA1, MA2, MA3, MA4, MA5, MA6",
        "error: invalid configuration in .modelarts-gitops.yaml",
    ]
    assert "^MA" not in result.err  # no regular expression


def test_unknown_rule_ids_in_pyproject_are_located(run: Run, repo: Path) -> None:
    write(repo, IMPORT, GOOD_IMPORT)
    write(repo, "pyproject.toml", '[tool.modelarts-gitops]\nignore = ["MA3O5"]\n')
    result = run("validate")
    assert result.code == 2
    assert "pyproject.toml:2:1: ignore[0]: `MA3O5` is not a rule id" in result.err


def test_an_unknown_id_in_an_ignore_comment_is_a_located_warning(run: Run, repo: Path) -> None:
    comment = "  # modelarts-gitops: ignore[MA3O5, MA2, ma201, MA-1]"
    write(repo, IMPORT, GOOD_IMPORT.replace("name: demo-model", "name: demo-model" + comment))
    result = run("validate", "--format", "json")
    found = [
        (d["line"], d["column"], d["rule"], d["message"])
        for d in json.loads(result.out)["diagnostics"]
    ]
    assert found == [
        (1, 46, "MA014", "`MA3O5` is not a rule id (MA305) or family prefix (MA3)"),
        (1, 65, "MA014", "`MA-1` is not a rule id (MA305) or family prefix (MA3)"),
    ]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a:\n\tb: 1\n", (2, 1)),
        ("a:\n  b: 1\n\tc: 2\n", (3, 1)),
        ("a:\n  - x\n\t- y\n", (3, 1)),
    ],
)
def test_a_tab_used_for_indentation_is_named(text: str, where: tuple[int, int]) -> None:
    _, [problem] = load_yaml(text.encode(), "x.yaml", 1 << 20)
    assert (problem.line, problem.column, problem.rule) == (*where, "MA001")
    assert problem.message == (
        "YAML syntax error: a tab is used for indentation; YAML indents with spaces"
    )
    assert problem.suggestion == "replace the tab with spaces"


@pytest.mark.parametrize(
    ("text", "where", "message", "hint"),
    [
        ('{"a": 1,}', (1, 8), "a comma after the last item of an object", "remove this comma"),
        ('{"a": [1,\n  ]}', (1, 9), "a comma after the last item of an array", "remove this comma"),
        ('{\n  // note\n  "a": 1}', (2, 3), "JSON has no comments", "remove the comment"),
        ('{"a": 1 /* x */}', (1, 9), "JSON has no comments", "remove the comment"),
        ("{'a': 1}", (1, 2), "a string in single quotes", 'JSON quotes with "double quotes"'),
        ('{"a": 1}\n{"b": 2}', (2, 1), "more text after the end of the top-level object", None),
    ],
)
def test_usual_json_slips_are_said_in_words_with_the_fix(
    text: str, where: tuple[int, int], message: str, hint: str | None
) -> None:
    _, [problem] = load_json(text.encode(), "config.json", 1 << 20)
    assert (problem.line, problem.column, problem.rule) == (*where, "MA404")
    assert problem.message == f"not valid JSON: {message}"
    if hint:
        assert problem.suggestion == hint


def test_other_json_errors_keep_the_decoder_message() -> None:
    _, [problem] = load_json(b'{"a" 1}', "config.json", 1 << 20)
    assert problem.message == "not valid JSON: Expecting ':' delimiter"
    assert (problem.line, problem.column) == (1, 6)


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("max_file_size: 100000000000000000000000", "`max_file_size`: 100000000000000000000000 is"),
        ('models_dir: "a\\0b"', "`models_dir` must be a folder inside the repository"),
        (f"models_dir: {'a' * 300}", "`models_dir` must be a folder inside the repository"),
    ],
)
def test_settings_no_file_system_can_take_are_located_errors(
    run: Run, repo: Path, setting: str, said: str
) -> None:
    write(repo, IMPORT, GOOD_IMPORT)
    write(repo, ".modelarts-gitops.yaml", setting + "\n")
    result = run("validate")
    assert result.code == 2
    assert ".modelarts-gitops.yaml:1:" in result.err
    assert said in result.err
    assert "internal error" not in result.err


def test_a_path_named_on_the_command_line_is_shown_escaped(run: Run, repo: Path) -> None:
    result = run("validate", "x\x1b[2Jy")
    assert result.code == 2
    assert result.err == "error: x\\x1b[2Jy: no such file or folder\n"
