"""Property tests over model import files: YAML trees, YAML text and raw bytes (see fuzzing.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzzing import (
    FUZZ,
    SEED_CONFIGS,
    SEED_IMPORTS,
    YAML_PIECES,
    check_everything,
    make_repo,
    mutate_text,
    replace_at,
    reset,
    seed_tree,
    write_text,
)

IMPORT = "models/demo-model/1.0.0.yaml"
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEED_IMPORTS]
SEED_BYTES = [p.read_bytes() for p in SEED_IMPORTS + SEED_CONFIGS]


@pytest.fixture
def fuzz_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "MODELARTS_GITOPS_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    root = make_repo(tmp_path / "repo")
    monkeypatch.chdir(root)
    return root


@st.composite
def yaml_trees(draw: st.DrawFn) -> str:
    tree = seed_tree(draw(st.sampled_from(SEED_IMPORTS)))
    for _ in range(draw(st.integers(1, 4))):
        tree = replace_at(draw, tree)
    try:
        return yaml.safe_dump(tree, allow_unicode=draw(st.booleans()), sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return yaml.safe_dump(tree, allow_unicode=False)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    return mutate_text(draw, draw(st.sampled_from(SEED_TEXTS)), YAML_PIECES)


@st.composite
def raw_bytes(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_BYTES)))
    if draw(st.booleans()):
        return bytes(draw(st.binary(max_size=400)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data)))
        data[at:at] = draw(st.binary(min_size=1, max_size=4))
        if data and draw(st.booleans()):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@FUZZ
@given(text=yaml_trees())
def test_any_yaml_tree_gives_located_findings(fuzz_repo: Path, text: str) -> None:
    reset(fuzz_repo)
    write_text(fuzz_repo / IMPORT, text)
    check_everything(fuzz_repo)


@FUZZ
@given(text=yaml_texts(), config=st.sampled_from(SEED_CONFIGS))
def test_any_yaml_text_gives_located_findings(fuzz_repo: Path, text: str, config: Path) -> None:
    reset(fuzz_repo)
    write_text(fuzz_repo / IMPORT, text)
    for name in ("config.json", "../configs/config.json", "configs/config.json"):
        target = (fuzz_repo / IMPORT).parent / name
        if target.resolve().is_relative_to(fuzz_repo.resolve()):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(config.read_bytes())
    check_everything(fuzz_repo)


@FUZZ
@given(data=raw_bytes(), other=raw_bytes())
def test_any_bytes_give_located_findings(fuzz_repo: Path, data: bytes, other: bytes) -> None:
    reset(fuzz_repo)
    (fuzz_repo / IMPORT).write_bytes(data)
    (fuzz_repo / "models/demo-model/config.json").write_bytes(other)
    (fuzz_repo / "models/demo-model/2.0.0.yaml").write_bytes(other)
    check_everything(fuzz_repo)
