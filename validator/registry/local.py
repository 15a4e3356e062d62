"""The embedded registry: one SQLite file, so `sync` works on a fresh machine with no account."""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from validator.registry import polling
from validator.registry.base import (
    AlreadyExists,
    ModelInUse,
    ModelSpec,
    Provenance,
    RegistryError,
    RegistryModel,
    Status,
)
from validator.registry.wire import workspace
from validator.state import STATE_DIR, state_dir

_SCHEMA = """
CREATE TABLE IF NOT EXISTS models (
    model_id        TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    version         TEXT NOT NULL,
    workspace       TEXT NOT NULL,      -- workspace_id, "0" when unset: part of the identity
    source_location TEXT NOT NULL,
    source_copy     INTEGER NOT NULL,
    model_type      TEXT NOT NULL,
    install_type    TEXT NOT NULL,      -- JSON list
    description     TEXT,
    model_docs      TEXT NOT NULL,      -- JSON list of [doc_name, doc_url]
    model_algorithm TEXT,
    initial_config  TEXT,
    status          TEXT NOT NULL,
    created_at      REAL NOT NULL,
    in_use          INTEGER NOT NULL DEFAULT 0,
    prov_commit     TEXT,
    prov_path       TEXT,
    ready_at        REAL,               -- asynchronous publishing: when `final_status` applies
    final_status    TEXT,
    UNIQUE (name, version, workspace)
)
"""
_INSERTED = (
    "model_id, name, version, workspace, source_location, source_copy, model_type, install_type,"
    " description, model_docs, model_algorithm, initial_config, status, created_at,"
    " prov_commit, prov_path, ready_at, final_status"
)


def _row_to_model(row: sqlite3.Row) -> RegistryModel:
    spec = ModelSpec(
        name=row["name"],
        version=row["version"],
        source_location=row["source_location"],
        source_copy=bool(row["source_copy"]),
        model_type=row["model_type"],
        install_type=tuple(json.loads(row["install_type"])),
        description=row["description"],
        model_docs=tuple((name, url) for name, url in json.loads(row["model_docs"])),
        model_algorithm=row["model_algorithm"],
        initial_config=row["initial_config"],
        workspace_id=workspace(row["workspace"]),
    )
    return RegistryModel(
        model_id=row["model_id"],
        spec=spec,
        status=Status(row["status"]),
        created_at=row["created_at"],
        in_use=bool(row["in_use"]),
        provenance=Provenance(commit=row["prov_commit"], path=row["prov_path"]),
    )


class LocalRegistry:
    """A `Registry` over a SQLite file. Safe to share between threads (the server does).

    Every write is one transaction (`BEGIN IMMEDIATE` … `COMMIT`), so a killed process leaves
    either the whole row or nothing. `lock()` keeps two syncs from interleaving.
    """

    def __init__(self, path: str | Path, *, poll_interval: float = 0.5) -> None:
        self.path = Path(path)
        self._poll_interval = poll_interval
        self._mutex = threading.RLock()  # one connection, used by one thread at a time
        try:
            tool_folders = [p for p in self.path.parents if p.name == STATE_DIR]
            if tool_folders:  # `.modelarts-gitops/` is made with its self-ignoring .gitignore
                state_dir(tool_folders[0].parent)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; each write opens its own below.
            self._db = sqlite3.connect(
                self.path, timeout=10.0, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.Error) as exc:
            raise RegistryError(f"cannot open registry {self.path}: {exc}") from None
        self._db.row_factory = sqlite3.Row
        try:
            with self._write() as db:
                db.execute(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise RegistryError(f"cannot use {self.path} as a registry: {exc}") from None

    def __repr__(self) -> str:
        return f"LocalRegistry({str(self.path)!r})"

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._mutex:
            try:
                self._db.execute("BEGIN IMMEDIATE")  # waits up to 10 s for another writer
            except sqlite3.OperationalError as exc:
                raise RegistryError(f"cannot write to {self.path}: {exc}") from None
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

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

    def _settle(self) -> None:
        """Finish asynchronous publishes whose time has come (only the server starts those)."""
        with self._mutex:
            pending = self._db.execute("SELECT 1 FROM models WHERE ready_at IS NOT NULL LIMIT 1")
            if pending.fetchone() is None:
                return  # the common case: no write transaction for a plain read
        with self._write() as db:
            db.execute(
                "UPDATE models SET status = final_status, ready_at = NULL, final_status = NULL"
                " WHERE ready_at IS NOT NULL AND ready_at <= ?",
                (time.time(),),
            )

    def list(self, names: Iterable[str] | None = None) -> list[RegistryModel]:
        self._settle()
        query = "SELECT * FROM models"
        params: list[str] = []
        if names is not None:
            params = sorted(set(names))
            query += f" WHERE name IN ({', '.join('?' * len(params))})"
        with self._mutex:
            rows = self._db.execute(query + " ORDER BY created_at, rowid", params).fetchall()
        return [_row_to_model(row) for row in rows]

    def get(self, model_id: str) -> RegistryModel | None:
        self._settle()
        with self._mutex:
            row = self._db.execute(
                "SELECT * FROM models WHERE model_id = ?", (model_id,)
            ).fetchone()
        return None if row is None else _row_to_model(row)

    def create(
        self,
        spec: ModelSpec,
        provenance: Provenance | None = None,
        *,
        publish_delay: float = 0.0,
        final_status: Status = Status.PUBLISHED,
    ) -> str:
        """Store `spec`; published at once unless `publish_delay` (the server's async mode)."""
        prov = provenance or Provenance()
        model_id = str(uuid.uuid4())
        now = time.time()
        immediate = publish_delay <= 0
        row = (
            model_id, spec.name, spec.version, spec.workspace_id or "0", spec.source_location,
            int(spec.source_copy), spec.model_type, json.dumps(list(spec.install_type)),
            spec.description, json.dumps([list(doc) for doc in spec.model_docs]),
            spec.model_algorithm, spec.initial_config,
            (final_status if immediate else Status.PUBLISHING).value, now,
            prov.commit, prov.path,
            None if immediate else now + publish_delay,
            None if immediate else final_status.value,
        )  # fmt: skip
        try:
            with self._write() as db:
                db.execute(
                    f"INSERT INTO models ({_INSERTED}) VALUES ({', '.join('?' * len(row))})",
                    row,
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists(
                f"ModelArts.3002: Model ({spec.name}, {spec.version}) already exists"
                f" in {self.path}",
                code="ModelArts.3002",
            ) from None
        return model_id

    def set_in_use(self, model_id: str, in_use: bool = True) -> bool:
        """Mark a model as backing a service (or not); False if there is no such model."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE models SET in_use = ? WHERE model_id = ?", (int(in_use), model_id)
            )
        return cursor.rowcount == 1

    def delete(self, model_id: str) -> None:
        with self._write() as db:
            row = db.execute(
                "SELECT name, version, in_use FROM models WHERE model_id = ?", (model_id,)
            ).fetchone()
            if row is None:
                return  # already gone: deleting is idempotent
            if row["in_use"]:
                raise ModelInUse(
                    f"ModelArts.3009: model ({row['name']}, {row['version']}) {model_id}"
                    " is used by a service; delete the service first",
                    code="ModelArts.3009",
                )
            db.execute("DELETE FROM models WHERE model_id = ?", (model_id,))

    def wait_until_published(self, model_id: str, timeout: float) -> RegistryModel:
        return polling.wait_until_published(self.get, model_id, timeout, self._poll_interval)

    def close(self) -> None:
        with self._mutex:
            self._db.close()
