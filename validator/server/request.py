"""Request parsing for `registry serve`: CreateModel bodies and ListModels queries.

Stricter than ModelArts on purpose: an undocumented field or a wrongly typed one is a 400
here, so the HTTP client cannot grow a habit the real API would reject or silently ignore.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from validator.registry.base import ModelSpec, RegistryError, RegistryModel, Status
from validator.registry.wire import CREATE_FIELDS, spec_from_json, status, workspace

DEFAULT_LIMIT = 1000  # ListModels default page size (current API reference)
_STRINGS = (
    "model_name", "model_version", "source_location", "model_type", "description",
    "model_algorithm", "initial_config", "workspace_id",
)  # fmt: skip


class BadRequest(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _check_types(data: dict[str, Any]) -> None:
    for key in _STRINGS:
        if key in data and not isinstance(data[key], str):
            raise BadRequest("ModelArts.3037", f"parameter {key} must be a string")
    if data.get("source_copy", "true") not in ("true", "false"):
        raise BadRequest("ModelArts.3037", 'parameter source_copy must be "true" or "false"')
    install = data.get("install_type", [])
    if not isinstance(install, list) or not all(isinstance(i, str) for i in install):
        raise BadRequest("ModelArts.3037", "parameter install_type must be a list of strings")
    docs = data.get("model_docs", [])
    if not isinstance(docs, list) or not all(
        isinstance(d, dict)
        and isinstance(d.get("doc_name"), str)
        and isinstance(d.get("doc_url"), str)
        for d in docs
    ):
        raise BadRequest("ModelArts.3037", "parameter model_docs must be [{doc_name, doc_url}]")


def parse_create(body: bytes) -> ModelSpec:
    try:
        data = json.loads(body)
    except ValueError:
        raise BadRequest("ModelArts.0101", "request body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("ModelArts.0101", "request body must be a JSON object")
    unknown = sorted(set(data) - CREATE_FIELDS)
    if unknown:
        raise BadRequest("ModelArts.0104", f"unknown parameter(s): {', '.join(unknown)}")
    for key in ("model_name", "model_version", "model_type", "source_location"):
        if not data.get(key):
            raise BadRequest("ModelArts.3036", f"parameter {key} is required")
    _check_types(data)
    if data["model_type"] == "Template":
        raise BadRequest("ModelArts.3053", "Template models are not supported by this server")
    if "initial_config" in data:
        try:
            config = json.loads(data["initial_config"])
        except ValueError:
            config = None
        if not isinstance(config, dict):
            raise BadRequest("ModelArts.3015", "initial_config is not a JSON object string")
    return spec_from_json(data)


@dataclass(frozen=True, slots=True)
class ListQuery:
    name: str | None = None
    exact: bool = False
    version: str | None = None
    status: Status | None = None
    workspace: str | None = None
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    descending: bool = True  # ModelArts' default order: newest first


def int_param(params: dict[str, str], key: str, default: int, low: int) -> int:
    try:
        value = int(params.get(key, default))
    except ValueError:
        raise BadRequest("ModelArts.0104", f"parameter {key} must be an integer") from None
    if value < low:
        raise BadRequest("ModelArts.0104", f"parameter {key} must be at least {low}")
    return value


def parse_list_query(pairs: Sequence[tuple[str, str]]) -> ListQuery:
    params = dict(pairs)
    order = params.get("order", "desc")
    if order not in ("asc", "desc"):
        raise BadRequest("ModelArts.0104", "parameter order must be asc or desc")
    try:
        wanted = status(params["model_status"]) if "model_status" in params else None
    except RegistryError:
        raise BadRequest("ModelArts.0104", "parameter model_status is invalid") from None
    return ListQuery(
        name=params.get("model_name") or None,
        exact=params.get("exact_match", "false").lower() == "true",
        version=params.get("model_version") or None,
        status=wanted,
        workspace=params.get("workspace_id"),
        offset=int_param(params, "offset", 0, 0),
        limit=int_param(params, "limit", DEFAULT_LIMIT, 1),
        descending=order == "desc",
    )


def _matches(model: RegistryModel, q: ListQuery) -> bool:
    spec = model.spec
    if q.name is not None and (spec.name != q.name if q.exact else q.name not in spec.name):
        return False
    return (
        (q.version is None or spec.version == q.version)
        and (q.status is None or model.status is q.status)
        and (q.workspace is None or spec.workspace_id == workspace(q.workspace))
    )


def select_page(models: Sequence[RegistryModel], q: ListQuery) -> tuple[int, list[RegistryModel]]:
    """(total_count, the page). `offset` is the index of the page, not of the first item.

    The API reference says "index of the query page" (modelarts-spec §9), so page n holds
    items n*limit … n*limit+limit-1; the HTTP client pages the same way.
    """
    chosen = [m for m in models if _matches(m, q)]  # registry order: oldest first
    if q.descending:
        chosen.reverse()
    start = q.offset * q.limit
    return len(chosen), chosen[start : start + q.limit]
