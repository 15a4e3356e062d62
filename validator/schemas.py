"""The JSON Schemas in `schemas/`, found inside the installed wheel or beside the source tree."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMAS = {
    "import": "model-import.schema.json",
    "config": "model-config.schema.json",
    "settings": "tool-config.schema.json",
}


def schema_dir() -> Path:
    # The package is a plain folder (a wheel's or a source tree's), so its files are beside
    # this one: `importlib.resources` would cost a pre-commit run 3 ms of imports to say so.
    packaged = Path(__file__).parent / "schemas"
    if packaged.is_dir():
        return packaged
    # An editable install or a source checkout: the repository's own schemas/.
    return Path(__file__).resolve().parent.parent / "schemas"


def schema_text(name: str) -> str:
    return (schema_dir() / SCHEMAS[name]).read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text(name))
    return schema
