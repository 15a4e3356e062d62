"""MA6xx: repository-wide rules — across files, and against the base branch (`--base REF`).

These rules see every import under the models folder, even when only some files
are checked (as in a pre-commit hook), and report what concerns the checked ones.
A model version is immutable once published: ModelArts has no update, so an
edited file for a published version silently diverges from what is deployed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from typing import Any

from validator.check.registry import rule
from validator.check.subject import Repository, Spec
from validator.diagnostics import DataPath, Finding, Severity, dotted
from validator.load.document import Document, Position

Key = tuple[str, str]
DEFAULTS: Mapping[DataPath, Any] = {("source", "copy"): True}
UNORDERED = ("labels", "deployment_types")


def identity(spec: Spec) -> Key | None:
    name, version = spec.data.get("name"), spec.data.get("version")
    return (name, version) if isinstance(name, str) and isinstance(version, str) else None


def version_tuple(version: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return ()


@rule("MA601", "a name and version are declared by one file only", scope="repository")
def duplicate_versions(repo: Repository) -> Iterator[Finding]:
    """
    Two files declaring the same model name and version would both be
    imported as one ModelArts model (ModelArts.3002 for the second). Both
    places are reported.
    """
    owners: dict[Key, list[Spec]] = {}
    for spec in repo.specs:
        key = identity(spec)
        if key is not None:
            owners.setdefault(key, []).append(spec)
    for (name, version), specs in owners.items():
        if len(specs) < 2 or not any(repo.is_target(s) for s in specs):
            continue
        for spec in specs:
            others = ", ".join(o.document.path for o in specs if o is not spec)
            message = f"{name} {version} is also declared in {others}"
            yield Finding(
                ("version",), message, "give one of them another version", document=spec.document
            )


def meaning(data: Mapping[str, Any], config: Mapping[str, Any] | None) -> dict[str, Any]:
    """What an import means: the config resolved to its content, defaults filled, order ignored."""
    out = {k: v for k, v in data.items() if k != "config"}
    out["config"] = dict(config) if config is not None else data.get("config")
    source = out.get("source")
    if isinstance(source, dict):
        out["source"] = {**source, "copy": source.get("copy", DEFAULTS[("source", "copy")])}
    for key in UNORDERED:
        if isinstance(out.get(key), list):
            out[key] = sorted(out[key], key=repr)
    return out


def first_difference(a: Any, b: Any, path: DataPath = ()) -> DataPath | None:
    """The deepest path at which two values differ, or None when they are equal."""
    if a == b:
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), (*path, key)) if key in a else path
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            if x != y:
                return first_difference(x, y, (*path, index))
    return path


def next_version(versions: list[str]) -> str:
    highest = max(
        (version_tuple(v) for v in versions if len(version_tuple(v)) == 3), default=(0, 0, 0)
    )
    major, minor, patch = highest
    return f"{major}.{minor}.{patch + 1}" if patch < 99 else f"{major}.{minor + 1}.0"


@rule("MA602", "a version that exists on the base branch is unchanged", scope="repository")
def immutable_versions(repo: Repository) -> Iterator[Finding]:
    """
    With `--base REF`, a model version that already exists at REF must mean
    exactly the same: any field, or the content of the config file it uses.
    Formatting, comments and key order are not changes. Publish a new version
    instead; `sync` would otherwise leave the registry with the old content.
    """
    if repo.base is None:
        return
    for spec in repo.specs:
        key = identity(spec)
        before = repo.base.imports.get(key) if key else None
        if key is None or before is None or not repo.is_target(spec):
            continue
        now = meaning(spec.data, spec.config_data if spec.config is not None else None)
        path = first_difference(now, meaning(before.data, before.config))
        if path is None:
            continue
        versions = [v for (n, v) in repo.base.imports if n == key[0]] + [key[1]]
        fix = next_version(versions)
        document, where = _point(spec, path)
        message = (
            f"`{dotted(path)}` of {key[0]} {key[1]} differs from {repo.base.ref}; "
            f"published versions are immutable: publish {fix} instead"
        )
        new_file = f"{repo.settings.models_dir}/{key[0]}/{fix}.yaml"
        yield Finding(where, message, f"revert this change and add {new_file}", document=document)


def _point(spec: Spec, path: DataPath) -> tuple[Document, DataPath]:
    """Where a difference is shown: inside the config document when it is in the config."""
    if path[:1] == ("config",) and spec.config is not None:
        return spec.config, path[1:]
    return spec.document, path


@rule("MA603", "no version of the base branch is removed", Severity.WARNING, scope="repository")
def removed_versions(repo: Repository) -> Iterator[Finding]:
    """
    With `--base REF`, a version present at REF and gone now is still in the
    registry. The name stays owned (the git history declares it), so
    `plan --prune` deletes that version — unless a service uses it, which
    keeps it, or `protect:` names it. Without `--prune` it is kept.
    """
    if repo.base is None:
        return
    present = {identity(s) for s in repo.specs}
    names = {key[0] for key in present if key is not None}
    for key, before in sorted(repo.base.imports.items()):
        if key not in present:
            gone = Document(before.path, {}, {(): Position(1, 1)})
            yield Finding((), _removal(key, repo, key[0] in names), document=gone)


def _removal(key: Key, repo: Repository, declared: bool) -> str:
    """What `plan --prune` does with a removed version, exactly."""
    name, version = key
    assert repo.base is not None
    removed = f"{name} {version} was removed since {repo.base.ref}"
    pattern = next((p for p in repo.settings.protect if fnmatch.fnmatchcase(name, p)), None)
    if pattern is not None:
        return f"{removed}; `plan --prune` keeps it in the registry: `protect: {pattern}` names it"
    owner = "" if declared else " (the name stays owned: the git history declares it)"
    return (
        f"{removed}; `plan --prune` deletes it from the registry{owner}, unless a service uses"
        " it; without --prune it is kept"
    )


@rule(
    "MA604", "a new version is higher than the published ones", Severity.WARNING, scope="repository"
)
def lower_new_version(repo: Repository) -> Iterator[Finding]:
    """
    With `--base REF`, a version that is new in this change but lower than the
    highest version of the same model at REF is probably a typo, and sorts
    confusingly in the ModelArts console.
    """
    if repo.base is None:
        return
    highest: dict[str, tuple[int, ...]] = {}
    for name, version in repo.base.imports:
        highest[name] = max(highest.get(name, ()), version_tuple(version))
    for spec in repo.specs:
        key = identity(spec)
        if key is None or key in repo.base.imports or not repo.is_target(spec):
            continue
        top = highest.get(key[0])
        if top and version_tuple(key[1]) and version_tuple(key[1]) < top:
            shown = ".".join(map(str, top))
            yield Finding(
                ("version",),
                f"new version {key[1]} is lower than {shown}, already published",
                document=spec.document,
            )
