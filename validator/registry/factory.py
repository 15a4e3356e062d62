"""Pick a backend from a registry URL: `sqlite:///PATH` or `http(s)://ENDPOINT`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from validator.registry.base import Registry, RegistryError

ACCEPTED = (
    "sqlite:///PATH (a local file; sqlite:////abs/path for an absolute one) or https://ENDPOINT"
    " (ModelArts, e.g. https://modelarts.eu-de.otc.t-systems.com)"
)
_PROJECT_PATH = re.compile(r"^(?P<base>.*?)/v1/(?P<project>[^/]+)/?$")


def open_registry(
    url: str,
    project_id: str | None,
    env: Mapping[str, str],
    *,
    root: Path | None = None,
    read_only: bool = False,
) -> Registry:
    """The registry `url` names. Credentials for ModelArts come from `env` (see auth.py).

    A URL ending in `/v1/<project>` (what `registry serve` prints) also gives the project id.
    `root` is the repository whose `.modelarts-gitops/cache/` keeps ShowModel answers;
    `read_only` opens a local file without creating or changing it (for `plan`).
    """
    if url.startswith("sqlite:///"):
        from validator.registry.local import LocalRegistry

        path = url.removeprefix("sqlite:///")
        if not path:
            raise RegistryError(f"registry URL {url!r} names no file; use {ACCEPTED}")
        # sqlite:///rel/db is relative to the working directory; sqlite:////abs/db is absolute.
        return LocalRegistry(Path(path).expanduser(), read_only=read_only)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (validates the port: a ValueError for a bad one)
    except ValueError:
        raise RegistryError(f"registry URL {url!r} is not a valid URL") from None
    if "@" in parts.netloc:  # never echo what may be a password
        raise RegistryError("credentials in the registry URL are not accepted; use the environment")
    if parts.scheme in ("http", "https") and parts.netloc:
        # Imported here so `validate` never pays for importing requests.
        from validator.registry.auth import auth_from_env
        from validator.registry.modelarts import ModelArtsRegistry

        endpoint = url.rstrip("/")
        if match := _PROJECT_PATH.match(endpoint):
            endpoint = match["base"]
            project_id = project_id or match["project"]
        project_id = project_id or env.get("MODELARTS_PROJECT_ID") or None
        if not project_id:
            raise RegistryError(
                f"no project id for {endpoint}: pass it, set MODELARTS_PROJECT_ID, or end the"
                " URL with /v1/<project_id>"
            )
        from validator.registry.showcache import cache_path

        cache = cache_path(root, endpoint, project_id) if root is not None else None
        return ModelArtsRegistry(endpoint, project_id, auth_from_env(env, project_id), cache=cache)
    raise RegistryError(f"unsupported registry URL {url!r}; use {ACCEPTED}")
