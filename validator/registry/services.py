"""Which services use a model: ModelArts' ListServices filtered by `model_id`.

`GET /v1/{project_id}/services?model_id=ID` (API reference, "Querying a Service List")
pages with offset (the page index) and limit. A plan asks before it deletes or
replaces a version, so a model that backs a service is kept instead of failing the
sync with ModelArts.3009.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from validator.registry.base import RegistryError

if TYPE_CHECKING:
    from validator.registry.transport import Transport

PAGE = 100
MAX_PAGES = 1000


def _names(http: Transport, path: str, model_id: str) -> tuple[str, ...]:
    names: list[str] = []
    for page in range(MAX_PAGES):
        query = [("model_id", model_id), ("offset", str(page)), ("limit", str(PAGE))]
        status, data = http.call("GET", path, query)
        services = data.get("services") if isinstance(data, dict) else None
        if status == 404 or not isinstance(services, list):
            raise RegistryError(f"GET {path}: no usable ListServices answer (HTTP {status})")
        names += [str(s.get("service_name") or s.get("service_id")) for s in services]
        if len(services) < PAGE:
            return tuple(sorted(set(names)))
    raise RegistryError(f"GET {path}: more than {MAX_PAGES} pages")


def services_using(
    http: Transport, project_path: str, model_ids: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    """model id -> names of the services using it, for the ids some service uses."""
    path = f"{project_path}/services"
    found: dict[str, tuple[str, ...]] = {}
    for model_id in sorted(set(model_ids)):
        names = _names(http, path, model_id)
        if names:
            found[model_id] = names
    return found
