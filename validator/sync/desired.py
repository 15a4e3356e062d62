"""The desired state: what each model import file asks the registry to hold.

Only fields the ModelArts create API stores are compared and sent. `labels` and
`min_inference_specs` have no CreateModel field: they are checked, not synced.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator.check.subject import Spec
from validator.errors import Exit, UserError
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


@dataclass(frozen=True, slots=True)
class Declared:
    """What one import file declares, made while its documents are at hand (by the gate's
    workers, see `declare`): its CreateModel content, None when it does not say (such a
    file has error-level findings, or the state refuses it), and its shown path."""

    spec: ModelSpec | None
    path: str


# A shared config file's canonical JSON, made once per process for all its users; the
# config's data is held beside it, so that its id is not reused while the text is cached.
_texts: dict[Path, tuple[object, str]] = {}


def declare(spec: Spec) -> Declared:
    """The CreateModel content of `spec`, whatever the file holds: what cannot be read
    becomes None, and a desired state with a None refuses (`desired_state`)."""
    config = spec.config_data if spec.config is not None else None
    text = None
    if config and spec.config_file is not None:
        held = _texts.get(spec.config_file)
        if held is None or held[0] is not config:
            held = _texts[spec.config_file] = (config, canonical_json(config))
        text = held[1]
    try:
        wanted: ModelSpec | None = model_spec(spec.data, config, text)
    except (KeyError, TypeError, AttributeError, ValueError):
        wanted = None
    return Declared(wanted, spec.document.path)


def desired_state(declared: Iterable[Declared], commit: str | None) -> dict[Key, Desired]:
    """The desired state by (name, version); the first file declaring a version wins (the
    gate refuses a second one, MA601). An import whose content could not be read refuses
    the whole state: it is never left out of it, where `--prune` would delete its model."""
    state: dict[Key, Desired] = {}
    for item in declared:
        if item.spec is None:
            raise UserError(
                f"{item.path}: cannot read what this file declares; plan and sync refuse"
                " a desired state without it",
                Exit.FINDINGS,
            )
        provenance = Provenance(commit=commit, path=item.path)
        state.setdefault(item.spec.key, Desired(item.spec, provenance))
    return state
