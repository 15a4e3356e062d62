"""The ModelArts JSON shapes, both ways: shared by the HTTP client and the local server.

Keeping one mapping means the client and `registry serve` cannot drift apart on a field name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from validator.registry.base import ModelSpec, RegistryError, RegistryModel, Status, canonical_json

# CreateModel request fields (modelarts-spec §8). The client sends only those ModelSpec
# carries; the server accepts the whole documented set and refuses anything else.
CREATE_FIELDS = frozenset(
    {
        "model_name", "model_version", "source_location", "source_copy", "model_type",
        "runtime", "description", "model_algorithm", "execution_code", "initial_config",
        "input_params", "output_params", "apis", "dependencies", "model_metrics",
        "source_job_id", "source_job_version", "source_type", "workspace_id", "model_docs",
        "install_type", "template",
    }
)  # fmt: skip


def create_body(spec: ModelSpec) -> dict[str, Any]:
    """The CreateModel body for `spec`; optional fields that are None are left out."""
    body: dict[str, Any] = {
        "model_name": spec.name,
        "model_version": spec.version,
        "source_location": spec.source_location,
        "source_copy": "true" if spec.source_copy else "false",  # a string in the API
        "model_type": spec.model_type,
        "install_type": list(spec.install_type),
    }
    optional = {
        "description": spec.description,
        "model_algorithm": spec.model_algorithm,
        "initial_config": spec.initial_config,
        "workspace_id": spec.workspace_id,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if spec.model_docs:
        body["model_docs"] = [{"doc_name": n, "doc_url": u} for n, u in spec.model_docs]
    return body


def canonical_config(value: object) -> str | None:
    """Config as ModelSpec holds it: JSON with sorted keys and no spaces.

    ModelArts may return config-like fields as objects or as JSON strings (spec §10).
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return str(value)
    return canonical_json(value)


def workspace(value: object) -> str | None:
    # "0" is the default workspace: an unset workspace_id and "0" are the same place.
    return None if value in (None, "", "0") else str(value)


def status(value: object) -> Status:
    try:
        return Status(str(value).lower())  # older API versions capitalise statuses
    except ValueError:
        raise RegistryError(f"unknown model status {value!r} from the registry") from None


def spec_from_json(data: Mapping[str, Any]) -> ModelSpec:
    """A ModelSpec from a CreateModel body or a ShowModel / ListModels item."""
    docs = data.get("model_docs") or []
    install = data.get("install_type")
    copy = data.get("source_copy", "true")
    return ModelSpec(
        name=str(data["model_name"]),
        version=str(data["model_version"]),
        source_location=str(data.get("source_location") or ""),
        source_copy=str(copy).lower() == "true",
        model_type=str(data.get("model_type") or "Image"),
        install_type=tuple(install) if install is not None else ("real-time", "batch"),
        description=data.get("description") or None,
        model_docs=tuple((str(d["doc_name"]), str(d["doc_url"])) for d in docs),
        model_algorithm=data.get("model_algorithm") or None,
        initial_config=canonical_config(data.get("initial_config")),
        workspace_id=workspace(data.get("workspace_id")),
    )


def model_from_json(data: Mapping[str, Any]) -> RegistryModel:
    """A ShowModel / ListModels item. `in_use` is not in the API: only a delete reveals it."""
    return RegistryModel(
        model_id=str(data["model_id"]),
        spec=spec_from_json(data),
        status=status(data.get("model_status")),
        created_at=float(data.get("create_at") or 0) / 1000.0,  # the API sends milliseconds
    )


def model_to_json(model: RegistryModel, *, detail: bool) -> dict[str, Any]:
    """ListModels item (detail=False) or ShowModel body (detail=True), as the server sends it.

    `initial_config` in ShowModel is an extension of this server: the real API returns the
    config only split into apis/health/… fields, so against ModelArts it comes back None.
    """
    spec = model.spec
    item: dict[str, Any] = {
        "model_id": model.model_id,
        "model_name": spec.name,
        "model_version": spec.version,
        "model_status": model.status.value,
        "model_type": spec.model_type,
        "create_at": int(model.created_at * 1000),
        "description": spec.description or "",
        "workspace_id": spec.workspace_id or "0",
        "install_type": list(spec.install_type),
        "source_copy": "true" if spec.source_copy else "false",
        "model_source": "custom",
    }
    if detail:
        item["source_location"] = spec.source_location
        item["model_algorithm"] = spec.model_algorithm or ""
        item["model_docs"] = [{"doc_name": n, "doc_url": u} for n, u in spec.model_docs]
        if spec.initial_config is not None:
            item["initial_config"] = spec.initial_config
    return item


def error_line(code: str | None, message: str, status_code: int, method: str, path: str) -> str:
    """One line: `ModelArts.3002: Model (x, 1.0.0) already exists (HTTP 409, POST /v1/p/models)`."""
    where = f"(HTTP {status_code}, {method} {path})"
    # ModelArts ends its messages with "."; the location follows, so drop it.
    text = " ".join(message.split())[:300].removesuffix(".") or "no error message"
    return f"{code}: {text} {where}" if code else f"{text} {where}"
