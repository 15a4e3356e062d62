"""The embedded registry: one SQLite file, so `sync` works on a fresh machine with no account."""

from __future__ import annotations

import builtins
import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from validator.registry import local_services, polling
from validator.registry.base import (
    AlreadyExists,
    ModelInUse,
    ModelSpec,
    Provenance,
    RegistryError,
    RegistryModel,
    Status,
)
from validator.registry.local_db import Database
from validator.registry.local_schema import (
    INSERTED,
    SELECT,
    STATUS,
    row_to_model,
)

__all__ = ["STATUS", "LocalRegistry"]

_T = TypeVar("_T")


class LocalRegistry:
    """A `Registry` over a SQLite file. Safe to share between threads (the server does).

    Every write is one transaction (`BEGIN IMMEDIATE` … `COMMIT`), so a killed process leaves
    either the whole row or nothing. The file is in WAL mode: readers never wait for the
    writer, and each thread reads on its own connection. `lock()` keeps two syncs from
    interleaving. `read_only` (for `plan`) never creates or changes the file: a file that
    does not exist is an empty registry.
    """

    remote = False  # one query reads every row, whatever the filter

    def __init__(
        self, path: str | Path, *, poll_interval: float = 0.5, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self._poll_interval = poll_interval
        self._store = Database(self.path, read_only)
        self._read_only = read_only
        self._db = self._store.connection
        self._write = self._store.write
        self.lock = self._store.lock
        self.close = self._store.close

    def __repr__(self) -> str:
        return f"LocalRegistry({str(self.path)!r})"

    def _select(self, where: str = "", params: Sequence[Any] = (), tail: str = "") -> list[Any]:
        try:
            return self._db().execute(f"{SELECT} {where} {tail}", params).fetchall()
        except sqlite3.Error as exc:
            raise RegistryError(f"cannot read {self.path}: {exc}") from None

    def list(
        self,
        names: Iterable[str] | None = None,
        *,
        match: Callable[[str], bool] | None = None,
    ) -> list[RegistryModel]:
        where, params = "", []
        if names is not None:
            params = sorted(set(names))
            where = f"WHERE name IN ({', '.join('?' * len(params))})"
        rows = self._select(where, params, "ORDER BY created_at, rowid")
        return [self._model(row) for row in rows if match is None or match(row["name"])]

    def _model(self, row: sqlite3.Row) -> RegistryModel:
        """A row as a model; a damaged row is one line, never a crash."""
        try:
            return row_to_model(row)
        except (ValueError, TypeError, KeyError) as exc:
            damage = f"{type(exc).__name__}: {str(exc)[:100]}"
            msg = f"cannot read {self.path}: model {row['model_id']} is damaged ({damage})"
            raise RegistryError(msg) from None

    def page(
        self, where: str, params: Sequence[Any], order: str, offset: int, limit: int
    ) -> tuple[int, builtins.list[RegistryModel]]:
        """(matching count, one page): filters, order and paging done in SQL (the server)."""
        try:
            count = self._db().execute(f"SELECT count(*) FROM models {where}", params)
            total = count.fetchone()[0]
        except sqlite3.Error as exc:
            raise RegistryError(f"cannot read {self.path}: {exc}") from None
        rows = self._select(where, [*params, limit, offset], f"ORDER BY {order} LIMIT ? OFFSET ?")
        return int(total), [self._model(row) for row in rows]

    def extras(self, model_id: str) -> dict[str, Any]:
        """The other documented CreateModel fields a model was created with (the server's)."""
        row = self._db().execute("SELECT extras FROM models WHERE model_id = ?", (model_id,))
        found = row.fetchone()
        return dict(json.loads(found[0])) if found and found[0] else {}

    def get(self, model_id: str) -> RegistryModel | None:
        rows = self._select("WHERE model_id = ?", [model_id])
        return self._model(rows[0]) if rows else None

    def create(
        self,
        spec: ModelSpec,
        provenance: Provenance | None = None,
        *,
        publish_delay: float = 0.0,
        final_status: Status = Status.PUBLISHED,
        extras: dict[str, Any] | None = None,
    ) -> str:
        """Store `spec`; published at once unless `publish_delay` (the server's async mode).

        `extras` keeps the other documented CreateModel fields, so the server can echo them.
        """
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
            json.dumps(extras) if extras else None,
        )  # fmt: skip
        try:
            with self._write() as db:
                db.execute(
                    f"INSERT INTO models ({INSERTED}) VALUES ({', '.join('?' * len(row))})",
                    row,
                )
        except sqlite3.IntegrityError:
            raise AlreadyExists(
                f"ModelArts.3002: Model ({spec.name}, {spec.version}) already exists"
                f" in {self.path}",
                code="ModelArts.3002",
            ) from None
        return model_id

    def set_in_use(self, model_id: str, in_use: bool = True, service: str | None = None) -> bool:
        """Mark a model as backing a service (named `service`), or as backing none; False if
        there is no such model."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE models SET in_use = ? WHERE model_id = ?", (int(in_use), model_id)
            )
            if cursor.rowcount == 1 and in_use:
                local_services.add_service(db, model_id, service)
            elif cursor.rowcount == 1:
                local_services.remove_services(db, model_id)
        return cursor.rowcount == 1

    def services(self) -> tuple[sqlite3.Row, ...]:
        return tuple(self._side(local_services.services, []))

    def services_using(self, model_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        ids = list(model_ids)
        none: dict[str, list[str]] = {}
        named = self._side(lambda db: local_services.services_using(db, ids), none)
        marks = ", ".join("?" * len(ids))
        flagged = self._db().execute(
            f"SELECT model_id FROM models WHERE in_use = 1 AND model_id IN ({marks})", ids
        )
        found = {model_id: tuple(names) for model_id, names in named.items()}
        for row in flagged.fetchall():  # marked in use by an older version: no name known
            found.setdefault(row["model_id"], ("(unnamed)",))
        return found

    def deleted_versions(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Provenance]:
        wanted = list(keys)
        none: dict[tuple[str, str], Provenance] = {}
        return self._side(lambda db: local_services.deleted_versions(db, wanted), none)

    def _side(self, read: Callable[[sqlite3.Connection], _T], empty: _T) -> _T:
        """Read the services or deleted table; a read-only file an older version made may
        lack them, and then holds no services and no deletions."""
        try:
            return read(self._db())
        except sqlite3.OperationalError as exc:
            if self._read_only and "no such table" in str(exc):
                return empty
            raise RegistryError(f"cannot read {self.path}: {exc}") from None

    def delete(self, model_id: str) -> None:
        with self._write() as db:
            row = db.execute(
                "SELECT name, version, in_use, prov_commit, prov_path FROM models"
                " WHERE model_id = ?",
                (model_id,),
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
            local_services.record_deleted(db, row)

    def wait_until_published(self, model_id: str, timeout: float) -> RegistryModel:
        return polling.wait_until_published(self.get, model_id, timeout, self._poll_interval)
