"""The SQLite store on its own: files, the sync lock, transactions, provenance."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from registry_helpers import spec

import validator
from validator.registry.base import Provenance, RegistryError
from validator.registry.local import LocalRegistry

ROOT = Path(validator.__file__).resolve().parents[1]  # so the child imports this checkout


def python(code: str, *args: str, stdout: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, stdout=stdout, text=True)


def test_creates_parent_dirs_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "registry.db"
    first = LocalRegistry(path)
    model_id = first.create(spec(), Provenance(commit="abc123", path="models/resnet.yaml"))
    first.close()
    again = LocalRegistry(path)
    try:
        model = again.get(model_id)
        assert model is not None
        assert model.provenance == Provenance(commit="abc123", path="models/resnet.yaml")
        assert repr(again) == f"LocalRegistry({str(path)!r})"
    finally:
        again.close()


def test_lock_is_exclusive_and_released(tmp_path: Path) -> None:
    one, two = LocalRegistry(tmp_path / "r.db"), LocalRegistry(tmp_path / "r.db")
    try:
        with one.lock():
            with pytest.raises(RegistryError) as caught, two.lock():
                pass
            assert str(caught.value) == f"another sync holds the lock on {tmp_path / 'r.db'}"
            one.list()  # the lock does not block readers
        with two.lock():
            pass
    finally:
        one.close()
        two.close()


def test_lock_held_by_another_process(tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "from validator.registry.local import LocalRegistry\n"
        "r = LocalRegistry(sys.argv[1])\n"
        "with r.lock():\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(30)\n"
    )
    child = python(code, str(tmp_path / "r.db"), stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline() == "locked\n"
        local = LocalRegistry(tmp_path / "r.db")
        try:
            with pytest.raises(RegistryError, match="another sync holds the lock"), local.lock():
                pass
            child.kill()  # a killed sync leaves no stale lock: the kernel drops it
            child.wait()
            with local.lock():
                pass
        finally:
            local.close()
    finally:
        child.kill()
        child.communicate()  # reaps it and closes its stdout pipe


def test_killed_writer_leaves_only_whole_rows(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    code = (
        "import sys\n"
        "from validator.registry.base import ModelSpec\n"
        "from validator.registry.local import LocalRegistry\n"
        "r = LocalRegistry(sys.argv[1])\n"
        "n = 0\n"
        "while True:\n"
        "    r.create(ModelSpec(f'm{n}', '1.0.0', 'swr/x:1', description='d' * 5000))\n"
        "    n += 1\n"
    )
    child = python(code, str(db))
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and _count(db) < 30:
            time.sleep(0.02)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    local = LocalRegistry(db)
    try:
        models = local.list()
        assert len(models) >= 30
        assert all(m.spec.description == "d" * 5000 for m in models)
    finally:
        local.close()
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    check.close()


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            count = int(conn.execute("SELECT count(*) FROM models").fetchone()[0])
        conn.close()
        return count
    except sqlite3.OperationalError:  # table not created yet
        return 0


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are not the tables you are looking for\n" * 100)
    with pytest.raises(RegistryError, match=f"cannot use {path} as a registry"):
        LocalRegistry(path)


def test_failed_write_changes_nothing(tmp_path: Path) -> None:
    local = LocalRegistry(tmp_path / "r.db")
    try:
        local.create(spec())
        with pytest.raises(RegistryError):
            local.create(spec())
        assert len(local.list()) == 1
        assert local.set_in_use("missing") is False
    finally:
        local.close()


def test_unopenable_path(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(RegistryError, match=r"cannot open registry .*dir\.db"):
        LocalRegistry(tmp_path / "dir.db")
    (tmp_path / "file").write_text("x")
    with pytest.raises(RegistryError, match="cannot open registry"):
        LocalRegistry(tmp_path / "file" / "r.db")
