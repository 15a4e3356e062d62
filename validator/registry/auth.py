"""How the ModelArts backend proves who it is: IAM token, IAM password login, or AK/SK signing.

Credentials come from the environment only. They never appear in a repr, a log line or an
exception message: the reprs below show `<hidden>`, and errors name variables, not values.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from validator import jsontext
from validator.registry import signing
from validator.registry.base import RegistryError
from validator.registry.scrub import remember

HIDDEN = "<hidden>"
AKSK_VARS = ("MODELARTS_AK", "MODELARTS_SK")  # + optional MODELARTS_SECURITY_TOKEN
PASSWORD_VARS = (
    "MODELARTS_IAM_ENDPOINT",
    "MODELARTS_USERNAME",
    "MODELARTS_PASSWORD",
    "MODELARTS_DOMAIN",
)
REFRESH_EARLY = 300.0  # seconds: renew an IAM token this long before it expires

# POST a JSON body to a URL → (status, response headers, response body). The HTTP backend
# supplies it, so this module needs no HTTP library of its own.
Post = Callable[[str, bytes], tuple[int, Mapping[str, str], bytes]]


class Auth(Protocol):
    def headers(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, post: Post
    ) -> dict[str, str]:
        """`headers` plus whatever authenticates this exact request."""
        ...

    def expire(self) -> bool:
        """Forget a cached token after a 401; True when asking again may succeed."""
        ...


@dataclass(frozen=True, slots=True)
class TokenAuth:
    """A ready IAM token (`MODELARTS_TOKEN`), sent as `X-Auth-Token`."""

    token: str = field(repr=False)

    def __repr__(self) -> str:
        return f"TokenAuth(token={HIDDEN})"

    def headers(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, post: Post
    ) -> dict[str, str]:
        return {**headers, "X-Auth-Token": self.token}

    def expire(self) -> bool:
        return False  # a fixed token cannot be renewed


@dataclass(frozen=True, slots=True)
class AkSkAuth:
    """AK/SK request signing; temporary credentials add `X-Security-Token`."""

    ak: str
    sk: str = field(repr=False)
    project_id: str | None = None
    security_token: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        token = HIDDEN if self.security_token else None
        return (
            f"AkSkAuth(ak={self.ak!r}, sk={HIDDEN}, project_id={self.project_id!r},"
            f" security_token={token})"
        )

    def headers(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, post: Post
    ) -> dict[str, str]:
        extra = dict(headers)
        if self.project_id:
            extra["X-Project-Id"] = self.project_id
        if self.security_token:
            extra["X-Security-Token"] = self.security_token
        return signing.sign(method, url, extra, body, self.ak, self.sk)

    def expire(self) -> bool:
        return False


class PasswordAuth:
    """IAM password login (`POST /v3/auth/tokens`); the token is cached until it expires.

    IAM tokens last 24 h; this renews one 5 minutes early, or once after a 401.
    """

    def __init__(
        self, iam_endpoint: str, username: str, password: str, domain: str, project_id: str | None
    ) -> None:
        base = iam_endpoint.rstrip("/")
        self.url = (base if base.endswith("/v3") else base + "/v3") + "/auth/tokens"
        self.username = username
        self._password = password
        self.domain = domain
        self.project_id = project_id
        self._token: str | None = None
        self._expires = 0.0
        self._mutex = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"PasswordAuth(url={self.url!r}, username={self.username!r}, password={HIDDEN},"
            f" domain={self.domain!r})"
        )

    def _login_body(self) -> bytes:
        user = {"name": self.username, "password": self._password, "domain": {"name": self.domain}}
        auth: dict[str, object] = {
            "identity": {"methods": ["password"], "password": {"user": user}}
        }
        if self.project_id:
            auth["scope"] = {"project": {"id": self.project_id}}
        return json.dumps({"auth": auth}).encode()

    def _login(self, post: Post) -> str:
        status, headers, body = post(self.url, self._login_body())
        token = {k.lower(): v for k, v in headers.items()}.get("x-subject-token")
        if status not in (200, 201) or not token:
            # The IAM answer is not echoed: it may quote the request, password included.
            raise RegistryError(
                f"IAM login as {self.username!r} at {self.url} failed (HTTP {status});"
                f" check {', '.join(PASSWORD_VARS)}"
            )
        self._expires = _expiry(body)
        remember(token)  # an IAM token obtained: never shown, whatever a server echoes
        return token

    def headers(
        self, method: str, url: str, headers: Mapping[str, str], body: bytes, post: Post
    ) -> dict[str, str]:
        with self._mutex:
            if self._token is None or time.time() >= self._expires - REFRESH_EARLY:
                self._token = self._login(post)
            return {**headers, "X-Auth-Token": self._token}

    def expire(self) -> bool:
        with self._mutex:
            had = self._token is not None
            self._token = None
        return had


def _expiry(body: bytes) -> float:
    """`token.expires_at` from the IAM answer, in epoch seconds; 24 h from now if absent."""
    try:
        text = jsontext.loads(body)["token"]["expires_at"]
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp()
    except (ValueError, KeyError, TypeError):
        return time.time() + 24 * 3600.0


ALL_SECRET_VARS = (
    "MODELARTS_TOKEN",
    "MODELARTS_AK",
    "MODELARTS_SK",
    "MODELARTS_SECURITY_TOKEN",
    "MODELARTS_USERNAME",
    "MODELARTS_PASSWORD",
    "MODELARTS_DOMAIN",
)


def auth_from_env(env: Mapping[str, str], project_id: str | None = None) -> Auth:
    """Token > AK/SK > password, from whichever set of variables is complete."""
    for name in ALL_SECRET_VARS:
        if not env.get(name, "").isascii():
            raise RegistryError(f"{name} holds characters an HTTP header cannot carry")
    if env.get("MODELARTS_TOKEN"):
        return TokenAuth(env["MODELARTS_TOKEN"])
    if all(env.get(name) for name in AKSK_VARS):
        security = env.get("MODELARTS_SECURITY_TOKEN") or None
        return AkSkAuth(env["MODELARTS_AK"], env["MODELARTS_SK"], project_id, security)
    if all(env.get(name) for name in PASSWORD_VARS):
        return PasswordAuth(
            env["MODELARTS_IAM_ENDPOINT"],
            env["MODELARTS_USERNAME"],
            env["MODELARTS_PASSWORD"],
            env["MODELARTS_DOMAIN"],
            project_id,
        )
    partial = [n for n in (*AKSK_VARS, *PASSWORD_VARS) if env.get(n)]
    hint = f" (set but incomplete: {', '.join(partial)})" if partial else ""
    raise RegistryError(
        "no ModelArts credentials in the environment: set MODELARTS_TOKEN, or MODELARTS_AK"
        " and MODELARTS_SK (optionally MODELARTS_SECURITY_TOKEN), or"
        f" {', '.join(PASSWORD_VARS)}{hint}"
    )
