"""Registry answers, checked at the edge: ListModels pages, ShowModel bodies, delete results.

Whatever a server sends, the HTTP backend either gets values of the expected shape or one
`MalformedAnswer` line naming the field. Values are read as the API reference documents
them (`config` and `apis` are JSON strings in ShowModel, `install_type` may say `realtime`),
and a field that is missing or empty is *unknown*, not a difference: `RegistryModel.unknown`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from validator import jsontext
from validator.registry.base import (
    ModelSpec,
    RegistryError,
    RegistryModel,
    Status,
    canonical_json,
)

# Keys ModelArts adds to the stored configuration (ShowModel `config`); never the user's.
ADDED_CONFIG_KEYS = frozenset({"model_source", "tunable", "downloadable_flag"})
# The ShowModel example answers `realtime` where create takes `real-time`.
INSTALL_SPELLINGS = {"realtime": "real-time", "real_time": "real-time"}


class MalformedAnswer(RegistryError):
    """A registry answer whose shape is not the documented one."""


@dataclass(frozen=True, slots=True)
class Item:
    """One ListModels item: enough to pick the models whose details are needed."""

    model_id: str
    name: str
    version: str
    status: Status | None  # the reference's own list example carries no status


def _fail(where: str, name: str, problem: str) -> MalformedAnswer:
    return MalformedAnswer(f"{where}: malformed registry answer: `{name}` {problem}")


def _text(data: Mapping[str, Any], key: str, where: str, prefix: str = "") -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise _fail(where, prefix + key, f"is {type(value).__name__}, not a string")


def _required(data: Mapping[str, Any], key: str, where: str, prefix: str = "") -> str:
    value = _text(data, key, where, prefix)
    if value is None:
        raise _fail(where, prefix + key, "is missing")
    return value


def _status(data: Mapping[str, Any], where: str, prefix: str = "") -> Status | None:
    value = _text(data, "model_status", where, prefix)
    if value is None:
        return None
    try:
        return Status(value.lower())  # older API versions capitalise statuses
    except ValueError:
        raise _fail(where, prefix + "model_status", f"is an unknown status {value!r}") from None


def _count(data: Mapping[str, Any], key: str, where: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, key, "is not a whole number of at least 0")
    return value


def page(data: object, where: str) -> tuple[list[Item], int | None]:
    """A ListModels answer: its items and `total_count` (None when the answer has none)."""
    if not isinstance(data, dict):
        raise MalformedAnswer(f"{where}: malformed registry answer: not a JSON object")
    models = data.get("models")
    if not isinstance(models, list):
        raise _fail(where, "models", "is missing or not a list")
    items = []
    for index, item in enumerate(models):
        at = f"models[{index}]."
        if not isinstance(item, dict):
            raise _fail(where, at[:-1], "is not an object")
        items.append(
            Item(
                model_id=_required(item, "model_id", where, at),
                name=_required(item, "model_name", where, at),
                version=_required(item, "model_version", where, at),
                status=_status(item, where, at),
            )
        )
    _count(data, "count", where)
    return items, _count(data, "total_count", where)


def _json_text(data: Mapping[str, Any], key: str, where: str) -> Any:
    """A field documented as a JSON string; an object or list as such is taken too."""
    value = data.get(key)
    if isinstance(value, str) and value.strip():
        try:
            return jsontext.loads(value)
        except jsontext.TooDeep as error:
            raise _fail(where, key, f"is JSON {error}") from None
        except ValueError:
            raise _fail(where, key, "is not a JSON string") from None
    if value is None or isinstance(value, str | dict | list):
        return value or None
    raise _fail(where, key, f"is {type(value).__name__}, not a JSON string")


def config(data: Mapping[str, Any], where: str, canonical: bool = False) -> str | None:
    """ShowModel `config` as ModelSpec holds it: canonical JSON without ModelArts' own keys.

    Older servers (and this project's before it read the reference) sent `initial_config`.
    With `canonical`, a text `config` is that already (the ShowModel cache stores it so).
    """
    if canonical and isinstance(data.get("config"), str):
        return str(data["config"]) or None
    key = "config" if data.get("config") not in (None, "") else "initial_config"
    value = _json_text(data, key, where)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _fail(where, key, "is not a JSON object")
    kept = {k: v for k, v in value.items() if k not in ADDED_CONFIG_KEYS}
    return canonical_json(kept) if kept else None


def install_types(data: Mapping[str, Any], where: str) -> tuple[str, ...] | None:
    value = data.get("install_type")
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, "install_type", "is not a list of strings")
    return tuple(INSTALL_SPELLINGS.get(v.lower(), v.lower()) for v in value)


def _copy(data: Mapping[str, Any], where: str) -> bool:
    value = data.get("source_copy")
    if value is None or value == "":
        return True  # the documented default
    text = str(value).lower()
    if text not in ("true", "false"):
        raise _fail(where, "source_copy", 'is not "true" or "false"')
    return text == "true"


def _docs(data: Mapping[str, Any], where: str) -> tuple[tuple[str, str], ...] | None:
    docs = _objects(data, "model_docs", where)
    if not docs:
        return None
    return tuple(
        (_required(doc, "doc_name", where, at), _required(doc, "doc_url", where, at))
        for at, doc in docs
    )


def _objects(data: Mapping[str, Any], key: str, where: str) -> list[tuple[str, dict[str, Any]]]:
    """The objects of the list `key` (absent: none), each with its place (`key[i].`)."""
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise _fail(where, key, "is not a list")
    out = []
    for index, item in enumerate(items):
        at = f"{key}[{index}]."
        if not isinstance(item, dict):
            raise _fail(where, at[:-1], "is not an object")
        out.append((at, item))
    return out


def _created(data: Mapping[str, Any], where: str) -> float:
    value = data.get("create_at")
    if value is None:
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(where, "create_at", "is not a number of milliseconds")
    return max(float(value), 0.0) / 1000.0  # the API sends milliseconds


def show(data: object, where: str, cached: bool = False) -> RegistryModel:
    """A ShowModel answer as a RegistryModel; `in_use` is not in the API (a delete tells).

    `cached`: an answer as the ShowModel cache keeps it, `config` canonical and `apis` gone.
    """
    if not isinstance(data, dict):
        raise MalformedAnswer(f"{where}: malformed registry answer: not a JSON object")
    unknown: set[str] = set()

    def known(field: str, value: Any, default: Any) -> Any:
        if value is None:
            unknown.add(field)
            return default
        return value

    workspace = _text(data, "workspace_id", where)
    _json_text(data, "apis", where)  # checked: it must at least be what the reference says
    spec = ModelSpec(
        name=_required(data, "model_name", where),
        version=_required(data, "model_version", where),
        source_location=known("source_location", _text(data, "source_location", where), ""),
        source_copy=_copy(data, where),
        model_type=known("model_type", _text(data, "model_type", where), "Image"),
        install_type=known("install_type", install_types(data, where), ("real-time", "batch")),
        description=known("description", _text(data, "description", where), None),
        model_docs=known("model_docs", _docs(data, where), ()),
        model_algorithm=known("model_algorithm", _text(data, "model_algorithm", where), None),
        initial_config=known("initial_config", config(data, where, cached), None),
        workspace_id=None if workspace in (None, "0") else workspace,
    )
    status = _status(data, where)
    if status is None:
        raise _fail(where, "model_status", "is missing")
    return RegistryModel(
        model_id=_required(data, "model_id", where),
        spec=spec,
        status=status,
        created_at=_created(data, where),
        unknown=frozenset(unknown),
    )


def delete_failures(data: object, where: str) -> list[tuple[str | None, str]]:
    """The refusals in a DeleteModel answer (a 200 can carry them): (error_code, error_msg)."""
    if data is None:
        return []
    if not isinstance(data, dict):
        raise MalformedAnswer(f"{where}: malformed registry answer: not a JSON object")
    out = [
        (_text(entry, "error_code", where, at), _text(entry, "error_msg", where, at))
        for at, entry in _objects(data, "delete_failed_list", where)
    ]
    return [(code, msg or "") for code, msg in out]
