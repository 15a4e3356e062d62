"""Manifests and image configs, read into the small summaries the cache keeps.

An index becomes its platform manifests, an image manifest its config digest and the sum
of its layer sizes, an image config its platform, exposed ports and command. Anything
malformed is a `CheckFailed` (MA312), never an exception escaping the check.
"""

from __future__ import annotations

import re
from typing import Any

from validator import jsontext
from validator.images.client import CheckFailed

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
ACCEPT = (OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST)
DIGEST = re.compile(r"(sha256|sha384|sha512):[0-9a-f]{64,128}")


def summarize(body: bytes, content_type: str, where: str) -> dict[str, Any]:
    """An index as `{"index": [[digest, "os/arch"], ...]}`, an image as `{"config", "size"}`."""
    data = _json(body, f"the manifest of {where}")
    media_type = data.get("mediaType") or content_type.split(";", maxsplit=1)[0].strip()
    if media_type in (OCI_INDEX, DOCKER_LIST) or "manifests" in data:
        children = []
        for item in _list(data.get("manifests"), where):
            platform = _mapping(item.get("platform"))
            children.append([_digest(item.get("digest"), where), _platform(platform)])
        return {"index": children}
    config = data.get("config")
    if isinstance(config, dict) and isinstance(data.get("layers"), list):
        sizes = [layer.get("size") for layer in _list(data["layers"], where)]
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes):
            raise CheckFailed(f"the manifest of {where} has a layer without a valid size")
        return {"config": _digest(config.get("digest"), where), "size": sum(sizes)}
    raise CheckFailed(f"the manifest of {where} is of an unsupported type ({media_type or 'none'})")


def summarize_config(body: bytes, where: str) -> dict[str, Any]:
    data = _json(body, f"the image config of {where}")
    config = _mapping(data.get("config"))
    ports = _mapping(config.get("ExposedPorts"))
    command = [
        str(part)
        for field in ("Entrypoint", "Cmd")
        if isinstance(config.get(field), list)
        for part in config[field]
    ]
    return {"platform": _platform(data), "ports": sorted(map(str, ports)), "command": command}


def _platform(data: dict[str, Any]) -> str:
    return f"{data.get('os') or 'unknown'}/{data.get('architecture') or 'unknown'}"


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _json(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = jsontext.loads(body)
    except ValueError:
        raise CheckFailed(f"{what} is not JSON") from None
    if not isinstance(data, dict):
        raise CheckFailed(f"{what} is not a JSON object")
    return data


def _list(value: object, where: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CheckFailed(f"the manifest of {where} is malformed")
    return value


def _digest(value: object, where: str) -> str:
    if not isinstance(value, str) or not DIGEST.fullmatch(value):
        raise CheckFailed(f"the manifest of {where} names an invalid digest")
    return value
