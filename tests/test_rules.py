"""Rule tests in a real git repository: one line of YAML, the findings it must give.

Each row's text comes first in the file (so its positions read directly) and the
keys it does not set are taken from `GOOD_IMPORT`. Rules that need configuration
(MA303, MA304), a place in the repository (MA207) or a symlink (MA402) are tested
here too, since the fixture files cannot carry those.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from validator.check.run import validate
from validator.check.schema import STRUCTURE_RULES, SchemaCheck
from validator.diagnostics import Diagnostic
from validator.settings import Settings, load_settings

Found = list[tuple[int, int, str]]
DIGEST = "a" * 64
SWR = "swr.eu-de.otc.t-systems.com"
IMAGE = f"{SWR}/ml-team/demo@sha256:{DIGEST}"


def blocks(text: str) -> dict[str, str]:
    """The top-level keys of an import, each with its lines."""
    out: dict[str, str] = {}
    key = ""
    for line in text.splitlines(keepends=True):
        if line[:1] not in ("", " ", "-", "#", "\n"):
            key = line.split(":", 1)[0]
        out[key] = out.get(key, "") + line
    return out


BASE = blocks(GOOD_IMPORT)


def compose(text: str) -> str:
    """`text` on line 1, then the keys of GOOD_IMPORT it does not set."""
    own = blocks(text + "\n")
    return text + "\n" + "".join(lines for key, lines in BASE.items() if key not in own)


def diagnostics(root: Path, text: str, where: str = "x.yaml") -> list[Diagnostic]:
    file = write(root, where, text)
    return validate([file], load_settings(root, {}))


def found(root: Path, text: str, where: str = "x.yaml") -> Found:
    return [(d.line, d.column, d.rule) for d in diagnostics(root, text, where)]


def test_the_base_import_is_clean(repo: Path) -> None:
    assert found(repo, compose("")) == []
    assert set(BASE) == {"name", "version", "description", "source", "deployment_types", "config"}


ROWS: list[tuple[str, Found]] = [
    # MA1xx: the schema
    ("descripton: A demo model", [(1, 1, "MA101")]),
    ("Description: A demo model", [(1, 1, "MA101")]),
    ("model_name: demo-model", [(1, 1, "MA101")]),
    ("min_inference_specs: {cpu: 1, mem: 1}", [(1, 31, "MA101")]),
    ("source: {copy: true}", [(1, 9, "MA102")]),
    ("docs: [{name: a}]", [(1, 8, "MA102")]),
    (f"source: {{copy: 'true', image: {IMAGE}}}", [(1, 16, "MA103")]),
    ("config: 42", [(1, 9, "MA103")]),
    ("config: [model.json]", [(1, 9, "MA103")]),
    ("name:", [(1, 6, "MA103")]),
    ("version: ~", [(1, 10, "MA103")]),
    ("deployment_types: [~]", [(1, 20, "MA103")]),
    ("labels: [a, ~]", [(1, 13, "MA103")]),
    ('config: ""', [(1, 9, "MA105")]),
    ("min_inference_specs: {}", [(1, 22, "MA105")]),
    ('workspace_id: "0"', []),
    (f'workspace_id: "{"0123456789abcdef" * 2}"', []),
    (f'workspace_id: "{"0123456789abcdef" * 2}0"', [(1, 15, "MA105")]),
    # MA201 / MA206: name, 1-64 letters, CJK characters, digits, - and _
    ("name: a", []),
    (f"name: a{'b' * 63}", []),
    (f"name: a{'b' * 64}", [(1, 7, "MA201")]),
    (f"name: {'图' * 64}", []),
    (f"name: {'图' * 65}", [(1, 7, "MA201")]),
    ("name: 图像分类-v2_模型", []),
    ("name: 㐀模型", []),  # CJK extension A
    ("name: 모델", [(1, 7, "MA201")]),  # Hangul is not among the console's characters
    ("name: café", [(1, 7, "MA201")]),
    ("name: a/b", [(1, 7, "MA201")]),
    ("name: true", [(1, 7, "MA201")]),
    ("name: '  demo'", [(1, 7, "MA201"), (1, 7, "MA206")]),
    ("name: -demo", [(1, 7, "MA206")]),
    ("name: _demo", [(1, 7, "MA206")]),
    ("name: 1demo", [(1, 7, "MA206")]),
    # MA202: version, D.D.D with parts 0-99, a string
    ('version: "0.0.0"', []),
    ('version: "99.99.99"', []),
    ("version: 1.0.0", []),  # three parts: YAML reads a string
    ('version: "99.99.100"', [(1, 10, "MA202")]),
    ('version: "100.0.0"', [(1, 10, "MA202")]),
    ('version: "0.0.01"', [(1, 10, "MA202")]),
    ('version: "1.0.0.0"', [(1, 10, "MA202")]),
    ('version: "1..0"', [(1, 10, "MA202")]),
    ('version: ""', [(1, 10, "MA202")]),
    ('version: "١.٠.٠"', [(1, 10, "MA202")]),  # Arabic-Indic digits are digits, not ASCII
    ("version: 1.0", [(1, 10, "MA202")]),
    ("version: 1", [(1, 10, "MA202")]),
    # MA203: description, 1-100 characters, none of & ! ' " < > =
    (f"description: {'x' * 100}", []),
    (f"description: {'x' * 101}", [(1, 14, "MA203")]),
    ("description: 商品图片分类模型", []),
    ("description: 42", [(1, 14, "MA203")]),
    *((f"description: {json.dumps(f'a {c} b')}", [(1, 14, "MA203")]) for c in "&!'\"<>="),
    # MA204: labels
    ("labels: []", []),
    ("labels: [a, b, c, d, e]", []),
    ("labels: [a, b, c, d, e, f]", [(1, 25, "MA204")]),
    (f"labels: [a{'b' * 63}]", []),
    (f"labels: [a{'b' * 64}]", [(1, 10, "MA204")]),
    ("labels: [x_1, Y2]", []),
    ("labels: [图像]", [(1, 10, "MA204")]),
    ("labels: [a, 1]", [(1, 13, "MA204")]),
    # MA205: docs
    ("docs: []", []),
    ("docs:\n- {name: a, url: 'https://e.x/1'}\n- {name: b, url: 'http://e.x/2'}", []),
    (
        "docs:\n- {name: a, url: 'https://e.x/1'}\n- {name: b, url: 'https://e.x/2'}\n"
        "- {name: c, url: 'https://e.x/3'}\n- {name: d, url: 'https://e.x/4'}",
        [(5, 3, "MA205")],
    ),
    (f"docs: [{{name: a{'b' * 47}, url: 'https://e.x'}}]", []),
    (f"docs: [{{name: a{'b' * 48}, url: 'https://e.x'}}]", [(1, 15, "MA205")]),
    ("docs: [{name: a, url: 'ftp://e.x/a'}]", [(1, 23, "MA205")]),
    ("docs: [{name: a, url: 'https://'}]", [(1, 23, "MA205")]),
    ("docs: {name: a, url: 'https://e.x'}", [(1, 7, "MA205")]),
    # MA3xx: the image
    (f"source: {{image: '{SWR}/ml-team/demo:1.0.0@sha256:{DIGEST}'}}", []),
    (f"source: {{image: '{SWR}/ml-team/demo:latest@sha256:{DIGEST}'}}", []),
    (f"source: {{image: 'swr.cn-north-4.myhuaweicloud.com/ml/demo@sha256:{DIGEST}'}}", []),
    (f"source: {{image: '{SWR}:443/ml-team/demo@sha256:{DIGEST}'}}", []),
    (f"source: {{image: '{SWR}/ml-team/sub/demo@sha256:{DIGEST}'}}", []),
    (f"source: {{image: '{SWR}/ml-team/demo@sha512:{'b' * 128}'}}", []),
    (f"source: {{image: '{SWR}/ML-team/demo@sha256:{DIGEST}'}}", [(1, 17, "MA301")]),
    (f"source: {{image: '{SWR}/ml-team@sha256:{DIGEST}'}}", [(1, 17, "MA301")]),
    (f"source: {{image: '{SWR}/ml-team/demo@sha256:{DIGEST[:-1]}'}}", [(1, 17, "MA301")]),
    ("source: {image: ''}", [(1, 17, "MA301")]),
    (f"source: {{image: 'localhost:5000/ml/demo@sha256:{DIGEST}'}}", [(1, 17, "MA302")]),
    (f"source: {{image: 'ml-team/demo@sha256:{DIGEST}'}}", [(1, 17, "MA302")]),
    (f"source: {{image: '{SWR}/ml-team/demo'}}", [(1, 17, "MA305")]),
    (f"source: {{image: '{SWR}/ml-team/demo:latest'}}", [(1, 17, "MA305")]),
    (f"source: {{image: '{SWR}/ml-team/demo:1.0.0'}}", [(1, 17, "MA306")]),
    # MA5xx: deployment
    ("deployment_types: [batch]", []),
    ("deployment_types: [batch, real-time]", []),
    ("deployment_types: [Real-time]", [(1, 20, "MA501")]),
    ("deployment_types: [real-time, Batch]", [(1, 31, "MA501")]),
    ("deployment_types: [real-time, edge]", [(1, 31, "MA502")]),
    ("deployment_types: [edge, edge]", [(1, 20, "MA502"), (1, 26, "MA501")]),
    ("min_inference_specs: {cpu: 0.001, memory: 1, gpu: 0, ascend: 0}", []),
    ("min_inference_specs: {cpu: 0}", [(1, 28, "MA503")]),
    ("min_inference_specs: {cpu: -1}", [(1, 28, "MA503")]),
    ("min_inference_specs: {cpu: true}", [(1, 28, "MA503")]),
    ("min_inference_specs: {cpu: .nan}", [(1, 28, "MA503")]),
    ("min_inference_specs: {memory: 0}", [(1, 31, "MA503")]),
    ("min_inference_specs: {memory: 1.5}", [(1, 31, "MA503")]),
    ("min_inference_specs: {gpu: -0.5}", [(1, 28, "MA503")]),
    ("min_inference_specs: {gpu: 0.5}", []),
    ("min_inference_specs: {ascend: -1}", [(1, 31, "MA503")]),
    ("deployment_types: [batch]\nmin_inference_specs: {cpu: 1}", [(2, 1, "MA504")]),
]


@pytest.mark.parametrize(("text", "expected"), ROWS, ids=[r[0][:60] for r in ROWS])
def test_rule(repo: Path, text: str, expected: Found) -> None:
    assert found(repo, compose(text)) == sorted(expected)


MESSAGES = [
    # text, rule, part of the message, suggestion
    ("version: 1.0", "MA202", "version 1.0 is read by YAML as the number 1.0; quote it", '"1.0.0"'),
    ("version: 1.10", "MA202", "the number 1.1;", 'version: "1.10.0"'),
    ('version: "v1.0.0"', "MA202", "not three numbers", 'version: "1.0.0"'),
    ('version: "01.2.3"', "MA202", "`01` has a leading zero", 'version: "1.2.3"'),
    ("version: 0x10", "MA202", "the number 16", None),
    ("descripton: x", "MA101", "unknown key `descripton`", "did you mean `description`?"),
    ("deployment_types: [Real-time]", "MA501", "`Real-time`", "did you mean `real-time`?"),
    ("deployment_types: [realtime]", "MA501", "`realtime`", "did you mean `real-time`?"),
    ("name: product classifier", "MA201", "a space", "name: product-classifier"),
    ("name: モデル", "MA201", "`モ`", None),
    ("name: true", "MA201", "must be text", 'quote it: "true"'),
    ("labels: [object-detection]", "MA204", "only letters", "object_detection"),
    ('config: ""', "MA105", "non-empty", None),
    (f"source: {{image: '{SWR}/ml-team:1'}}", "MA301", "no repository", "ml-team/<repository>:1"),
    (
        f"source: {{image: '{SWR.upper()}/t/i@sha256:{DIGEST}'}}",
        "MA302",
        "must be lower case",
        f"{SWR}/t/i@sha256:{DIGEST}",
    ),
    ("config: configs/nope.json", "MA401", "does not exist", None),
    ("name: 42", "MA201", "must be text, not a number", 'quote it: "42"'),
]


@pytest.mark.parametrize(("text", "rule", "message", "suggestion"), MESSAGES)
def test_message_and_suggestion(
    repo: Path, text: str, rule: str, message: str, suggestion: str | None
) -> None:
    [diagnostic] = [d for d in diagnostics(repo, compose(text)) if d.rule == rule]
    assert message in diagnostic.message
    if suggestion is None:
        assert diagnostic.suggestion is None
    else:
        assert diagnostic.suggestion is not None
        assert suggestion in diagnostic.suggestion


def test_enum_values_are_MA104_with_a_suggestion() -> None:
    # The import schema's only enum (deployment types) belongs to MA501, so MA104 is
    # reached through the same SchemaCheck that every schema goes through.
    check = SchemaCheck({"properties": {"protocol": {"enum": ["http", "https"]}}}, STRUCTURE_RULES)
    [finding] = check.findings({"protocol": "htps"})
    assert (finding.path, finding.rule) == (("protocol",), "MA104")
    assert finding.suggestion == "did you mean `https`?"
    assert list(check.findings({"protocol": "https"})) == []


def image_in(region: str, organization: str) -> str:
    return (
        f"source: {{image: 'swr.{region}.otc.t-systems.com/{organization}/demo@sha256:{DIGEST}'}}"
    )


LATEST_ON_DOCKER_HUB = "source: {image: 'ml-team/demo:latest'}"

# Rules that depend on configuration: (.modelarts-gitops.yaml, import row, findings)
CONFIGURED: list[tuple[str, str, Found]] = [
    ("images: {region: eu-de}", image_in("eu-nl", "ml-team"), [(1, 17, "MA303")]),
    ("images: {region: eu-de}", image_in("eu-de", "ml-team"), []),
    ("images: {region: eu-nl}", image_in("eu-nl", "ml-team"), []),
    ("images: {}", image_in("eu-nl", "ml-team"), []),
    (
        "images: {organizations: [ml-team, vision]}",
        image_in("eu-de", "jdoe"),
        [(1, 17, "MA304")],
    ),
    ("images: {organizations: [ml-team, vision]}", image_in("eu-de", "vision"), []),
    (
        "images: {region: eu-de, organizations: [ml-team]}",
        image_in("eu-nl", "ml-tem"),
        [(1, 17, "MA303"), (1, 17, "MA304")],
    ),
    (
        "images: {registries: ['registry.example.com:5000']}",
        f"source: {{image: 'registry.example.com:5000/ml/demo@sha256:{DIGEST}'}}",
        [],
    ),
    (
        "images: {registries: ['registry.example.com:5000']}",
        f"source: {{image: 'registry.example.com/ml/demo@sha256:{DIGEST}'}}",
        [(1, 17, "MA302")],
    ),
    (
        "severity: {MA306: error}",
        f"source: {{image: '{SWR}/ml-team/demo:1.0.0'}}",
        [(1, 17, "MA306")],
    ),
    ("ignore: [MA3]", LATEST_ON_DOCKER_HUB, []),
    ("select: [MA2]", LATEST_ON_DOCKER_HUB, []),
    (
        "select: [MA30]",
        LATEST_ON_DOCKER_HUB,
        [(1, 17, "MA302"), (1, 17, "MA305")],
    ),
]


@pytest.mark.parametrize(("config", "text", "expected"), CONFIGURED)
def test_rule_with_configuration(repo: Path, config: str, text: str, expected: Found) -> None:
    write(repo, ".modelarts-gitops.yaml", config + "\n")
    assert found(repo, compose(text)) == sorted(expected)


def test_region_and_organization_messages_name_the_fix(repo: Path) -> None:
    write(repo, ".modelarts-gitops.yaml", "images: {region: eu-de, organizations: [ml-team]}\n")
    by_rule = {d.rule: d for d in diagnostics(repo, compose(image_in("eu-nl", "ml-tem")))}
    assert "region `eu-nl`" in by_rule["MA303"].message
    # Each hint is the whole image, so it can replace the value as it is.
    assert by_rule["MA303"].suggestion == f"{SWR}/ml-tem/demo@sha256:{DIGEST}"
    assert "organization `ml-tem` is not allowed" in by_rule["MA304"].message
    organization_fixed = f"swr.eu-nl.otc.t-systems.com/ml-team/demo@sha256:{DIGEST}"
    assert by_rule["MA304"].suggestion == organization_fixed


def test_region_comes_from_the_environment_too(repo: Path) -> None:
    file = write(repo, "x.yaml", compose(image_in("eu-nl", "ml-team")))

    def rules(region: str) -> list[str]:
        settings = load_settings(repo, {"MODELARTS_REGION": region})
        return [d.rule for d in validate([file], settings)]

    assert rules("eu-de") == ["MA303"]
    assert rules("eu-nl") == []


# One import with findings in four families, on four lines.
SEVERAL = compose(
    "name: demo model\nversion: 1.0\n"
    "source: {image: 'swr.eu-de.otc.t-systems.com/ml-team/demo:latest'}\n"
    "deployment_types: [real-time, edge]"
)


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), {"MA201", "MA202", "MA305", "MA502"}),
        (("MA202",), (), {"MA202"}),
        (("MA2",), (), {"MA201", "MA202"}),
        (("MA20",), (), {"MA201", "MA202"}),
        (("MA2", "MA5"), ("MA201",), {"MA202", "MA502"}),
        ((), ("MA2",), {"MA305", "MA502"}),
        ((), ("MA305", "MA5"), {"MA201", "MA202"}),
        ((), ("MA",), set()),
    ],
)
def test_select_and_ignore(
    repo: Path, select: tuple[str, ...], ignore: tuple[str, ...], expected: set[str]
) -> None:
    file = write(repo, "x.yaml", SEVERAL)
    settings = Settings(root=repo, select=select, ignore=ignore)
    assert {d.rule for d in validate([file], settings)} == expected


def test_select_and_ignore_flags(run: Run, repo: Path) -> None:
    write(repo, "x.yaml", SEVERAL)

    def rules(*flags: str) -> set[str]:
        out = run("validate", "--format", "json", *flags, "x.yaml").out
        return {d["rule"] for d in json.loads(out)["diagnostics"]}

    assert rules("--select", "MA3,MA5") == {"MA305", "MA502"}
    assert rules("--ignore", "MA201", "--ignore", "MA3") == {"MA202", "MA502"}


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("", ["MA302", "MA305"]),
        ("  # modelarts-gitops: ignore[MA305]", ["MA302"]),
        ("  # modelarts-gitops: ignore[ma305]", ["MA302"]),
        ("  # modelarts-gitops: ignore[MA302, MA305]", []),
        ("  # modelarts-gitops: ignore[MA3]", []),
        ("  # modelarts-gitops: ignore[MA306]", ["MA302", "MA305"]),
        ("  # ignore[MA305]", ["MA302", "MA305"]),
    ],
)
def test_inline_ignore_comment(repo: Path, comment: str, expected: list[str]) -> None:
    assert [r for *_, r in found(repo, compose(LATEST_ON_DOCKER_HUB + comment))] == expected


def test_inline_ignore_applies_to_its_own_line_only(repo: Path) -> None:
    text = compose(
        "name: demo model  # modelarts-gitops: ignore[MA305]\n"
        "version: 1.0  # modelarts-gitops: ignore[MA201]\n" + LATEST_ON_DOCKER_HUB
    )
    assert found(repo, text) == [
        (1, 7, "MA201"),
        (2, 10, "MA202"),
        (3, 17, "MA302"),
        (3, 17, "MA305"),
    ]


@pytest.mark.parametrize(
    ("config", "code", "severity"),
    [
        ("", 0, "info"),
        ("severity: {MA306: error}", 1, "error"),
        ("severity: {MA3: warning}", 0, "warning"),
        ("severity: {MA3: error, MA306: info}", 0, "info"),
    ],
)
def test_severity_is_configuration(
    run: Run, repo: Path, config: str, code: int, severity: str
) -> None:
    if config:
        write(repo, ".modelarts-gitops.yaml", config + "\n")
    write(repo, "x.yaml", compose(f"source: {{image: '{SWR}/ml-team/demo:1.0.0'}}"))
    result = run("validate", "--format", "json", "x.yaml")
    assert [(d["rule"], d["severity"]) for d in json.loads(result.out)["diagnostics"]] == [
        ("MA306", severity)
    ]
    assert result.code == code


def test_a_lowered_warning_no_longer_fails_strict(run: Run, repo: Path) -> None:
    write(repo, "x.yaml", compose("deployment_types: [real-time, edge]"))
    assert run("validate", "--strict", "x.yaml").code == 1
    write(repo, ".modelarts-gitops.yaml", "severity: {MA5: info}\n")
    assert run("validate", "--strict", "x.yaml").code == 0


# MA207: only files inside the models folder; (path, findings)
PLACES: list[tuple[str, Found]] = [
    ("models/demo-model/1.0.0.yaml", []),
    ("models/demo-model/1.0.0.yml", []),
    ("elsewhere/other/2.0.0.yaml", []),
    ("demo.yaml", []),
    ("models/other/1.0.0.yaml", [(1, 7, "MA207")]),
    ("models/demo-model/1.0.1.yaml", [(2, 10, "MA207")]),
    ("models/demo-model/v1.0.0.yaml", [(2, 10, "MA207")]),
    ("models/demo-model.yaml", [(1, 7, "MA207")]),
    ("models/team/demo-model/1.0.0.yaml", [(1, 7, "MA207")]),
]


@pytest.mark.parametrize(("where", "expected"), PLACES)
def test_path_agrees_with_content(repo: Path, where: str, expected: Found) -> None:
    assert found(repo, GOOD_IMPORT, where) == expected


def test_path_rule_follows_the_configured_models_folder(repo: Path) -> None:
    write(repo, ".modelarts-gitops.yaml", "models_dir: imports\n")
    assert found(repo, GOOD_IMPORT, "imports/other/1.0.0.yaml") == [(1, 7, "MA207")]
    (repo / "imports/other/1.0.0.yaml").unlink()  # the same name and version twice is MA601
    assert found(repo, GOOD_IMPORT, "models/other/1.0.0.yaml") == []


def test_path_rule_suggests_the_expected_place(repo: Path) -> None:
    [diagnostic] = diagnostics(repo, GOOD_IMPORT, "models/demo-model/1.0.1.yaml")
    assert diagnostic.suggestion == "rename it to models/demo-model/1.0.0.yaml"


# MA4xx: the config path, with real files and symlinks
CONFIG_JSON = json.dumps(
    {
        "model_algorithm": "image_classification",
        "model_type": "Image",
        "health": {
            "url": "/health",
            "protocol": "http",
            "initial_delay_seconds": 10,
            "timeout_seconds": 5,
        },
    }
)


def test_config_file_beside_the_import(repo: Path) -> None:
    write(repo, "models/demo-model/config.json", CONFIG_JSON)
    text = compose("config: config.json")
    assert found(repo, text, "models/demo-model/1.0.0.yaml") == []
    [missing] = diagnostics(repo, compose("config: conifg.json"), "models/demo-model/1.0.0.yaml")
    assert (missing.line, missing.column, missing.rule) == (1, 9, "MA401")
    assert missing.suggestion == "did you mean `config.json`?"
    write(repo, "models/demo-model/configs/serving.json", CONFIG_JSON)
    text = compose("config: configs/servign.json")
    [nested] = diagnostics(repo, text, "models/demo-model/1.0.0.yaml")
    assert nested.suggestion == "did you mean `configs/serving.json`?"
    assert missing.suggestion == "did you mean `config.json`?"


def test_symlink_inside_the_repository_is_followed(repo: Path) -> None:
    write(repo, "shared/config.json", CONFIG_JSON)
    (repo / "configs").mkdir()
    (repo / "configs/link.json").symlink_to(repo / "shared/config.json")
    assert found(repo, compose("config: configs/link.json")) == []


def test_symlink_leading_outside_is_refused(repo: Path, tmp_path: Path) -> None:
    outside = write(tmp_path, "outside/config.json", CONFIG_JSON)
    (repo / "configs").mkdir()
    (repo / "configs/escape.json").symlink_to(outside)
    (repo / "linked").symlink_to(outside.parent, target_is_directory=True)
    [file_link] = diagnostics(repo, compose("config: configs/escape.json"))
    assert (file_link.line, file_link.column, file_link.rule) == (1, 9, "MA402")
    assert "symlink" in file_link.message
    assert found(repo, compose("config: linked/config.json")) == [(1, 9, "MA402")]


def test_dotdot_inside_the_repository_is_fine(repo: Path) -> None:
    write(repo, "shared/config.json", CONFIG_JSON)
    where = "models/demo-model/1.0.0.yaml"
    assert found(repo, compose("config: ../../shared/config.json"), where) == []
    assert found(repo, compose("config: ../../../shared/config.json"), where) == [(1, 9, "MA402")]


# Rule ids whose failing case lives here rather than in tests/fixtures/bad/
# (MA104 in test_enum_values_are_MA104_with_a_suggestion).
COVERED_IN_TEST_RULES = frozenset({"MA104", "MA207", "MA303", "MA304"})


def test_rules_covered_here_have_a_failing_case() -> None:
    failing = {rule for *_, expected in CONFIGURED for *_, rule in expected}
    failing |= {rule for _, expected in PLACES for *_, rule in expected}
    assert COVERED_IN_TEST_RULES - {"MA104"} <= failing
