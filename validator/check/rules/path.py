"""MA207: the file's path agrees with its content, `models/<name>/<version>.yaml`.

Part of the MA2xx identity family; its hints read the models folder, to name a free version.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from validator.check.registry import rule
from validator.check.rules.identity import name_text, version_problem
from validator.check.subject import Spec
from validator.diagnostics import Finding, Severity
from validator.load.folders import SUFFIXES


@rule("MA207", "the file is models/<name>/<version>.yaml", Severity.WARNING)
def path_agrees(spec: Spec) -> Iterator[Finding]:
    """
    By convention an import lives in `models/<name>/<version>.yaml`, so a
    reviewer can see which model a change touches from the file list alone.
    A file in the models folder whose folder or file name disagrees with its
    content is misleading. Files outside the models folder are not checked.
    When the file the convention names exists already (a copied file whose
    version was not changed), the hint is the next free version.
    """
    name, version = spec.data.get("name"), spec.data.get("version")
    if not isinstance(name, str) or not isinstance(version, str) or version_problem(version):
        return  # MA201/MA202 report a malformed name or version
    if not name or len(name) > 64 or not name_text(name):
        return  # MA201 reports it; a path made of a bad name would be bad too
    if _in_place(spec, name, version):
        return  # the common case, decided on text
    models = spec.settings.root / spec.settings.models_dir  # the root is already resolved
    file = Path(os.path.abspath(spec.file))
    if not file.is_relative_to(models):
        return
    folder = f"{spec.settings.models_dir}/{name}"
    if file.parent.name != name or file.parent.parent != models:
        taken = _taken(models / name, file)  # listed only for a file that is misplaced
        hint = f"move the file to {folder}/{version}{file.suffix}"
        if version in taken:
            free = next_free_version(taken)
            hint = f'move the file to {folder}/{free}{file.suffix} and set version: "{free}"'
        yield Finding(
            ("name",), f"name `{name}` does not match the folder `{file.parent.name}`", hint
        )
    elif file.stem != version:
        taken = _taken(models / name, file)
        if version not in taken:
            hint = f"rename it to {folder}/{version}{file.suffix}"
        elif version_problem(file.stem) is None and file.stem not in taken:
            hint = f'version: "{file.stem}"'  # a copy renamed, its content not yet changed
        else:
            free = next_free_version(taken)
            hint = f'rename it to {folder}/{free}{file.suffix} and set version: "{free}"'
        yield Finding(
            ("version",), f"version `{version}` does not match the file name `{file.name}`", hint
        )


def _in_place(spec: Spec, name: str, version: str) -> bool:
    """True when the file is `<models>/<name>/<version>.yaml` (or `.yml`) exactly."""
    settings = spec.settings
    where = (str(settings.root), settings.models_dir)
    models = _MODELS.get(where)
    if models is None:
        models = _MODELS[where] = str(settings.root / settings.models_dir) + "/"
    file = os.path.abspath(spec.file)
    if not file.startswith(models):
        return False
    folder, slash, base = file[len(models) :].partition("/")
    return bool(slash) and folder == name and base in (f"{version}.yaml", f"{version}.yml")


_MODELS: dict[tuple[str, str], str] = {}  # (root, models folder) -> the models path, with "/"


def _taken(folder: Path, file: Path) -> set[str]:
    """The versions other files in `folder` are named after (`1.0.0.yaml` takes 1.0.0)."""
    try:
        names = [p for p in folder.iterdir() if p.suffix in SUFFIXES and p != file]
    except OSError:
        return set()
    return {p.stem for p in names if version_problem(p.stem) is None}


def next_free_version(taken: set[str]) -> str:
    """One patch above the highest taken version (a part at 99 carries into the next one)."""
    parts = max((tuple(int(n) for n in v.split(".")) for v in taken), default=(0, 0, 0))
    major, minor, patch = parts
    if patch < 99:
        return f"{major}.{minor}.{patch + 1}"
    return f"{major}.{minor + 1}.0" if minor < 99 else f"{major + 1}.0.0"
