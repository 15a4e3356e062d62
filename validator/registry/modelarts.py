"""The ModelArts REST API v1 backend: list, show, create, delete (transport.py does HTTP)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import requests

from validator.registry import polling
from validator.registry.auth import Auth
from validator.registry.base import (
    AlreadyExists,
    ModelInUse,
    ModelSpec,
    Provenance,
    RegistryError,
    RegistryModel,
)
from validator.registry.transport import Transport, decode, http_error, retry_after
from validator.registry.wire import create_body, error_line, model_from_json, workspace

log = logging.getLogger(__name__)
MAX_PAGES = 10_000


class ModelArtsRegistry:
    """`Registry` over `{endpoint}/v1/{project_id}/models`."""

    def __init__(
        self,
        endpoint: str,
        project_id: str,
        auth: Auth,
        *,
        timeout: tuple[float, float] = (5.0, 30.0),
        poll_interval: float = 5.0,
        backoff: float = 0.5,
        create_attempts: int = 5,
        page_size: int = 100,
    ) -> None:
        self.project_id = project_id
        self._http = Transport(endpoint, auth, timeout=timeout, backoff=backoff)
        self._poll_interval = poll_interval
        self._backoff = backoff
        self._create_attempts = create_attempts
        self._page_size = page_size
        self._base = f"/v1/{quote(project_id, safe='')}/models"

    def __repr__(self) -> str:
        http = self._http
        return f"ModelArtsRegistry({http.endpoint!r}, {self.project_id!r}, auth={http.auth!r})"

    def _list_pages(self, filters: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
        # `offset` is the page index ("index of the query page", modelarts-spec §9), and
        # `registry serve` reads it so too. Items are collected by id, so even a server that
        # took offset as an item index would yield every model (overlapping pages, no gaps).
        seen: dict[str, dict[str, Any]] = {}
        for page in range(MAX_PAGES):
            query = [*filters, ("offset", str(page)), ("limit", str(self._page_size))]
            query += [("sort_by", "create_at"), ("order", "asc")]  # new models go last
            status, data = self._http.call("GET", self._base, query)
            if status == 404:
                msg = f"GET {self._base}: HTTP 404; is {self._http.endpoint} a ModelArts endpoint?"
                raise RegistryError(msg)
            models = data.get("models") if isinstance(data, dict) else None
            if not isinstance(models, list):
                raise RegistryError(f"GET {self._base}: malformed ListModels answer")
            for item in models:
                seen.setdefault(str(item["model_id"]), item)
            total = int(data.get("total_count", len(seen)))
            if len(models) < self._page_size or len(seen) >= total:
                return list(seen.values())
        raise RegistryError(f"GET {self._base}: more than {MAX_PAGES} pages")

    def list(self, names: Iterable[str] | None = None) -> list[RegistryModel]:
        """Every model, with ShowModel details (ListModels items lack source_location etc.)."""
        if names is None:
            items = self._list_pages([])
        else:
            items = []
            for name in sorted(set(names)):
                items += self._list_pages([("model_name", name), ("exact_match", "true")])
        models = (self.get(str(item["model_id"])) for item in items)
        return [model for model in models if model is not None]  # None: deleted meanwhile

    def get(self, model_id: str) -> RegistryModel | None:
        path = f"{self._base}/{quote(model_id, safe='')}"
        status, data = self._http.call("GET", path)
        if status == 404:
            return None
        try:
            return model_from_json(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise RegistryError(f"GET {path}: malformed ShowModel answer") from None

    def _find(self, spec: ModelSpec) -> str | None:
        query = [("model_name", spec.name), ("exact_match", "true")]
        query.append(("model_version", spec.version))
        if spec.workspace_id:
            query.append(("workspace_id", spec.workspace_id))
        for item in self._list_pages(query):
            row = (item.get("model_name"), item.get("model_version"), item.get("workspace_id"))
            if row[:2] == spec.key and workspace(row[2]) == spec.workspace_id:
                return str(item["model_id"])
        return None

    def create(self, spec: ModelSpec, provenance: Provenance | None = None) -> str:
        """Import `spec`; ModelArts cannot store `provenance`.

        POST has no idempotency key, so it is never retried blindly: after an ambiguous
        failure (no answer, timeout, 5xx) the model is looked up by (name, version) and
        adopted if the lost request did create it; only otherwise is the POST sent again.
        """
        body, ambiguous, last = create_body(spec), False, ""
        for attempt in range(1, self._create_attempts + 1):
            wait = self._backoff * 2 ** (attempt - 1) + random.random() * self._backoff
            try:
                with self._http.send("POST", self._base, body=body) as response:
                    status, content = response.status_code, response.content
                    hinted = retry_after(response, wait)
            except requests.RequestException as exc:
                ambiguous, last = True, f"{type(exc).__name__} from {self._http.endpoint}"
            else:
                data = decode(content)
                if status == 200 and isinstance(data, dict) and "model_id" in data:
                    return str(data["model_id"])
                failure = http_error(status, data, content, "POST", self._base)
                if isinstance(failure, AlreadyExists) and ambiguous:
                    found = self._find(spec)  # our lost request got there first
                    if found:
                        return found
                if status != 429 and status < 500:
                    raise failure
                last = str(failure)
                if status == 429:  # refused before doing anything: not ambiguous
                    wait = hinted
                else:
                    ambiguous = True
            log.info("create %s %s: %s; attempt %d", spec.name, spec.version, last, attempt)
            if ambiguous:
                try:
                    found = self._find(spec)
                except RegistryError as exc:
                    found, last = None, str(exc)
                if found:
                    return found
            if attempt < self._create_attempts:
                time.sleep(wait)
        raise RegistryError(
            f"create of model ({spec.name}, {spec.version}) failed after"
            f" {self._create_attempts} attempts: {last}"
        )

    def delete(self, model_id: str) -> None:
        path = f"{self._base}/{quote(model_id, safe='')}"
        status, data = self._http.call("DELETE", path)
        if status == 404:
            return  # already gone (or a retried DELETE whose first try succeeded)
        failed = data.get("delete_failed_list") if isinstance(data, dict) else None
        if failed:  # a 200 can carry refusals (modelarts-spec §11)
            first = failed[0] if isinstance(failed[0], dict) else {}
            code = first.get("error_code")
            if code == "ModelArts.3001":
                return
            line = error_line(code, str(first.get("error_msg", "")), status, "DELETE", path)
            raise (ModelInUse if code == "ModelArts.3009" else RegistryError)(line, code)

    def wait_until_published(self, model_id: str, timeout: float) -> RegistryModel:
        return polling.wait_until_published(self.get, model_id, timeout, self._poll_interval)

    def services_using(self, model_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        from validator.registry.services import services_using

        return services_using(self._http, f"/v1/{quote(self.project_id, safe='')}", model_ids)

    def deleted_versions(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Provenance]:
        return {}  # ModelArts stores no provenance

    def close(self) -> None:
        self._http.close()
