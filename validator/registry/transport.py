"""The HTTP half of the ModelArts backend: one session, auth headers, errors as one line.

This module and modelarts.py (the HTTP backend) are the only ones that import `requests`.
"""

from __future__ import annotations

import email.utils
import json
import random
import re
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from validator import jsontext
from validator.registry.auth import Auth
from validator.registry.base import AlreadyExists, ModelInUse, RegistryError
from validator.registry.scrub import scrub_data
from validator.registry.session import Session
from validator.registry.signing import canonical_query
from validator.registry.wire import error_line, retryable

RETRY_AFTER_MAX = 60.0  # seconds: a server must not park a sync for hours
JSON = {"Content-Type": "application/json"}  # what every call sends (auth copies, never edits)


def connection_retry(backoff: float) -> Retry:
    """urllib3 retries only what never reached an answer (connection errors, dropped reads)
    for GET/HEAD/DELETE; POST never (a retried create could import the model twice, see
    `create`). Answers are retried by `Transport.call`, which reads their error codes first.
    """
    return Retry(
        total=5,
        backoff_factor=backoff,
        backoff_jitter=backoff,
        status_forcelist=(),
        allowed_methods={"GET", "HEAD", "DELETE"},
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def new_session(backoff: float = 0.5, pool: int = 10) -> Session:
    """The one session factory: keep-alive connections (up to `pool` at once)."""
    session = Session()
    retry = connection_retry(backoff)
    adapter = HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=pool)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


_SECONDS = re.compile(r"[0-9]{1,9}")


def retry_after(value: str | None, default: float) -> float:
    """`Retry-After` read strictly: whole seconds or an HTTP date, capped at 60 s.

    Anything else (`soon`, `nan`, `-1`, a date without a zone) means the default backoff.
    """
    text = (value or "").strip()
    if _SECONDS.fullmatch(text):
        seconds = float(text)
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return default
        if when.tzinfo is None:
            return default
        seconds = when.timestamp() - time.time()
    return min(max(seconds, 0.0), RETRY_AFTER_MAX)


# The jitter's own generator: a retry on any thread leaves the global `random` state alone
# (a caller's seeded draws stay reproducible).
_JITTER = random.Random()


def backoff_wait(backoff: float, attempt: int) -> float:
    """Exponential backoff with jitter for the `attempt`-th retry (1-based)."""
    return float(backoff * 2 ** (attempt - 1) + _JITTER.random() * backoff)


def error_code(data: Any) -> str | None:
    code = data.get("error_code") if isinstance(data, dict) else None
    return code if isinstance(code, str) and code else None


