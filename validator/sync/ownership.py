"""Which model names this repository owns: declared now, declared in history, or `owns:`.

A name that disappears from the working tree (the model was removed, or renamed with
`name:`) is still owned while a commit reachable from HEAD declared it, so
`plan --prune` deletes its versions instead of orphaning them. The history is read
with GitPython: one `git log --raw` over the models folder lists every blob that
was ever an import there, and only blobs not seen before are read (a cache under
`.modelarts-gitops/cache/` maps blob ids to the name they declare; a blob never
changes). A shallow clone cannot know what its missing history declared: it says
so, and ownership falls back to the declared names and `owns:`. It never guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator.load.folders import SUFFIXES
from validator.load.yaml_file import load_yaml
from validator.state import cache_file, read_json_cache, write_json_cache

CACHE = "history-names.json"
CACHE_VERSION = "1"
NO_BLOB = "0" * 40
MAX_BLOB = 1 << 20


@dataclass(frozen=True, slots=True)
class History:
    """Names declared by commits reachable from HEAD, or why they cannot be known."""

    names: frozenset[str] = frozenset()
    unknown: str | None = None  # set when history-owned names are unknown, saying why


def _blobs(repo: Any, models_dir: str) -> Iterator[str]:
    """Every blob id an import under `models_dir` had in any commit reachable from HEAD."""
    # -m: merges too (a name may be declared only in a conflict resolution).
    out = repo.git.log(
        "--format=", "--raw", "--no-renames", "--no-abbrev", "-m", "HEAD", "--", models_dir
    )
    for line in out.splitlines():
        if not line.startswith(":"):
            continue
        meta, _, path = line.partition("\t")
        if not path.lower().endswith(SUFFIXES):
            continue
        fields = meta.split()
        for blob in (fields[2], fields[3]):
            if blob != NO_BLOB:
                yield blob


# A top-level `name:` whose value can only be a valid model name, plain or quoted. Anything
# else (or a second match) is parsed in full: this is a shortcut, never a guess.
_NAME = re.compile(
    r"""^name:[ \t]+(["']?)([A-Za-z0-9_\u3400-\u4dbf\u4e00-\u9fff-]{1,64})\1[ \t]*(?:#.*)?\r?$""",
    re.MULTILINE,
)


def declared_name(raw: bytes) -> str:
    """The `name:` a file declares, or "" when it declares none (or does not parse)."""
    found = _NAME.findall(raw.decode("utf-8", "replace"))
    if len(found) == 1 and b"\n---" not in raw:
        return str(found[0][1])
    document, _ = load_yaml(raw, "<history>", MAX_BLOB)
    data = document.data if document is not None else None
    name = data.get("name") if isinstance(data, dict) else None
    return name if isinstance(name, str) else ""


def read_history(root: Path, models_dir: str) -> History:
    """The names git history declares under `models_dir`; `unknown` says when it cannot tell."""
    try:
        import git
    except ImportError:  # GitPython without a git executable
        return History(unknown="git is not installed")
    try:
        repo = git.Repo(root)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return History(unknown=f"{root.name} is not a git repository")
    try:
        if repo.git.rev_parse("--is-shallow-repository") == "true":
            return History(unknown="this clone is shallow (fetch the full history: fetch-depth: 0)")
        try:
            repo.head.commit  # noqa: B018  (raises ValueError before the first commit)
        except ValueError:
            return History()
        return History(frozenset(_names(repo, root, models_dir)))
    except git.GitCommandError as error:
        return History(unknown=f"git cannot read the history ({error.status})")
    finally:
        repo.close()


def _names(repo: Any, root: Path, models_dir: str) -> set[str]:
    path = cache_file(root, CACHE)
    known = read_json_cache(path, CACHE_VERSION)
    fresh = False
    names: set[str] = set()
    for blob in dict.fromkeys(_blobs(repo, models_dir)):
        name = known.get(blob)
        if not isinstance(name, str):
            stream = repo.odb.stream(bytes.fromhex(blob))
            name = declared_name(stream.read(MAX_BLOB + 1)) if stream.size <= MAX_BLOB else ""
            known[blob], fresh = name, True
        if name:
            names.add(name)
    if fresh:
        write_json_cache(path, CACHE_VERSION, known)
    return names
