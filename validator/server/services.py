"""ListServices (`GET /v1/{project_id}/services`) as `registry serve` answers it.

The documented filters: service_id, service_name, model_id, cluster_id, workspace_id,
infer_type, status; paging with offset (the page index) and limit (default 1000);
sort_by publish_at (default) or service_name; order asc or desc (default desc).
Each item carries the documented service fields this server knows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from validator.server.request import BadRequest, int_param

DEFAULT_LIMIT = 1000
FILTERS = ("service_id", "service_name", "model_id", "workspace_id", "infer_type", "status")
INFER_TYPES = ("real-time", "batch")
STATUSES = ("running", "deploying", "concerning", "failed", "stopped", "finished")


def _item(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "service_id": row["service_id"],
        "service_name": row["service_name"],
        "description": "",
        "publish_at": int(row["publish_at"] * 1000),
        "infer_type": row["infer_type"],
        "workspace_id": "0",
        "status": row["status"],
        "is_shared": False,
        "shared_count": 0,
    }


def _check(params: dict[str, str]) -> None:
    if params.get("order", "desc") not in ("asc", "desc"):
        raise BadRequest("ModelArts.0104", "parameter order must be asc or desc")
    if params.get("sort_by", "publish_at") not in ("publish_at", "service_name"):
        raise BadRequest("ModelArts.0104", "parameter sort_by must be publish_at or service_name")
    if params.get("infer_type", "real-time") not in INFER_TYPES:
        raise BadRequest("ModelArts.0104", "parameter infer_type must be real-time or batch")
    if params.get("status", "running") not in STATUSES:
        raise BadRequest("ModelArts.0104", "parameter status is invalid")


def list_services(rows: Sequence[sqlite3.Row], pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The ListServices body for the stored services `rows` and the query `pairs`."""
    params = dict(pairs)
    _check(params)
    offset = int_param(params, "offset", 0, 0)
    limit = int_param(params, "limit", DEFAULT_LIMIT, 1)
    if params.get("cluster_id"):
        return {"total_count": 0, "count": 0, "services": []}  # no dedicated pools here
    items = [_item(row) | {"model_id": row["model_id"]} for row in rows]
    chosen = [
        item
        for item in items
        if all(params.get(k) in (None, "", str(item[k])) for k in FILTERS if k in item)
    ]
    key = params.get("sort_by", "publish_at")
    chosen.sort(key=lambda item: item[key], reverse=params.get("order", "desc") == "desc")
    page = chosen[offset * limit : offset * limit + limit]
    for item in page:
        del item["model_id"]  # not a ListServices field: the filter knows it, the answer not
    return {"total_count": len(chosen), "count": len(page), "services": page}
