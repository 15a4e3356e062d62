"""The light identity index: it reads what the full parse reads, or leaves the file to it.

`validate <one file>` reads the other imports lightly. Whatever it reads must be what
`validate` of the whole tree finds, so that a duplicate (MA601) or a removed version (MA603)
is reported alike either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, ROOT, Run, load_script, write
from validator.load.index import read_light
from validator.load.yaml_file import load_yaml

TRICKY = [
    b'name: x\t# comment\nversion: "1.0.0"\n',
    b'name: x\nversion: "1.0\x01"\n',  # a control character: libyaml refuses the file
    b'name: x\nversion: "1.0.0"\x7f\n',
    b'name: x\rversion: "1.0.0"\rdescription: y\r',  # CR-only line endings
    b'name: x\r\nversion: "1.0.0"\r\n',
    b"name: x\nversion: 1.0\n",  # a number, not text
    b'name: yes\nversion: "1.0.0"\n',
    b'name: null\nversion: "1.0.0"\n',
    b'name: 0x1f\nversion: "1.0.0"\n',
    b'name: 1e-3\nversion: "1.0.0"\n',
    b'name: x\n  continued\nversion: "1.0.0"\n',  # a plain value on two lines
    b'name: x\n\n  continued\nversion: "1.0.0"\n',
    b'name: x\n  # only a comment\nversion: "1.0.0"\n',
    b'name: x y\nversion: "1.0.0"\n',
    b'name: x # comment\nversion: "1.0.0"  # comment\n',
    b'name: "x"#no space\nversion: "1.0.0"\n',
    b"name: 'it''s'\nversion: '1.0.0'\n",
    b'name: "a\\tb"\nversion: "1.0.0"\n',
    b'"name": x\nname: y\nversion: "1.0.0"\n',  # a quoted key: the full parse keeps x
    b'? name\n: x\nversion: "1.0.0"\n',
    b'name: x\nversion: "1.0.0"\n---\nname: y\n',  # two documents
    b'%YAML 1.1\n---\nname: x\nversion: "1.0.0"\n',
    b'\xef\xbb\xbfname: x\nversion: "1.0.0"\n',
    b'name: x\nversion: "1.0.0"\nname: y\n',
    b'name:\tx\nversion: "1.0.0"\n',
    b'name : x\nversion : "1.0.0"\n',
    b'name: \xe5\x9b\xbe\xe5\x83\x8f\nversion: "1.0.0"\n',  # CJK
    b'name: x\nversion: "1.0.0"\nconfig: config.json # shared\n',
    b'name: x\nversion: "1.0.0"\nconfig: true\n',
    b'name: x\nversion: "1.0.0"\ndescription: "a\n  name: y"\n',
    b'name: x\nversion: "1.0.0"  # modelarts-gitops: ignore[MA601]\n',
    b'name: x\nversion: "1.0.0"\nlabels: [a, b\n',  # a syntax error further down
    b'name: x\nversion: "1.0.0"\ndocs: &d [1]\nmore: *d\n',
    b"name: x\nversion: '1.0.0'\nlabels:\n- a\n- b\n",
    b'name: -x\nversion: "1.0.0"\n',
    b'name: x\nversion: "\xc2\x85"\n',  # NEL, LS and PS break lines in YAML 1.1
    b'name: x\xe2\x80\xa8y\nversion: "1.0.0"\n',
    b'name: x\nversion: "1.0.0\xe2\x80\xa9"\n',
]


def _agrees(raw: bytes, folder: Path) -> None:
    """A light read gives exactly what the full parse gives, or nothing."""
    file = folder / "m.yaml"
    file.write_bytes(raw)
    light = read_light(file, "m.yaml")
    if light is None:
        return
    document, problems = load_yaml(raw, "m.yaml", 1 << 20)
    if document is None or any(p.rule in ("MA001", "MA004") for p in problems):
        # Not readable in full: the pipeline parses a light file before trusting it.
        return
    for key, value in light.document.data.items():
        assert document.data.get(key) == value, (raw, key)
        assert light.document.positions[(key,)] == document.positions[(key,)], (raw, key)
    for key in ("name", "version"):
        assert isinstance(document.data.get(key), str), raw
    if isinstance(document.data.get("config"), str):
        assert light.config == document.data["config"]
    assert dict(light.document.ignores) == dict(document.ignores), raw


@pytest.mark.parametrize("raw", TRICKY, ids=range(len(TRICKY)))
def test_the_light_read_agrees_with_the_full_parse(raw: bytes, tmp_path: Path) -> None:
    _agrees(raw, tmp_path)


def test_the_light_read_agrees_on_every_fixture_and_generated_file(tmp_path: Path) -> None:
    bench = load_script("benchmarks/validate.py")
    models = bench.generate(tmp_path / "gen", 150, broken=2)
    files = sorted(ROOT.glob("tests/fixtures/*/*.yaml")) + sorted(models.glob("*/*.yaml"))
    read = 0
    for file in files:
        read += read_light(file, "m.yaml") is not None
        _agrees(file.read_bytes(), tmp_path)
    assert read > 100  # most files are read lightly


def test_a_control_character_in_another_files_version_is_no_crash(run: Run, repo: Path) -> None:
    target = write(repo, "models/a/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", "a"))
    other = repo / "models/b/1.0.0.yaml"
    other.parent.mkdir(parents=True)
    other.write_bytes(b'name: b\nversion: "1.0\x01"\n')
    result = run("validate", str(target.relative_to(repo)))
    assert result.code == 0, result.err
    assert "internal error" not in result.err
    assert result.out == "1 file checked: no problems\n"


DUPLICATES = [
    b'name: demo-model\t# the same model\nversion: "1.0.0"\n',
    GOOD_IMPORT.replace("\n", "\r").encode(),
]


@pytest.mark.parametrize("other", DUPLICATES, ids=["tab-comment", "cr-only"])
def test_a_duplicate_is_found_alike_with_one_file_and_with_the_tree(
    run: Run, repo: Path, other: bytes
) -> None:
    target = write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    copy = repo / "models/copy/1.0.0.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_bytes(other)
    whole = run("validate", "--format", "json", "models")
    one = run("validate", "--format", "json", str(target.relative_to(repo)))
    assert '"MA601"' in whole.out
    duplicates = [line for line in whole.out.splitlines() if "also declared in" in line]
    assert duplicates
    assert [line for line in one.out.splitlines() if "also declared in" in line] == duplicates


def test_a_file_broken_further_down_declares_nothing_with_one_file_either(
    run: Run, repo: Path
) -> None:
    """The full parse of the other file fails, so there is no duplicate, either way."""
    target = write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    write(repo, "models/copy/1.0.0.yaml", 'name: demo-model\nversion: "1.0.0"\nlabels: [a, b\n')
    whole = run("validate", "models")
    one = run("validate", str(target.relative_to(repo)))
    assert "MA001" in whole.out and "MA601" not in whole.out
    assert one.out == "1 file checked: no problems\n"


HOSTILE_FURTHER_DOWN = [
    (b"labels: !!bool maybe\n", "MA006"),  # an explicit tag with a value of another type
    (b"labels: [" + b"a," * 20_001 + b"a]\n", "MA008"),  # past the value limit
    (b"labels: " + b"[" * 70 + b"]" * 70 + b"\n", "MA010"),  # nested too deep
]


@pytest.mark.parametrize(("tail", "rule"), HOSTILE_FURTHER_DOWN, ids=["tag", "values", "depth"])
def test_a_file_the_hardened_loader_refuses_declares_nothing_with_one_file_either(
    run: Run, repo: Path, tmp_path: Path, tail: bytes, rule: str
) -> None:
    """The light read sees a valid identity at the top; the full parse refuses the file
    further down, so the tree has no duplicate, and neither has a one-file run."""
    target = write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    other = repo / "models/copy/1.0.0.yaml"
    other.parent.mkdir(parents=True)
    other.write_bytes(b'name: demo-model\nversion: "1.0.0"\n' + tail)
    assert read_light(other, "other.yaml") is not None
    _agrees(other.read_bytes(), tmp_path)
    whole = run("validate", "models")
    one = run("validate", str(target.relative_to(repo)))
    assert "models/copy/1.0.0.yaml:" in whole.out and f" {rule} error " in whole.out
    assert "MA601" not in whole.out
    assert one.out == "1 file checked: no problems\n"
