"""The requests session both HTTP clients use (ModelArts, and image registries).

requests reads the environment's proxy and CA settings on every request (all of
os.environ, twice), and looks in ~/.netrc for credentials whenever a request carries no
`auth`: about a millisecond a request, and worse, a ~/.netrc entry for the host replaces
the Authorization header a request carries. Credentials here are always our own headers,
so ~/.netrc is never consulted, and the environment is read once per host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests


class Session(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.auth = _own_headers
        self._environment: dict[tuple[str, str], dict[str, Any]] = {}

    def merge_environment_settings(  # type: ignore[override]
        self, url: str, proxies: Any, stream: Any, verify: Any, cert: Any
    ) -> Any:
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        found: Any = self._environment.get(key)
        if found is None:
            found = super().merge_environment_settings(url, {}, None, None, None)
            self._environment[key] = found
        return {**found, "proxies": dict(found["proxies"])}


def _own_headers(request: Any) -> Any:
    """The session's `auth`: the request already carries its credentials as headers."""
    return request
