"""Hostile input end to end: each gives a located finding or a one-line error, never a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, Run, write
from tests.sync_helpers import commit
from tests.test_sync import TOKEN as SYNC_TOKEN
from tests.test_sync import signal_after_first_result
from validator.registry.base import ModelSpec
from validator.registry.local import LocalRegistry
from validator.server.api import ServerConfig
from validator.server.faults import FaultConfig
from validator.server.serving import start_server

TOKEN = "hostile-test-token"
COVERED_IN_HOSTILE_TESTS = {"MA013"}  # the fixture meta-test counts these as covered


def test_a_symlink_to_a_device_and_a_fifo_are_refused_without_reading(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    os.mkfifo(repo / "models/demo-model/3.0.0.yaml")
    try:  # a character device like /dev/zero, inside the repository (needs root)
        os.mknod(repo / "models/demo-model/2.0.0.yaml", 0o600 | stat.S_IFCHR, os.makedev(1, 5))
        devices = ["2.0.0", "3.0.0"]
    except PermissionError:
        devices = ["3.0.0"]
    result = run("validate")
    assert result.code == 1
    for version in devices:
        expected = f"models/demo-model/{version}.yaml:1:1: MA001 error not a regular file"
        assert expected in result.out


def test_an_import_symlink_to_outside_the_repository_is_not_read(
    run: Run, repo: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: s3cr3t-value\n")
    (repo / "models/demo-model").mkdir(parents=True)
    (repo / "models/demo-model/1.0.0.yaml").symlink_to(secret)
    for args in (["validate"], ["validate", "models/demo-model/1.0.0.yaml"]):  # named too
        result = run(*args)
        assert result.code == 1
        assert "models/demo-model/1.0.0.yaml:1:1: MA013 error" in result.out
        assert "s3cr3t" not in result.out


def test_a_config_symlink_loop_is_located(run: Run, repo: Path) -> None:
    text = GOOD_IMPORT.split("config:")[0] + "config: loop.json\n"
    write(repo, "models/demo-model/1.0.0.yaml", text)
    (repo / "models/demo-model/loop.json").symlink_to("loop.json")
    result = run("validate")
    assert result.code == 1
    assert (
        "models/demo-model/1.0.0.yaml:7:9: MA403 error config path `loop.json` is a symlink loop"
        in result.out
    )


def test_an_import_that_is_a_symlink_loop_is_located_in_every_kind_of_run(
    run: Run, repo: Path
) -> None:
    """Python 3.11's `Path.resolve()` raises on a loop; it used to end the run in an
    internal error, named on the command line or not, and under --changed-only."""
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    commit(repo, "one import")
    (repo / "models/demo-model/2.0.0.yaml").symlink_to("3.0.0.yaml")
    (repo / "models/demo-model/3.0.0.yaml").symlink_to("2.0.0.yaml")
    loop = "MA001 error cannot read the file: Too many levels of symbolic links"
    for args in (
        ["validate"],
        ["validate", "models/demo-model/2.0.0.yaml"],
        ["validate", "--base", "HEAD", "--changed-only"],
    ):
        result = run(*args)
        assert (result.code, result.err) == (1, ""), args
        assert f"models/demo-model/2.0.0.yaml:1:1: {loop}" in result.out, args
    assert "models/demo-model/1.0.0.yaml" not in run("validate").out  # the good one is fine


def test_a_named_config_or_other_file_that_is_no_regular_file_is_a_usage_error(
    run: Run, repo: Path
) -> None:
    """Only an import goes to the loader to be MA001; a config file that cannot be read
    must not pass as "used by no import", nor a FIFO of another suffix as an import."""
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    folder = repo / "models/demo-model"
    (folder / "config.json").symlink_to("missing.json")
    (folder / "l1.json").symlink_to("l2.json")
    (folder / "l2.json").symlink_to("l1.json")
    os.mkfifo(folder / "pipe.json")
    os.mkfifo(folder / "notes.txt")
    for name in ("config.json", "l1.json", "pipe.json", "notes.txt"):
        result = run("validate", f"models/demo-model/{name}")
        assert result.code == 2, name
        assert (
            result.err == f"error: models/demo-model/{name}: not a regular file (a dangling"
            " symlink, a symlink loop, a FIFO or a device)\n"
        )


def test_a_newline_in_a_file_name_cannot_forge_output_lines(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo, "models/x\n::error title=forged::boom.yaml", "name: [\n")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = run("validate")
    assert result.code == 1
    assert not any(line.startswith("::error title=forged") for line in result.out.splitlines())


def test_export_never_writes_outside_its_folder(run: Run, repo: Path, tmp_path: Path) -> None:
    registry = LocalRegistry(repo / ".modelarts-gitops/registry.db")
    config = '{"model_type":"Image"}'
    spec = ModelSpec(
        "ok-model", "1.0.0", "swr.eu-de.otc.t-systems.com/t/i:1", initial_config=config
    )
    registry.create(spec)
    registry.create(replace(spec, name="../../../escape"))
    registry.close()
    result = run("export", "--out", "exported")
    assert result.code == 1
    assert "skipped: name '../../../escape' is not a valid model name" in result.err
    assert (repo / "exported/ok-model/1.0.0.yaml").is_file()
    assert not list(tmp_path.rglob("escape*"))


def test_a_damaged_registry_database_is_a_one_line_error(run: Run, repo: Path) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    database = repo / "other.db"
    with sqlite3.connect(database) as db:
        db.execute("create table models (x)")
    db.close()
    result = run("plan", "--registry", "sqlite:///other.db")
    assert result.code in (1, 2)
    assert result.err.startswith("error: ")
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("plan", "--registry", "https://[::1", "--project-id", "p"), {}),
        (("plan", "--registry", "https://example.invalid", "--project-id", "p"), {}),
        (("plan", "--registry", "http://127.0.0.1:9/v1/p"), {"MODELARTS_TOKEN": "secrét€"}),
        (("registry", "serve", "--port", "99999", "--token", "t"), {}),
        (("registry", "serve", "--port", "0", "--token", "t", "--latency", "-1"), {}),
        (("sync", "--concurrency", "0"), {}),
        (("plan", "--out", "."), {}),
    ],
)
def test_bad_settings_are_one_line_errors(
    run: Run,
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    env: dict[str, str],
) -> None:
    write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    for name in ("MODELARTS_TOKEN", "MODELARTS_AK", "MODELARTS_SK", "MODELARTS_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = run(*args)
    assert result.code in (1, 2)
    assert result.err.strip()
    assert "secrét" not in result.err
    assert "internal error" not in result.err


def test_ctrl_c_during_sync_stops_starting_changes(repo: Path, tmp_path: Path) -> None:
    for minor in range(8):
        text = GOOD_IMPORT.replace("demo-model", "slow").replace('"1.0.0"', f'"1.{minor}.0"')
        write(repo, f"models/slow/1.{minor}.0.yaml", text)
    config = ServerConfig(token=SYNC_TOKEN, project_id="p1", faults=FaultConfig(latency=0.3))
    with start_server(tmp_path / "slow.db", config) as slow:
        process = signal_after_first_result(repo, slow, signal.SIGINT)
        assert process.returncode == 130
        created = len(slow.registry.list())
    assert 1 <= created <= 3  # the change in flight may finish; nothing queued starts


def test_values_in_messages_are_shown_as_written_not_as_python(run: Run, repo: Path) -> None:
    text = GOOD_IMPORT.replace("Content-type: application/json", "Content-type: null", 1)
    write(repo, "models/demo-model/1.0.0.yaml", text)
    result = run("validate")
    assert result.code == 1
    assert "`null` is not allowed" in result.out
    assert "None" not in result.out