class Transport:
    """Authenticated calls to one endpoint; `timeout` and `allow_redirects=False` on every call
    (requests would re-send X-Auth-Token to a redirect target on another host)."""

    def __init__(
        self,
        endpoint: str,
        auth: Auth,
        *,
        timeout: tuple[float, float],
        backoff: float,
        attempts: int = 5,
        pool: int = 10,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.auth = auth
        self._timeout = timeout
        self._backoff = backoff
        self._attempts = attempts
        self._session = new_session(backoff, pool)
        self._retry = connection_retry(backoff)
        self._pool_timeout = urllib3.Timeout(connect=timeout[0], read=timeout[1])
        # requests' default headers (User-Agent, Accept, Accept-Encoding), for the pooled
        # reads: added after signing, as requests adds them, so a signature covers the same.
        self._defaults = {key: str(value) for key, value in self._session.headers.items()}
        self.requests = 0  # answers received, for benchmarks and tests
        self._counting = threading.Lock()  # ShowModel calls come from several threads

    def post_raw(self, url: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        """For IAM login: a plain POST without our auth headers."""
        try:
            with self._session.post(
                url,
                data=body,
                headers=dict(JSON),
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
            return self._session.request(
                method,
                url,
                headers=self.auth.headers(method, url, JSON, data, self.post_raw),
                data=data or None,
                timeout=self._timeout,
                allow_redirects=False,
            )

        response = attempt()
        self._count()
        if response.status_code == 401 and self.auth.expire():
            response.close()
            response = attempt()  # the cached IAM token was revoked early: log in once more
            self._count()
        return response

    def _count(self) -> None:
        with self._counting:
            self.requests += 1

    def call(
        self, method: str, path: str, query: Sequence[tuple[str, str]] = ()
    ) -> tuple[int, Any]:
        """A GET or DELETE: (status, decoded body).

        404 / ModelArts.3001 comes back as (404, None): the model does not exist. 429 and 5xx
        without a definite ModelArts code are retried with backoff (and `Retry-After`); every
        other error is raised at once as a one-line RegistryError.
        """
        for attempt in range(1, self._attempts + 1):
            try:
                status, content, hint = self._exchange(method, path, query)
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                msg = f"{method} {path}: {failure_name(exc)} from {self.endpoint}"
                raise RegistryError(msg) from None
            except ValueError:  # http.client refuses a header value (a CR or LF in a token)
                msg = f"{method} {path}: InvalidHeader (a credential or header value holds a"
                raise RegistryError(f"{msg} line break or control character)") from None
            data = decode(content)
            code = error_code(data)
            if code == "ModelArts.3001" or (status == 404 and code is None):
                return 404, None
            if status < 400:
                return status, data
            if not retryable(status, code) or attempt == self._attempts:
                raise http_error(status, data, content, method, path)
            time.sleep(retry_after(hint, backoff_wait(self._backoff, attempt)))
        raise AssertionError("unreachable")  # pragma: no cover

    def _exchange(
        self, method: str, path: str, query: Sequence[tuple[str, str]]
    ) -> tuple[int, bytes, str | None]:
        """A bodiless call straight on requests' keep-alive pool: (status, body, Retry-After)."""
        url = self.endpoint + path + (f"?{canonical_query(query)}" if query else "")
        found = self._session.pool(url)
        if found is None:  # pragma: no cover  (only with a custom adapter mounted)
            with self.send(method, path, query) as fallback:
                return fallback.status_code, fallback.content, fallback.headers.get("Retry-After")
        pool, whole = found
        parts = urlsplit(url)
        target = url if whole else parts.path + (f"?{parts.query}" if parts.query else "")

        def attempt() -> tuple[int, bytes, str | None]:
            signed = self.auth.headers(method, url, JSON, b"", self.post_raw)
            response = pool.urlopen(
                method,
                target,
                headers={**self._defaults, **signed},
                retries=self._retry,
                timeout=self._pool_timeout,
                redirect=False,
                assert_same_host=False,
                preload_content=False,  # a body cut off is an error, never a re-sent DELETE
                decode_content=True,
            )
            try:
                return response.status, response.read(), response.headers.get("Retry-After")
            finally:
                response.release_conn()

        answer = attempt()
        self._count()
        if answer[0] == 401 and self.auth.expire():
            answer = attempt()  # the cached IAM token was revoked early: log in once more
            self._count()
        return answer

    def close(self) -> None:
        self._session.close()


def failure_name(exc: Exception) -> str:
    """What went wrong before any answer, named as requests names it."""
    if isinstance(exc, requests.RequestException):
        return type(exc).__name__
    reason = getattr(exc, "reason", None) or exc  # MaxRetryError carries the last failure
    errors = urllib3.exceptions
    if isinstance(reason, errors.ConnectTimeoutError) and not isinstance(
        reason, errors.NewConnectionError
    ):
        return "ConnectTimeout"
    if isinstance(reason, errors.ReadTimeoutError):
        return "ReadTimeout"
    if isinstance(reason, errors.ProxyError):
        return "ProxyError"
    if isinstance(reason, errors.SSLError):
        return "SSLError"
    return "ConnectionError"


def decode(content: bytes) -> Any:
    """The JSON answer with every known secret scrubbed (a server may reflect the token)."""
    if not content:
        return None
    try:
        text = content.decode(json.detect_encoding(content), "surrogatepass")  # as json does
        return scrub_data(jsontext.loads(text), text)
    except ValueError:  # UnicodeDecodeError too
        return None


def http_error(status: int, data: Any, content: bytes, method: str, path: str) -> RegistryError:
    """`{error_code, error_msg}` (or IAM's `{error: {code, message}}`) → one clear line."""
    code: str | None = None
    # Not the body itself: a proxy that echoes the request would print the token.
    message = f"a non-JSON answer of {len(content)} bytes"
    if isinstance(data, dict) and "error_code" in data:
        code, message = error_code(data), str(data.get("error_msg", ""))
    elif isinstance(data, dict) and isinstance(data.get("error"), dict):
        message = str(data["error"].get("message") or data["error"].get("title") or "")
    line = error_line(code, message, status, method, path)
    if code == "ModelArts.3002" or (status == 409 and code is None):
        return AlreadyExists(line, code)
    if code == "ModelArts.3009":
        return ModelInUse(line, code)
    return RegistryError(line, code)
