"""Request parsing for `registry serve`: CreateModel bodies and ListModels queries.

Stricter than ModelArts on purpose: an undocumented field or a wrongly typed one is a 400
here, so the HTTP client cannot grow a habit the real API would reject or silently ignore.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from validator import jsontext
from validator.registry.base import ModelSpec, Status, canonical_json
from validator.registry.wire import CREATE_FIELDS, workspace
from validator.server.answers import ECHOED

DEFAULT_LIMIT = 1000  # ListModels default page size (current API reference)
INSTALL_TYPES = ("real-time", "batch")  # create: lower case, these two, default both
SORT_BY = ("create_at", "model_version", "model_size")
MODEL_TYPES = ("TensorFlow", "PyTorch", "MindSpore", "Image", "Custom", "Template")
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
    install = data.get("install_type", list(INSTALL_TYPES))
    if not isinstance(install, list) or not all(isinstance(i, str) for i in install):
        raise BadRequest("ModelArts.3037", "parameter install_type must be a list of strings")
    wrong = [i for i in install if i not in INSTALL_TYPES]
    if wrong or not install or len(set(install)) != len(install):
        raise BadRequest(
            "ModelArts.3037",
            f"parameter install_type must list real-time and/or batch once each, not {install}",
        )
    docs = data.get("model_docs", [])
    if not isinstance(docs, list) or not all(
        isinstance(d, dict)
        and isinstance(d.get("doc_name"), str)
        and isinstance(d.get("doc_url"), str)
        for d in docs
    ):
        raise BadRequest("ModelArts.3037", "parameter model_docs must be [{doc_name, doc_url}]")


def _spec(data: dict[str, Any]) -> ModelSpec:
    config = data.get("initial_config")
    return ModelSpec(
        name=data["model_name"],
        version=data["model_version"],
        source_location=data["source_location"],
        source_copy=data.get("source_copy", "true") == "true",
        model_type=data["model_type"],
        install_type=tuple(data.get("install_type", INSTALL_TYPES)),
        description=data.get("description") or None,
        model_docs=tuple((d["doc_name"], d["doc_url"]) for d in data.get("model_docs", [])),
        model_algorithm=data.get("model_algorithm") or None,
        initial_config=canonical_json(json.loads(config)) if config else None,
        workspace_id=workspace(data.get("workspace_id")),
    )


def parse_create(body: bytes) -> tuple[ModelSpec, dict[str, Any]]:
    """The spec a CreateModel body asks for, and the other documented fields it carries."""
    try:
        data = jsontext.loads(body)
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
            config = jsontext.loads(data["initial_config"])
        except ValueError:
            config = None
        if not isinstance(config, dict):
            raise BadRequest("ModelArts.3015", "initial_config is not a JSON object string")
    return _spec(data), {key: data[key] for key in ECHOED if key in data}


@dataclass(frozen=True, slots=True)
class ListQuery:
    name: str | None = None
    exact: bool = False
    version: str | None = None
    status: Status | None = None
    description: str | None = None
    workspace: str | None = None
    model_type: str | None = None
    not_model_type: str | None = None
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    sort_by: str = "create_at"
    descending: bool = True  # ModelArts' default order: newest first


def int_param(params: dict[str, str], key: str, default: int, low: int) -> int:
    try:
        value = int(params.get(key, default))
    except ValueError:
        raise BadRequest("ModelArts.0104", f"parameter {key} must be an integer") from None
    if value < low:
        raise BadRequest("ModelArts.0104", f"parameter {key} must be at least {low}")
    return value


def _choice(params: dict[str, str], key: str, allowed: Sequence[str]) -> str | None:
    value = params.get(key) or None
    if value is not None and value not in allowed:
        raise BadRequest("ModelArts.0104", f"parameter {key} must be one of {', '.join(allowed)}")
    return value


def parse_list_query(pairs: Sequence[tuple[str, str]]) -> ListQuery:
    params = dict(pairs)
    order = _choice(params, "order", ("asc", "desc")) or "desc"
    exact = _choice(params, "exact_match", ("true", "false")) or "false"
    wanted = _choice(params, "model_status", [s.value for s in Status])
    model_type = _choice(params, "model_type", MODEL_TYPES)
    not_model_type = _choice(params, "not_model_type", MODEL_TYPES)
    if model_type and not_model_type:
        raise BadRequest("ModelArts.0104", "model_type and not_model_type are mutually exclusive")
    return ListQuery(
        name=params.get("model_name") or None,
        exact=exact == "true",
        version=params.get("model_version") or None,
        status=Status(wanted) if wanted else None,
        description=params.get("description") or None,
        workspace=params.get("workspace_id"),
        model_type=model_type,
        not_model_type=not_model_type,
        offset=int_param(params, "offset", 0, 0),
        limit=int_param(params, "limit", DEFAULT_LIMIT, 1),
        sort_by=_choice(params, "sort_by", SORT_BY) or "create_at",
        descending=order == "desc",
    )


def _like(text: str, *, wildcard_underscore: bool) -> str:
    """A LIKE pattern for "contains `text`"; `_` stays a wildcard unless escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%")
    if not wildcard_underscore:
        escaped = escaped.replace("_", "\\_")
    return f"%{escaped}%"


def to_sql(q: ListQuery, status_sql: str) -> tuple[str, list[Any], str]:
    """(WHERE clause, its parameters, ORDER BY) for a ListModels query.

    Names match fuzzily, as the reference says: `_` is a wildcard unless `exact_match=true`
    escapes it (so `exact_match` still matches `resnet` within `resnet_v2`).
    """
    where: list[str] = []
    params: list[Any] = []

    def add(clause: str, *values: Any) -> None:
        where.append(clause)
        params.extend(values)

    if q.name is not None:
        add("name LIKE ? ESCAPE '\\'", _like(q.name, wildcard_underscore=not q.exact))
    if q.description is not None:
        add("description LIKE ? ESCAPE '\\'", _like(q.description, wildcard_underscore=False))
    if q.version is not None:
        add("version = ?", q.version)
    if q.status is not None:
        add(f"({status_sql}) = ?", q.status.value)
    if q.workspace is not None:
        add("workspace = ?", workspace(q.workspace) or "0")
    if q.model_type is not None:
        add("lower(model_type) = lower(?)", q.model_type)
    if q.not_model_type is not None:
        add("lower(model_type) != lower(?)", q.not_model_type)
    direction = "DESC" if q.descending else "ASC"
    key = {"create_at": "created_at", "model_version": "version_key(version)"}.get(
        q.sort_by,
        "0",  # model_size: every image model here has size 0
    )
    order = f"{key} {direction}, created_at {direction}, rowid {direction}"
    return ("WHERE " + " AND ".join(where)) if where else "", params, order
