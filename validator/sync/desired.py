"""The desired state: what each model import file asks the registry to hold.

Only fields the ModelArts create API stores are compared and sent. `labels` and
`min_inference_specs` have no CreateModel field: they are checked, not synced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from validator.check.subject import Spec
from validator.registry.base import ModelSpec, Provenance, canonical_json

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Desired:
    spec: ModelSpec
    provenance: Provenance


def model_spec(
    data: Mapping[str, Any], config: Mapping[str, Any] | None, config_text: str | None = None
) -> ModelSpec:
    """The CreateModel content of one validated import (`config_text`: the config's
    canonical JSON when the caller has it already)."""
    source = data.get("source") or {}
    docs = tuple((d["name"], d["url"]) for d in data.get("docs", ()))
    config = config or {}
    return ModelSpec(
        name=data["name"],
        version=data["version"],
        source_location=source["image"],
        source_copy=bool(source.get("copy", True)),
        model_type=str(config.get("model_type", "Image")),
        install_type=tuple(data.get("deployment_types", ("real-time", "batch"))),
        description=data.get("description"),
        model_docs=docs,
        model_algorithm=config.get("model_algorithm"),
        initial_config=(config_text or canonical_json(config)) if config else None,
        workspace_id=data.get("workspace_id"),
    )


def desired_state(specs: Iterable[Spec], commit: str | None) -> dict[Key, Desired]:
    state: dict[Key, Desired] = {}
    texts: dict[int, str] = {}  # config data -> its canonical JSON: once per shared config
    for spec in specs:
        config = spec.config_data if spec.config is not None else None
        text = None
        if config:
            text = texts.get(id(config)) or texts.setdefault(id(config), canonical_json(config))
        wanted = model_spec(spec.data, config, text)
        provenance = Provenance(commit=commit, path=spec.document.path)
        state.setdefault(wanted.key, Desired(wanted, provenance))
    return state
