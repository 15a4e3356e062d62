"""What the local registry knows besides its models: services using them, versions deleted.

Two tables next to `models`, in the same SQLite file and the same transactions:

- `services`: a service and the model it runs (`registry serve` lists them like
  ModelArts' ListServices; `POST /_admin/models/{id}/in-use` adds one);
- `deleted`: the provenance of each deleted version that a sync had created, so a plan
  can tell "missing from the registry" from "new".
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable
from typing import Any

from validator.registry.base import Provenance

SERVICES = """
CREATE TABLE IF NOT EXISTS services (
    service_id   TEXT PRIMARY KEY,
    service_name TEXT NOT NULL,
    model_id     TEXT NOT NULL,
    infer_type   TEXT NOT NULL DEFAULT 'real-time',
    status       TEXT NOT NULL DEFAULT 'running',
    publish_at   REAL NOT NULL
)
"""
DELETED = """
CREATE TABLE IF NOT EXISTS deleted (
    name        TEXT NOT NULL,
    version     TEXT NOT NULL,
    prov_commit TEXT,
    prov_path   TEXT,
    deleted_at  REAL NOT NULL,
    PRIMARY KEY (name, version)
)
"""


def create_tables(db: sqlite3.Connection) -> None:
    db.execute(SERVICES)
    db.execute(DELETED)


def add_service(db: sqlite3.Connection, model_id: str, name: str | None) -> dict[str, Any]:
    service_id = str(uuid.uuid4())
    shown = name or f"service-{service_id[:8]}"
    db.execute(
        "INSERT INTO services (service_id, service_name, model_id, publish_at) VALUES (?,?,?,?)",
        (service_id, shown, model_id, time.time()),
    )
    return {"service_id": service_id, "service_name": shown}


def remove_services(db: sqlite3.Connection, model_id: str) -> None:
    db.execute("DELETE FROM services WHERE model_id = ?", (model_id,))


def services(db: sqlite3.Connection) -> list[sqlite3.Row]:
    return db.execute("SELECT * FROM services ORDER BY publish_at, rowid").fetchall()


def services_using(db: sqlite3.Connection, model_ids: Iterable[str]) -> dict[str, list[str]]:
    wanted = sorted(set(model_ids))
    found: dict[str, list[str]] = {}
    if not wanted:
        return found
    marks = ", ".join("?" * len(wanted))
    rows = db.execute(
        f"SELECT model_id, service_name FROM services WHERE model_id IN ({marks})"
        " ORDER BY service_name",
        wanted,
    )
    for row in rows:
        found.setdefault(row["model_id"], []).append(row["service_name"])
    return found


def record_deleted(db: sqlite3.Connection, row: sqlite3.Row) -> None:
    """Remember a deleted version that a sync created (it has a provenance)."""
    if row["prov_commit"] is None and row["prov_path"] is None:
        return
    db.execute(
        "INSERT OR REPLACE INTO deleted VALUES (?, ?, ?, ?, ?)",
        (row["name"], row["version"], row["prov_commit"], row["prov_path"], time.time()),
    )


def deleted_versions(
    db: sqlite3.Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Provenance]:
    wanted = set(keys)
    if not wanted:
        return {}
    rows = db.execute("SELECT * FROM deleted").fetchall()
    return {
        (r["name"], r["version"]): Provenance(r["prov_commit"], r["prov_path"])
        for r in rows
        if (r["name"], r["version"]) in wanted
    }
