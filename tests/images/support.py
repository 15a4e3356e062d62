"""A model repository whose imports name images on the test registries, and how to check it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import GOOD_IMPORT, Run, write

ONLINE = {"MA307", "MA308", "MA309", "MA310", "MA311", "MA312", "MA313"}
IMAGE_LINE = "  image: swr.eu-de.otc.t-systems.com/ml-team/demo@sha256:" + "a" * 64
IMAGE_AT = (5, 10)  # line and column of the value of `source.image` in `model_import`


def model_import(image: str, types: str = "[real-time]", name: str = "demo-model") -> str:
    text = GOOD_IMPORT.replace(IMAGE_LINE, f"  image: {image}")
    text = text.replace("deployment_types: [real-time]", f"deployment_types: {types}")
    return text.replace("name: demo-model", f"name: {name}")


def configure(
    root: Path, hosts: list[str], *, insecure: list[str] | None = None, **images: Any
) -> None:
    """`.modelarts-gitops.yaml` allowing the test registry hosts (and reaching them over HTTP)."""
    settings = {
        "images": {
            "registries": hosts,
            "insecure_registries": hosts if insecure is None else insecure,
            **images,
        }
    }
    write(root, ".modelarts-gitops.yaml", json.dumps(settings))


def online_findings(run: Run, *flags: str) -> tuple[int, list[dict[str, Any]], str]:
    """Validate with the online checks: exit code, the MA307-MA313 diagnostics, stderr."""
    result = run("validate", "--check-images", "--format", "json", *flags)
    report = json.loads(result.out)
    found = [d for d in report["diagnostics"] if d["rule"] in ONLINE]
    return result.code, found, result.out + result.err
