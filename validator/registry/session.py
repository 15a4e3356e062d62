"""The requests session both HTTP clients use (ModelArts, and image registries).

requests reads the environment's proxy and CA settings on every request (all of
os.environ, twice), and looks in ~/.netrc for credentials whenever a request carries no
`auth`: about a millisecond a request, and worse, a ~/.netrc entry for the host replaces
the Authorization header a request carries. Credentials here are always our own headers,
so ~/.netrc is never consulted, and the environment is read once per host.

For the many small reads of a plan (one ShowModel per model), `pool` hands out the urllib3
connection pool requests itself would use for a host, with the proxy, CA bundle and client
certificate it chose, so that those calls skip requests' per-request work (preparing,
hooks, cookies, building a Response): about a third of the client's CPU per call.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool


class Session(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.auth = _own_headers
        self._environment: dict[tuple[str, str], dict[str, Any]] = {}
        self._pools: dict[tuple[str, str], tuple[HTTPConnectionPool, bool] | None] = {}
        self._pooling = threading.Lock()

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

    def pool(self, url: str) -> tuple[HTTPConnectionPool, bool] | None:
        """The pool requests would send `url` through, and whether the request line must
        carry the whole URL (a plain-HTTP proxy); None when a custom adapter is mounted."""
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        with self._pooling:
            if key not in self._pools:
                self._pools[key] = self._new_pool(url)
            return self._pools[key]

    def _new_pool(self, url: str) -> tuple[HTTPConnectionPool, bool] | None:
        prepared = self.prepare_request(requests.Request("GET", url))
        assert prepared.url is not None
        adapter = self.get_adapter(prepared.url)
        if type(adapter) is not HTTPAdapter:
            return None
        found = self.merge_environment_settings(prepared.url, {}, None, None, None)
        verify, proxies, cert = found["verify"], found["proxies"], found["cert"]
        pool = adapter.get_connection_with_tls_context(prepared, verify, proxies, cert)
        if not isinstance(pool, HTTPConnectionPool):
            return None
        adapter.cert_verify(pool, prepared.url, verify, cert)  # type: ignore[no-untyped-call]
        return pool, adapter.request_url(prepared, proxies) != prepared.path_url

    def close(self) -> None:
        with self._pooling:
            self._pools.clear()
        super().close()


def _own_headers(request: Any) -> Any:
    """The session's `auth`: the request already carries its credentials as headers."""
    return request
