"""The embedded registry's storage: the table, its indexes and the row <-> model mapping."""

from __future__ import annotations

import json
import re
import sqlite3

from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status
from validator.registry.wire import workspace

SCHEMA = """
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
    extras          TEXT,               -- JSON: other documented CreateModel fields (server)
    UNIQUE (name, version, workspace)
)
"""
# The unique key already indexes by name; these serve the default order and pending imports.
INDEXES = (
    "CREATE INDEX IF NOT EXISTS models_created ON models (created_at)",
    "CREATE INDEX IF NOT EXISTS models_pending ON models (ready_at) WHERE ready_at IS NOT NULL",
)
# A pending asynchronous publish reads as finished once its time has come: reads never write.
STATUS = "CASE WHEN ready_at IS NOT NULL AND ready_at <= now() THEN final_status ELSE status END"
SELECT = f"SELECT *, {STATUS} AS status_now FROM models"
INSERTED = (
    "model_id, name, version, workspace, source_location, source_copy, model_type, install_type,"
    " description, model_docs, model_algorithm, initial_config, status, created_at,"
    " prov_commit, prov_path, ready_at, final_status, extras"
)


def version_key(version: str) -> str:
    """Sorts versions numerically (1.0.5 before 1.0.10); other text sorts after, as text."""
    parts = version.split(".")
    if all(re.fullmatch(r"[0-9]{1,9}", part) for part in parts):
        return ".".join(part.zfill(9) for part in parts)
    return "~" + version


def row_to_model(row: sqlite3.Row) -> RegistryModel:
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
        status=Status(row["status_now"]),
        created_at=row["created_at"],
        in_use=bool(row["in_use"]),
        provenance=Provenance(commit=row["prov_commit"], path=row["prov_path"]),
    )


def migrate(db: sqlite3.Connection) -> None:
    """Bring a file made by an older version up to this schema."""
    columns = {row["name"] for row in db.execute("PRAGMA table_info(models)")}
    if "extras" not in columns:
        db.execute("ALTER TABLE models ADD COLUMN extras TEXT")
    for statement in INDEXES:
        db.execute(statement)
