"""What `registry serve` answers: ListModels items and ShowModel bodies shaped like the
API reference's field tables and examples (tests/registry/contract/ holds both).

Where the examples spell a value differently from the request (`realtime` for
`real-time`), the server answers as the examples do, so that the HTTP client is tested
against what it will meet. The configuration comes back as `config`, a JSON string with
the keys ModelArts adds, and `apis` as a JSON string in ShowModel's own shape.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from validator.registry.base import RegistryModel

# ShowModel's example answers `"install_type": ["realtime", "batch", "edge"]`.
ANSWER_SPELLING = {"real-time": "realtime"}
# Keys the ShowModel example's `config` holds beyond the configuration file.
ADDED_CONFIG = {"model_source": "custom", "tunable": False, "downloadable_flag": True}
# Other CreateModel fields: stored as they came and echoed by ShowModel.
ECHOED = (
    "runtime", "execution_code", "model_metrics", "source_job_id", "source_job_version",
    "dependencies", "input_params", "output_params", "apis", "source_type",
)  # fmt: skip


def tenant_of(project_id: str) -> str:
    """A stable 32-hex account id for the project (the reference's ids look like this)."""
    return hashlib.sha256(f"tenant:{project_id}".encode()).hexdigest()[:32]


def _config(model: RegistryModel) -> dict[str, Any] | None:
    text = model.spec.initial_config
    if not text:
        return None
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else None


def _show_apis(config: dict[str, Any] | None) -> list[dict[str, Any]]:
    """config.json `apis` in ShowModel's shape: input/output params wrap the data schemas."""
    shown = []
    for api in (config or {}).get("apis") or []:
        if not isinstance(api, dict):
            continue
        request, response = api.get("request") or {}, api.get("response") or {}
        shown.append(
            {
                "protocol": api.get("protocol", "http"),
                "url": api.get("url", "/"),
                "method": api.get("method", "post"),
                "input_params": {"type": "object", "properties": {"data": request.get("data")}},
                "output_params": {
                    "type": "object",
                    "properties": {"data": response.get("data")},
                },
            }
        )
    return shown


def _health(config: dict[str, Any] | None) -> dict[str, str]:
    """ModelHealth: every value a string, as Table 5 types them."""
    health = (config or {}).get("health")
    if not isinstance(health, dict):
        return {}
    return {key: str(value) for key, value in health.items() if not isinstance(value, dict)}


def list_item(model: RegistryModel, project_id: str) -> dict[str, Any]:
    """A ListModels item with every field of the reference's ModelListItem table."""
    spec = model.spec
    return {
        "model_id": model.model_id,
        "model_name": spec.name,
        "model_version": spec.version,
        "model_status": model.status.value,
        "model_type": spec.model_type,
        "model_size": 0,
        "model_source": "custom",
        "source_type": "",
        "description": spec.description or "",
        "workspace_id": spec.workspace_id or "0",
        "owner": tenant_of(project_id),
        "tenant": tenant_of(project_id),
        "project": project_id,
        "create_at": int(model.created_at * 1000),
        "install_type": [ANSWER_SPELLING.get(t, t) for t in spec.install_type],
        "source_copy": "true" if spec.source_copy else "false",
        "market_flag": False,
        "tunable": False,
        "publishable_flag": False,
        "subscription_id": "",
        "extra": "",
        "specification": {},
    }


def show_body(model: RegistryModel, project_id: str, extras: dict[str, Any]) -> dict[str, Any]:
    """A ShowModel body with every field of the reference's response table."""
    spec, config = model.spec, _config(model)
    body = list_item(model, project_id)
    for key in ("subscription_id", "extra"):  # list-only fields
        del body[key]
    apis = extras.get("apis") or _show_apis(config)
    # JSON strings stay JSON even when empty ("{}"): clients decode them (otcextensions does).
    metrics = extras.get("model_metrics") or json.dumps((config or {}).get("metrics", {}))
    body.update(
        {
            "source_location": spec.source_location,
            "source_job_id": extras.get("source_job_id", ""),
            "source_job_version": extras.get("source_job_version", ""),
            "source_type": extras.get("source_type", ""),
            "runtime": extras.get("runtime", ""),
            "execution_code": extras.get("execution_code", ""),
            "schema_doc": "",
            "image_address": f"127.0.0.1:20202/models/{model.model_id}:{spec.version}",
            "input_params": extras.get("input_params", []),
            "output_params": extras.get("output_params", []),
            "dependencies": extras.get("dependencies") or (config or {}).get("dependencies", []),
            "model_metrics": metrics,
            "apis": json.dumps(apis, separators=(",", ":")),
            "model_algorithm": spec.model_algorithm or "",
            "model_docs": [{"doc_name": n, "doc_url": u} for n, u in spec.model_docs],
            "model_labels": [],
            "labels_map": {"labels": []},
            "health": _health(config),
            "config": json.dumps({**ADDED_CONFIG, **(config or {})}, separators=(",", ":")),
            "cmd": "",
        }
    )
    return body
