"""The ModelArts REST API v1 backend: list, show, create, delete (transport.py does HTTP)."""

from __future__ import annotations

import builtins
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import requests

from validator.registry import answers, paging, polling
from validator.registry.answers import Item
from validator.registry.auth import Auth
from validator.registry.base import (
    AlreadyExists,
    ModelInUse,
    ModelSpec,
    Provenance,
    RegistryError,
    RegistryModel,
)
from validator.registry.showcache import ShowCache
from validator.registry.transport import (
    Transport,
    backoff_wait,
    decode,
    error_code,
    http_error,
    retry_after,
)
from validator.registry.wire import create_body, definite, error_line, retryable, workspace

log = logging.getLogger(__name__)
PAGE_SIZE = 1000  # ListModels' documented default, the largest page the reference names


class ModelArtsRegistry:
    """`Registry` over `{endpoint}/v1/{project_id}/models`."""

    remote = True

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
        page_size: int = PAGE_SIZE,
        workers: int = 8,
        cache: Path | None = None,
    ) -> None:
        self.project_id = project_id
        self._http = Transport(endpoint, auth, timeout=timeout, backoff=backoff, pool=workers)
        self._poll_interval = poll_interval
        self._backoff = backoff
        self._create_attempts = create_attempts
        self._page_size = page_size
        self._workers = workers
        self._cache = ShowCache(cache)
        self._base = f"/v1/{quote(project_id, safe='')}/models"

    def __repr__(self) -> str:
        http = self._http
        return f"ModelArtsRegistry({http.endpoint!r}, {self.project_id!r}, auth={http.auth!r})"

    @property
    def requests(self) -> int:
        """HTTP answers received so far (benchmarks report requests per run)."""
        return self._http.requests

    def _items(self, filters: Sequence[tuple[str, str]]) -> builtins.list[Item]:
        def fetch(offset: int, limit: int) -> tuple[list[Item], int | None]:
            query = [*filters, ("offset", str(offset)), ("limit", str(limit))]
            query += [("sort_by", "create_at"), ("order", "asc")]  # new models go last
            status, data = self._http.call("GET", self._base, query)
            if status == 404:
                msg = f"GET {self._base}: HTTP 404; is {self._http.endpoint} a ModelArts endpoint?"
                raise RegistryError(msg)
            return answers.page(data, f"GET {self._base}")

        return paging.list_all(fetch, self._page_size, f"GET {self._base}")

    def list(
        self,
        names: Iterable[str] | None = None,
        *,
        match: Callable[[str], bool] | None = None,
    ) -> list[RegistryModel]:
        """Models with ShowModel details (list items lack source_location and config).

        Details are fetched only for the names asked for, concurrently, and from the cache
        for models whose import has finished.
        """
        if names is None:
            items = self._items([])
            live: set[str] | None = {item.model_id for item in items}
        else:
            items, live = [], None
            for name in sorted(set(names)):
                # The name filter is fuzzy even with exact_match (that only escapes `_`).
                found = self._items([("model_name", name), ("exact_match", "true")])
                items += [item for item in found if item.name == name]
        wanted = [item for item in items if match is None or match(item.name)]
        models = self._details(wanted)
        self._cache.save(live)
        return [model for model in models if model is not None]  # None: deleted meanwhile

    def _details(self, items: builtins.list[Item]) -> builtins.list[RegistryModel | None]:
        found: dict[str, RegistryModel | None] = {}
        missing: builtins.list[str] = []
        for item in items:
            cached = self._cache.get(item.model_id)
            if cached is not None and item.status is not None:
                try:
                    body = {**cached, "model_status": item.status.value}
                    found[item.model_id] = answers.show(body, "cache", cached=True)
                    continue
                except answers.MalformedAnswer:
                    pass  # a damaged entry: ask the registry
            missing.append(item.model_id)
        if len(missing) <= 1:
            found.update((model_id, self.get(model_id)) for model_id in missing)
        else:
            with ThreadPoolExecutor(min(self._workers, len(missing))) as pool:
                found.update(zip(missing, pool.map(self.get, missing), strict=True))
        return [found[item.model_id] for item in items]

    def get(self, model_id: str) -> RegistryModel | None:
        path = f"{self._base}/{quote(model_id, safe='')}"
        status, data = self._http.call("GET", path)
        if status == 404:
            return None
        model = answers.show(data, f"GET {path}")
        if model.model_id != model_id:
            raise answers.MalformedAnswer(f"GET {path}: the answer is for model {model.model_id}")
        self._cache.put(model_id, data, model.spec.initial_config)
        return model

    def _find(self, spec: ModelSpec) -> str | None:
        query = [("model_name", spec.name), ("exact_match", "true")]
        query.append(("model_version", spec.version))
        if spec.workspace_id:
            query.append(("workspace_id", spec.workspace_id))
        for item in self._items(query):
            if (item.name, item.version) == spec.key:
                found = self.get(item.model_id)  # list items need not carry workspace_id
                if found is not None and workspace(found.spec.workspace_id) == spec.workspace_id:
                    return item.model_id
        return None

    def create(self, spec: ModelSpec, provenance: Provenance | None = None) -> str:
        """Import `spec`; ModelArts cannot store `provenance`.

        POST has no idempotency key, so it is never retried blindly: after an ambiguous
        failure (no answer, timeout, 5xx) the model is looked up by (name, version) and
        adopted if the lost request did create it; only otherwise is the POST sent again.
        """
        body, ambiguous, last = create_body(spec), False, ""
        for attempt in range(1, self._create_attempts + 1):
            wait = backoff_wait(self._backoff, attempt)
            try:
                with self._http.send("POST", self._base, body=body) as response:
                    status, content = response.status_code, response.content
                    hint = response.headers.get("Retry-After")
            except requests.RequestException as exc:
                ambiguous, last = True, f"{type(exc).__name__} from {self._http.endpoint}"
            else:
                data = decode(content)
                if status == 200 and isinstance(data, dict):
                    model_id = data.get("model_id")
                    if isinstance(model_id, str) and model_id:
                        return model_id
                if 200 <= status < 300:  # created, but the answer does not say as what
                    found = self._find(spec)
                    if found:
                        return found
                    raise answers.MalformedAnswer(
                        f"POST {self._base}: malformed registry answer: `model_id` is missing"
                    )
                failure = http_error(status, data, content, "POST", self._base)
                if isinstance(failure, AlreadyExists) and ambiguous:
                    found = self._find(spec)  # our lost request got there first
                    if found:
                        return found
                code = error_code(data)
                if not retryable(status, code):
                    raise failure
                last = str(failure)
                if status == 429:  # refused before doing anything: not ambiguous
                    wait = retry_after(hint, wait)
                else:
                    ambiguous = ambiguous or not definite(code)
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
        self._cache.forget(model_id)
        failed = answers.delete_failures(data, f"DELETE {path}")
        if failed:  # a 200 can carry refusals (modelarts-spec §11)
            code, message = failed[0]
            if code == "ModelArts.3001":
                return
            line = error_line(code, message, status, "DELETE", path)
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
