"""Constants and small helpers shared by the registry tests (fixtures are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from validator.registry.base import ModelSpec, Registry
from validator.registry.modelarts import ModelArtsRegistry
from validator.server.api import ServerConfig
from validator.server.serving import RunningServer

# Recognisable fakes, so a leak is easy to spot in any output.
TOKEN = "tok-SECRET-4f1d2c"
AK = "AKTESTFAKE0001"
SK = "sk-SECRET-9a8b7c"
PASSWORD = "pw-SECRET-5e6f"
USERNAME = "robot"
DOMAIN = "acme"
PROJECT = "proj0123"
SECRETS = (TOKEN, SK, PASSWORD)


def nested(depth: int) -> str:
    """A JSON object `depth` levels deep: {"a": {"a": ... {} ...}}."""
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def spec(name: str = "resnet", version: str = "1.0.0", **fields: Any) -> ModelSpec:
    fields.setdefault("source_location", f"swr/acme/{name}:v1")
    return ModelSpec(name=name, version=version, **fields)


def config(**overrides: Any) -> ServerConfig:
    base: dict[str, Any] = {
        "token": TOKEN,
        "project_id": PROJECT,
        "ak": AK,
        "sk": SK,
        "username": USERNAME,
        "password": PASSWORD,
        "domain": DOMAIN,
        "publish_delay": 0.05,
    }
    return ServerConfig(**{**base, **overrides})


@dataclass
class Backend:
    kind: str
    registry: Registry
    mark_in_use: Callable[[str], None]


# make_server(**config overrides) and make_client(server, auth=None, **options), see conftest.
ServerFactory = Callable[..., RunningServer]
ClientFactory = Callable[..., ModelArtsRegistry]
