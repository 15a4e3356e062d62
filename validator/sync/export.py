"""Registry -> files: `models/<name>/<version>.yaml` (+ config.json) for what a registry holds.

Written with ruamel.yaml in the style of the repository's own files, so a team
adopting the tool starts from files that validate and plan with no changes.
A config shared by every version of a model is written once, as `config.json`.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from validator.check.rules.identity import version_problem
from validator.paths import resolved
from validator.registry.base import ModelSpec, RegistryModel

NAME = re.compile(r"[A-Za-z0-9_\u3400-\u4dbf\u4e00-\u9fff-]{1,64}")
SCHEMA_FILE = "schemas/model-import.schema.json"
DEPLOYMENT_TYPES = ("real-time", "batch")  # what a model import file can declare


def schema_header(folder: Path) -> str:
    """The editor's `$schema` comment for files in `folder/<name>/`, when the repository
    holding `folder` has the schema (searched upwards); otherwise no comment at all."""
    start = resolved(folder)
    for parent in (start, *start.parents):
        if (parent / SCHEMA_FILE).is_file():
            relative = os.path.relpath(parent / SCHEMA_FILE, start / "name")
            return f"# yaml-language-server: $schema={Path(relative).as_posix()}\n"
        if (parent / ".git").exists():
            return ""  # the repository's top: it has no schemas/ folder
    return ""


def _yaml(document: Mapping[str, Any], header: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def flow(items: Sequence[str]) -> CommentedSeq:
        seq = CommentedSeq(items)
        seq.fa.set_flow_style()
        return seq

    def styled(key: str, value: Any) -> Any:
        if key == "version":
            return DoubleQuotedScalarString(value)
        if key in ("labels", "deployment_types"):
            return flow(value)
        if key == "docs":
            return [CommentedMap(d) for d in value]
        return CommentedMap(value) if isinstance(value, dict) else value

    out = CommentedMap((key, styled(key, value)) for key, value in document.items())
    writer = YAML()
    writer.indent(mapping=2, sequence=4, offset=2)
    writer.width = 4096
    buffer = io.StringIO()
    writer.dump(out, buffer)
    return header + buffer.getvalue()


def _config(spec: ModelSpec) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(spec.initial_config or "{}")
    return loaded


def _document(spec: ModelSpec, config_path: str) -> dict[str, Any]:
    document: dict[str, Any] = {"name": spec.name, "version": spec.version}
    if spec.description:
        document["description"] = spec.description
    document["source"] = {"image": spec.source_location, "copy": spec.source_copy}
    document["deployment_types"] = list(spec.install_type)
    document["config"] = config_path
    if spec.model_docs:
        document["docs"] = [{"name": n, "url": u} for n, u in spec.model_docs]
    if spec.workspace_id and spec.workspace_id != "0":
        document["workspace_id"] = spec.workspace_id
    return document


def unsafe(model: RegistryModel) -> str | None:
    """Why a registry model cannot become `<name>/<version>.yaml` faithfully, or None.

    Names and versions come from the registry: only ones that pass the import rules are
    used as path parts, so nothing can be written outside the output folder. A model whose
    configuration the registry did not return, or that a file cannot declare, is skipped
    rather than written as a file that would plan as a change.
    """
    spec = model.spec
    if not NAME.fullmatch(spec.name):
        return f"name {spec.name!r} is not a valid model name"
    if version_problem(spec.version) is not None:
        return f"version {spec.version!r} of {spec.name} is not D.D.D"
    where = f"{spec.name} {spec.version}"
    if "initial_config" in model.unknown or not spec.initial_config:
        return f"{where}: the registry's answer has no configuration (`config`)"
    if not isinstance(json.loads(spec.initial_config), dict):
        return f"{where}: the registry's configuration is not a JSON object"
    other = [t for t in spec.install_type if t not in DEPLOYMENT_TYPES]
    if other:
        return f"{where}: deployment type {', '.join(other)} cannot be declared in a file"
    if "source_location" in model.unknown:
        return f"{where}: the registry's answer has no image (`source_location`)"
    return None


def export_files(models: Sequence[RegistryModel], header: str = "") -> dict[str, str]:
    """Relative path -> file content, for every model version that can be written faithfully."""
    by_name: dict[str, list[ModelSpec]] = {}
    for model in models:
        if unsafe(model) is None:
            by_name.setdefault(model.spec.name, []).append(model.spec)
    files: dict[str, str] = {}
    for name, specs in sorted(by_name.items()):
        configs = {json.dumps(_config(s), sort_keys=True) for s in specs}
        shared = len(configs) == 1
        for spec in sorted(specs, key=lambda s: s.version):
            config_file = "config.json" if shared else f"config-{spec.version}.json"
            files[f"{name}/{config_file}"] = json.dumps(_config(spec), indent=2) + "\n"
            files[f"{name}/{spec.version}.yaml"] = _yaml(_document(spec, config_file), header)
    return files


def write_files(folder: Path, files: Mapping[str, str]) -> None:
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
