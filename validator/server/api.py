"""The ModelArts API subset that `registry serve` answers, as plain request → reply functions.

No sockets here (see serving.py): this is the behaviour — routing, auth check, the documented
JSON shapes and error codes, asynchronous publishing, fault injection.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from validator import jsontext
from validator.registry import signing
from validator.registry.base import AlreadyExists, ModelInUse, Status
from validator.registry.local import STATUS, LocalRegistry
from validator.server.answers import list_item, show_body
from validator.server.faults import Fault, FaultConfig, Faults
from validator.server.request import BadRequest, parse_create, parse_list_query, to_sql
from validator.server.services import list_services

CASCADE_MAX = 20  # DeleteModel: "max 20 models per call; excess models are not deleted"

_MODELS = re.compile(r"^/v1/(?P<project>[^/]+)/models(?:/(?P<model_id>[^/]+))?/?$")
_SERVICES = re.compile(r"^/v1/(?P<project>[^/]+)/services/?$")
_ADMIN = re.compile(r"^/_admin/models/(?P<model_id>[^/]+)/in-use/?$")


@dataclass(frozen=True, slots=True)
class ServerConfig:
    """What `registry serve` accepts. Secrets are kept out of the repr."""

    token: str = field(repr=False)
    project_id: str = "local"
    ak: str | None = None
    sk: str | None = field(default=None, repr=False)
    # IAM password login at POST /v3/auth/tokens, answered with `token`, when all three are set.
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    domain: str | None = None
    publish_delay: float = 0.0
    failed_names: frozenset[str] = frozenset()  # their publish ends `failed`
    build_failed_names: frozenset[str] = frozenset()  # … `building_failed`
    faults: FaultConfig = field(default_factory=FaultConfig)
    # Read ListModels `offset` as an item index (Huawei's Terraform provider does) instead of
    # the reference's page index, so clients can be tested against both readings.
    offset_items: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    drop: bool = False  # close the connection without answering


def error(status: int, code: str, message: str, *headers: tuple[str, str]) -> Reply:
    return Reply(status, {"error_code": code, "error_msg": message}, headers)


class ModelArtsApi:
    def __init__(self, registry: LocalRegistry, config: ServerConfig) -> None:
        self.registry = registry
        self.config = config
        self.faults = Faults(config.faults)
        self.logins = 0  # successful IAM logins, so tests can see the token cache work
        self.shows = 0  # ShowModel answers, so tests and benchmarks can count detail reads
        self.lists = 0  # ListModels pages answered

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        path = urlsplit(target).path
        if path.rstrip("/") == "/v3/auth/tokens" and method == "POST":
            return self._iam_login(body)
        denied = self._authenticate(method, target, headers, body)
        if denied is not None:
            return denied
        if (admin := _ADMIN.match(path)) and method in ("POST", "DELETE"):
            return self._mark_in_use(admin["model_id"], in_use=method == "POST", body=body)
        match = _MODELS.match(path) or _SERVICES.match(path)
        if match is None:
            return error(404, "ModelArts.0101", f"no such API: {method} {path}")
        project = match["project"]
        signed_for = {k.lower(): v for k, v in headers.items()}.get("x-project-id", project)
        if project != self.config.project_id or signed_for != project:
            return error(403, "ModelArts.0108", f"not authorized for project {project}")
        return self._with_faults(method, target, match.groupdict().get("model_id"), body)

    def _authenticate(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Reply | None:
        lower = {name.lower(): value for name, value in headers.items()}
        if "x-auth-token" in lower:
            if lower["x-auth-token"] == self.config.token:
                return None
            return error(401, "ModelArts.0203", "Invalid token.")
        if "authorization" in lower:
            ak, sk = self.config.ak, self.config.sk
            if ak and sk and signing.verify(method, target, lower, body, ak, sk):
                return None
            return error(401, "ModelArts.0203", "Invalid AK/SK signature.")
        return error(401, "ModelArts.0201", "Token is missing.")

    def _with_faults(self, method: str, target: str, model_id: str | None, body: bytes) -> Reply:
        fault = self.faults.draw()
        if self.config.faults.latency:
            time.sleep(self.config.faults.latency)
        if fault is Fault.ERROR:
            return error(500, "ModelArts.0010", "Internal error.")
        if fault is Fault.THROTTLE:
            wait = str(self.config.faults.retry_after)
            return error(429, "ModelArts.2799", "Too many requests.", ("Retry-After", wait))
        if fault is Fault.DROP and method != "POST":
            return Reply(0, drop=True)
        reply = self._route(method, target, model_id, body)
        # A POST is applied before the drop: the client cannot know whether it took effect.
        return Reply(0, drop=True) if fault is Fault.DROP else reply

    def _route(self, method: str, target: str, model_id: str | None, body: bytes) -> Reply:
        query = parse_qsl(urlsplit(target).query, keep_blank_values=True)
        try:
            if urlsplit(target).path.rstrip("/").endswith("/services"):
                if method != "GET":
                    return error(405, "ModelArts.0101", f"method {method} not allowed here")
                query = parse_qsl(urlsplit(target).query, keep_blank_values=True)
                return Reply(200, list_services(self.registry.services(), query))
            if model_id is None and method == "GET":
                return self._list(query)
            if model_id is None and method == "POST":
                return self._create(body)
            if model_id is not None and method == "GET":
                return self._show(model_id)
            if model_id is not None and method == "DELETE":
                return self._delete(model_id, dict(query).get("cascade", "false"))
        except BadRequest as exc:
            return error(400, exc.code, str(exc))
        return error(405, "ModelArts.0101", f"method {method} not allowed here")

    def _list(self, pairs: list[tuple[str, str]]) -> Reply:
        query = parse_list_query(pairs)
        where, params, order = to_sql(query, STATUS)
        start = query.offset if self.config.offset_items else query.offset * query.limit
        total, page = self.registry.page(where, params, order, start, query.limit)
        self.lists += 1
        project = self.config.project_id
        return Reply(
            200,
            {
                "total_count": total,
                "count": len(page),
                "models": [list_item(m, project) for m in page],
            },
        )

    def _create(self, body: bytes) -> Reply:
        spec, extras = parse_create(body)
        final = Status.PUBLISHED
        if spec.name in self.config.failed_names:
            final = Status.FAILED
        elif spec.name in self.config.build_failed_names:
            final = Status.BUILDING_FAILED
        try:
            model_id = self.registry.create(
                spec, publish_delay=self.config.publish_delay, final_status=final, extras=extras
            )
        except AlreadyExists:
            msg = f"Model ({spec.name}, {spec.version}) already exists."
            return error(409, "ModelArts.3002", msg)
        return Reply(200, {"model_id": model_id})

    def _show(self, model_id: str) -> Reply:
        model = self.registry.get(model_id)
        if model is None:
            return error(404, "ModelArts.3001", f"Model {model_id} does not exist.")
        extras = self.registry.extras(model_id)
        self.shows += 1
        return Reply(200, show_body(model, self.config.project_id, extras))

    def _delete(self, model_id: str, cascade: str) -> Reply:
        if cascade not in ("true", "false"):
            return error(400, "ModelArts.0104", "parameter cascade must be true or false")
        model = self.registry.get(model_id)
        if model is None:
            return error(404, "ModelArts.3001", f"Model {model_id} does not exist.")
        targets = [model]
        if cascade == "true":  # every version of the name, in the same workspace
            others = self.registry.list([model.spec.name])
            same = model.spec.workspace_id
            targets += [m for m in others if m.model_id != model_id and m.spec.workspace_id == same]
        done, failed = [], []
        for target in targets[:CASCADE_MAX]:
            try:
                self.registry.delete(target.model_id)
                done.append(target.model_id)
            except ModelInUse:
                failed.append(
                    {
                        "model_id": target.model_id,
                        "error_code": "ModelArts.3009",
                        "error_msg": (
                            f"Failed to delete model, model ({target.model_id})"
                            " already deploy service."
                        ),
                    }
                )
        # ModelArts answers 200 and lists any refusal (modelarts-spec §11).
        return Reply(200, {"delete_success_list": done, "delete_failed_list": failed})

    def _mark_in_use(self, model_id: str, *, in_use: bool, body: bytes = b"") -> Reply:
        """`{"service_name": "svc"}` in the body names the service (optional)."""
        try:
            named = jsontext.loads(body) if body.strip() else {}
        except ValueError:
            named = None
        service = named.get("service_name") if isinstance(named, dict) else None
        if named is None or not isinstance(service, str | None):
            return error(400, "ModelArts.0104", 'the body must be {"service_name": "..."}')
        if not self.registry.set_in_use(model_id, in_use, service):
            return error(404, "ModelArts.3001", f"Model {model_id} does not exist.")
        return Reply(200, {"model_id": model_id, "in_use": in_use})

    def _iam_login(self, body: bytes) -> Reply:
        c = self.config
        if not (c.username and c.password and c.domain):
            return error(404, "ModelArts.0101", "IAM login is not enabled on this server")
        try:
            user = jsontext.loads(body)["auth"]["identity"]["password"]["user"]
            ok = (user["name"], user["password"], user["domain"]["name"]) == (
                c.username,
                c.password,
                c.domain,
            )
        except (ValueError, KeyError, TypeError):
            ok = False
        if not ok:
            return Reply(401, {"error": {"code": 401, "title": "Unauthorized"}})
        self.logins += 1
        expires = datetime.now(UTC) + timedelta(hours=24)
        token_body = {"token": {"expires_at": expires.isoformat().replace("+00:00", "Z")}}
        return Reply(201, token_body, (("X-Subject-Token", c.token),))
