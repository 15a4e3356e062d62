"""Property tests over config.json (as data and as text) and the settings file (see fuzzing.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import GOOD_IMPORT
from tests.fuzzing import (
    FUZZ,
    HOSTILE_TEXT,
    SEED_CONFIGS,
    TREES,
    check_everything,
    make_repo,
    mutate_text,
    replace_at,
    reset,
    write_text,
)
from validator.errors import UserError
from validator.settings import load_settings

IMPORT = GOOD_IMPORT.split("config:")[0] + "config: config.json\n"
CONFIG = "models/demo-model/config.json"
JSON_PIECES = [
    ",",
    ",}",
    ",]",
    "// note\n",
    "/* x */",
    "{",
    "[",
    "]",
    "}",
    ":",
    '"',
    "\\ud800",
    "\\u0000",
    "\\u001b[2J",
    "NaN",
    "Infinity",
    "-0",
    "1e999",
    "9" * 5000,
    "[" * 200,
    "true",
    "null",
    "\t",
]


def _parsed(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


SEEDS = [seed for seed in (_parsed(p) for p in SEED_CONFIGS) if seed is not None]
SETTINGS_KEYS = [
    "models_dir",
    "select",
    "ignore",
    "severity",
    "strict",
    "max_file_size",
    "images",
    "registry",
    "owns",
    "sync",
    "protect",
]


@pytest.fixture
def fuzz_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "MODELARTS_GITOPS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


@st.composite
def config_data(draw: st.DrawFn) -> str:
    data = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        data = replace_at(draw, data)
    return json.dumps(data, ensure_ascii=draw(st.booleans()))


@st.composite
def config_text(draw: st.DrawFn) -> str:
    seed = draw(st.sampled_from(SEED_CONFIGS)).read_text(encoding="utf-8")
    return mutate_text(draw, seed, JSON_PIECES)


RULE_IDS = st.sampled_from(["MA", "MA2", "MA305", "MA999", "MA3O6", "ma2", "", "X", "MA7"])
NUMBERS = st.one_of(st.integers(), st.integers(-(10**30), 10**30), st.floats(), st.booleans())
# Values shaped like what each key takes, so examples get past the schema often.
SETTING_VALUES = {
    "models_dir": st.one_of(
        st.sampled_from([".", "models", "..", "/", "a\x00b", "a" * 300]), TREES
    ),
    "select": st.lists(RULE_IDS, max_size=4),
    "ignore": st.lists(RULE_IDS, max_size=4),
    "severity": st.dictionaries(RULE_IDS, st.sampled_from(["error", "info", "x"]), max_size=3),
    "strict": st.one_of(st.booleans(), TREES),
    "max_file_size": NUMBERS,
    "images": st.fixed_dictionaries(
        {},
        optional={
            "registries": st.lists(st.sampled_from(["swr.x", "", "a:b", "\x1b[2J"])),
            "region": st.one_of(st.sampled_from(["eu-de", "EU", ""]), st.text(max_size=8)),
            "organizations": st.lists(st.text(max_size=8), max_size=3),
        },
    ),
    "registry": st.fixed_dictionaries(
        {},
        optional={
            "url": st.sampled_from(["sqlite:///x.db", "https://[::1", "ftp://x"]),
            "project_id": st.text(max_size=8),
        },
    ),
    "owns": st.lists(st.sampled_from(["team-*", "[", "*", ""]), max_size=3),
    "sync": st.dictionaries(
        st.sampled_from(["max_deletes", "max_delete_share", "concurrency", "publish_timeout", "x"]),
        NUMBERS,
        max_size=3,
    ),
}


@st.composite
def settings_text(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(sorted(SETTING_VALUES)), max_size=5, unique=True))
    tree = {key: draw(SETTING_VALUES[key]) for key in chosen}
    if draw(st.integers(0, 4)) == 0:
        tree[draw(st.sampled_from(HOSTILE_TEXT))] = draw(TREES)
    text = yaml.safe_dump(tree, allow_unicode=True)
    if draw(st.integers(0, 3)):
        return text
    return mutate_text(draw, text, [": ", "- ", "[", "{", "\t", "!!int", "&a", "*a"])


@FUZZ
@given(text=st.one_of(config_data(), config_text()))
def test_any_config_json_gives_located_findings(fuzz_repo: Path, text: str) -> None:
    reset(fuzz_repo)
    write_text(fuzz_repo / "models/demo-model/1.0.0.yaml", IMPORT)
    write_text(fuzz_repo / CONFIG, text)
    check_everything(fuzz_repo)


@FUZZ
@given(text=settings_text(), toml=st.booleans())
def test_any_settings_file_is_settings_or_a_one_line_error(
    fuzz_repo: Path, text: str, toml: bool
) -> None:
    reset(fuzz_repo)
    write_text(fuzz_repo / "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    if toml:
        body = "\n".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in _flat(text).items())
        write_text(fuzz_repo / "pyproject.toml", "[tool.modelarts-gitops]\n" + body + "\n")
    else:
        (fuzz_repo / "pyproject.toml").unlink(missing_ok=True)
        write_text(fuzz_repo / ".modelarts-gitops.yaml", text)
    try:
        settings = load_settings(fuzz_repo.resolve(), {})
    except UserError as error:
        assert str(error)
        for problem in getattr(error, "problems", ()):
            assert problem.line >= 1 and problem.column >= 1
        return
    if (fuzz_repo / settings.models_dir).is_dir():
        check_everything(fuzz_repo, settings)


def _flat(text: str) -> dict[str, object]:
    """Top-level scalars and lists of the generated YAML, for a TOML table."""
    try:
        tree = yaml.safe_load(text)
    # PyYAML itself fails on some of what the product reads as findings: ValueError on
    # `\U4012...`, IndexError on an empty `!!int`, KeyError on `!!bool maybe`.
    except (yaml.YAMLError, ValueError, IndexError, KeyError):
        return {}
    if not isinstance(tree, dict):
        return {}
    out: dict[str, object] = {}
    for key, value in tree.items():
        if isinstance(value, str | int | bool) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            out[str(key)] = value
    return out
