"""Registry credentials: the Docker config's `auths`, and SWR's long-term login from AK/SK.

Values are held in a `Credential` whose repr hides them; nothing here prints or logs them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from validator import jsontext
from validator.errors import UserError
from validator.registry.scrub import remember

SWR_HOST = re.compile(r"swr\.(?P<region>[a-z0-9-]+)\.(?:otc\.t-systems\.com|myhuaweicloud\.com)")


@dataclass(frozen=True, slots=True)
class Credential:
    username: str
    password: str = field(repr=False)
    source: str  # where it came from, for messages: "docker config", "MODELARTS_AK/SK"

    def __post_init__(self) -> None:
        remember(self.password)  # and its Basic form: neither may reach any output
        remember(base64.b64encode(f"{self.username}:{self.password}".encode()).decode())


def docker_config_path(env: Mapping[str, str]) -> Path:
    folder = env.get("DOCKER_CONFIG")
    if folder:
        return Path(folder) / "config.json"
    home = env.get("HOME")
    return (Path(home) if home else Path.home()) / ".docker" / "config.json"


def registry_key(server: str) -> str:
    """`https://index.docker.io/v1/` -> `index.docker.io`; `swr.eu-de...` stays as it is."""
    text = server.strip()
    text = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", text)
    return text.split("/", 1)[0].lower()


def docker_auths(env: Mapping[str, str]) -> dict[str, Credential]:
    """The `auths` of the Docker config, by registry host; an absent file gives none."""
    path = docker_config_path(env)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise UserError(f"cannot read the Docker config {path}: {error.strerror}") from None
    try:
        data = jsontext.loads(raw)
    except ValueError:
        raise UserError(f"the Docker config {path} is not valid JSON") from None
    auths = data.get("auths") if isinstance(data, dict) else None
    found: dict[str, Credential] = {}
    for server, entry in (auths if isinstance(auths, dict) else {}).items():
        credential = _entry(entry)
        if credential is not None:
            found.setdefault(registry_key(str(server)), credential)
    return found


def _entry(entry: object) -> Credential | None:
    if not isinstance(entry, dict):
        return None
    encoded = entry.get("auth")
    if isinstance(encoded, str) and encoded:
        try:
            user, colon, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None  # unusable: the registry's answer will say credentials are needed
        return Credential(user, password, "docker config") if colon else None
    name, secret = entry.get("username"), entry.get("password")
    if isinstance(name, str) and isinstance(secret, str) and name:
        return Credential(name, secret, "docker config")
    return None


def swr_login(host: str, env: Mapping[str, str]) -> Credential | None:
    """SWR's long-term `docker login` derived from an access key.

    User `<regional project name>@<AK>`, password the hex HMAC-SHA256 of the AK keyed
    with the SK (SWR user guide, "Obtaining a Long-Term Docker Login Command"). The
    project name is the region from the host unless `MODELARTS_PROJECT_NAME` names one.
    """
    match = SWR_HOST.fullmatch(host)
    ak, sk = env.get("MODELARTS_AK", ""), env.get("MODELARTS_SK", "")
    if match is None or not ak or not sk:
        return None
    project = env.get("MODELARTS_PROJECT_NAME") or match["region"]
    key = hmac.new(sk.encode(), ak.encode(), hashlib.sha256).hexdigest()
    return Credential(f"{project}@{ak}", key, "MODELARTS_AK/MODELARTS_SK")


class Credentials:
    """Which credential each registry host gets: the Docker config's, else SWR's from AK/SK."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = dict(env)
        self._auths = docker_auths(env)
        self._found: dict[str, Credential | None] = {}

    def __repr__(self) -> str:
        return f"Credentials(<{len(self._auths)} hidden>)"

    def for_host(self, host: str) -> Credential | None:
        key = host.lower()
        if key not in self._found:  # an SWR login is derived (and remembered) once per host
            self._found[key] = self._auths.get(key) or swr_login(key, self._env)
        return self._found[key]
