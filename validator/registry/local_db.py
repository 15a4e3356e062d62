"""The embedded registry's SQLite file: a connection per thread, transactions, the sync lock.

The file is in WAL mode: readers never wait for the writer, and each thread reads on its
own connection. Read-only (for `plan`) never creates or changes the file: a file that does
not exist reads as an empty registry.
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from validator.registry import local_services
from validator.registry.base import RegistryError
from validator.registry.local_schema import SCHEMA, migrate, version_key
from validator.state import STATE_DIR, state_dir


class Database:
    """Opens (and, unless read-only, creates or migrates) the file; errors are RegistryError."""

    def __init__(self, path: Path, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._empty = read_only and not self.path.exists()
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._mutex = threading.Lock()  # guards `_all`
        try:
            if not read_only:
                tool_folders = [p for p in self.path.parents if p.name == STATE_DIR]
                if tool_folders:  # `.modelarts-gitops/` is made with its self-ignoring .gitignore
                    state_dir(tool_folders[0].parent)
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = self.connection()
        except (OSError, sqlite3.OperationalError) as exc:
            self.close()
            raise RegistryError(f"cannot open registry {self.path}: {exc}") from None
        except sqlite3.Error as exc:
            self.close()
            raise RegistryError(f"cannot use {self.path} as a registry: {exc}") from None
        try:
            if not read_only:
                db.execute("PRAGMA journal_mode=WAL")
                with self.write() as db:
                    db.execute(SCHEMA)
                    migrate(db)
                    local_services.create_tables(db)
            else:
                db.execute("SELECT 1 FROM models LIMIT 1").fetchall()
        except (OSError, sqlite3.Error) as exc:
            self.close()
            raise RegistryError(f"cannot use {self.path} as a registry: {exc}") from None

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are not for concurrent use)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is not None:
            return db
        if self._empty:
            db = sqlite3.connect(":memory:", check_same_thread=False)
            db.execute(SCHEMA)
            local_services.create_tables(db)
        elif self.read_only:
            uri = f"file:{quote(str(self.path.absolute()))}?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=10.0, check_same_thread=False)
        else:
            # isolation_level=None: no implicit transactions; each write opens its own below.
            db = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
            db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable commits, no fsync each
        db.row_factory = sqlite3.Row
        db.create_function("version_key", 1, version_key, deterministic=True)
        db.create_function("now", 0, time.time)
        self._local.db = db
        with self._mutex:
            self._all.append(db)
        return db

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: committed when the block ends, rolled back when it raises."""
        if self.read_only:
            raise RegistryError(f"{self.path} is open read-only")
        db = self.connection()
        try:
            db.execute("BEGIN IMMEDIATE")  # waits up to 10 s for another writer
        except sqlite3.OperationalError as exc:
            raise RegistryError(f"cannot write to {self.path}: {exc}") from None
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold an exclusive, non-blocking `flock` on `<db>.lock` for the duration of a sync.

        A lock file rather than a long SQLite transaction: the sync may take minutes and must
        not block readers (`plan`, `registry serve`). The kernel drops the lock when the
        process dies, so a killed sync never leaves a stale lock behind.
        """
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RegistryError(f"another sync holds the lock on {self.path}") from None
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def close(self) -> None:
        with self._mutex:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()
