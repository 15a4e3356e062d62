"""The HTTP half of the ModelArts backend: one session, auth headers, errors as one line.

This module and modelarts.py (the HTTP backend) are the only ones that import `requests`.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Sequence
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from validator.registry.auth import Auth
from validator.registry.base import AlreadyExists, ModelInUse, RegistryError
from validator.registry.scrub import scrub_data
from validator.registry.signing import canonical_query
from validator.registry.wire import error_line

RETRY_AFTER_MAX = 60.0  # seconds: a server must not park a sync for hours


def new_session(backoff: float = 0.5) -> requests.Session:
    """The one session factory. urllib3 retries GET/HEAD/DELETE on 429/5xx and dropped
    connections; POST never (a retried create could import the model twice, see `create`)."""
    retry = Retry(
        total=5,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        status_forcelist=[429, 500, 502, 503, 504],
        allowed_methods={"GET", "HEAD", "DELETE"},
        retry_after_max=int(RETRY_AFTER_MAX),
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def retry_after(response: requests.Response, fallback: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value) if value else None
        seconds = when.timestamp() - time.time() if when else fallback
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


class Transport:
    """Authenticated calls to one endpoint; `timeout` and `allow_redirects=False` on every call
    (requests would re-send X-Auth-Token to a redirect target on another host)."""

    def __init__(
        self, endpoint: str, auth: Auth, *, timeout: tuple[float, float], backoff: float
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.auth = auth
        self._timeout = timeout
        self._session = new_session(backoff)

    def post_raw(self, url: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """For IAM login: a plain POST without our auth headers."""
        try:
            with self._session.post(
                url,
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            ) as response:
                return response.status_code, dict(response.headers), response.content
        except requests.RequestException as exc:
            raise RegistryError(f"cannot reach IAM at {url} ({type(exc).__name__})") from None

    def send(
        self, method: str, path: str, query: Sequence[tuple[str, str]] = (), body: object = None
    ) -> requests.Response:
        """One call; raises requests' transport errors (callers decide what is ambiguous)."""
        # The query is built in canonical form by hand: it is what an AK/SK signature covers.
        url = self.endpoint + path + (f"?{canonical_query(query)}" if query else "")
        data = b"" if body is None else json.dumps(body).encode()

        def attempt() -> requests.Response:
            plain = {"Content-Type": "application/json"}
            return self._session.request(
                method,
                url,
                headers=self.auth.headers(method, url, plain, data, self.post_raw),
                data=data or None,
                timeout=self._timeout,
                allow_redirects=False,
            )

        response = attempt()
        if response.status_code == 401 and self.auth.expire():
            response.close()
            response = attempt()  # the cached IAM token was revoked early: log in once more
        return response

    def call(
        self, method: str, path: str, query: Sequence[tuple[str, str]] = ()
    ) -> tuple[int, Any]:
        """A GET or DELETE (urllib3 retries those): (status, decoded body).

        404 / ModelArts.3001 comes back as (404, None): the model does not exist. Other
        errors are raised as one-line RegistryErrors.
        """
        try:
            with self.send(method, path, query) as response:
                status, content = response.status_code, response.content
        except requests.RequestException as exc:
            msg = f"{method} {path}: {type(exc).__name__} from {self.endpoint}"
            raise RegistryError(msg) from None
        data = decode(content)
        code = data.get("error_code") if isinstance(data, dict) else None
        if code == "ModelArts.3001" or (status == 404 and code is None):
            return 404, None
        if status >= 400:
            raise http_error(status, data, content, method, path)
        return status, data

    def close(self) -> None:
        self._session.close()


def decode(content: bytes) -> Any:
    """The JSON answer with every known secret scrubbed (a server may reflect the token)."""
    try:
        return scrub_data(json.loads(content)) if content else None
    except ValueError:
        return None


def http_error(status: int, data: Any, content: bytes, method: str, path: str) -> RegistryError:
    """`{error_code, error_msg}` (or IAM's `{error: {code, message}}`) → one clear line."""
    code: str | None = None
    # Not the body itself: a proxy that echoes the request would print the token.
    message = f"a non-JSON answer of {len(content)} bytes"
    if isinstance(data, dict) and "error_code" in data:
        code, message = str(data["error_code"]), str(data.get("error_msg", ""))
    elif isinstance(data, dict) and isinstance(data.get("error"), dict):
        message = str(data["error"].get("message") or data["error"].get("title") or "")
    line = error_line(code, message, status, method, path)
    if code == "ModelArts.3002" or (status == 409 and code is None):
        return AlreadyExists(line, code)
    if code == "ModelArts.3009":
        return ModelInUse(line, code)
    return RegistryError(line, code)
