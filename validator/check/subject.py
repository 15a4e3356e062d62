"""What rules receive: one import, one config file with the imports using it, the repository."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from validator.load.document import Document
from validator.settings import Settings

if TYPE_CHECKING:  # git_base brings the YAML parser, which `rules` does not need
    from validator.load.git_base import BaseState


@dataclass(frozen=True, slots=True)
class Spec:
    """One model import file, with its resolved config (inline or from a file)."""

    document: Document
    file: Path
    settings: Settings
    config: Document | None = None
    config_file: Path | None = None

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.document.data
        return data

    @property
    def config_data(self) -> dict[str, Any]:
        return mapping(self.config)

    @property
    def image(self) -> Any:
        """`source.image` as written: None when absent, and not always text."""
        source = self.data.get("source")
        return source.get("image") if isinstance(source, dict) else None


@dataclass(frozen=True, slots=True)
class ConfigUse:
    """One config document and every import that uses it: config rules run once per file."""

    document: Document
    users: tuple[Spec, ...]
    settings: Settings

    @property
    def data(self) -> dict[str, Any]:
        return mapping(self.document)


def mapping(document: Document | None) -> dict[str, Any]:
    """A document's data when it is a mapping; an empty one otherwise (the schema says why)."""
    data = document.data if document is not None else None
    return data if isinstance(data, dict) else {}


def absolute(path: Path) -> Path:
    """A file's identity across the pipeline (no symlink resolution: that costs a syscall each)."""
    return Path(os.path.abspath(path))


@dataclass(frozen=True, slots=True)
class Repository:
    """Every import under the models folder, for rules that compare files.

    `targets` are the files being checked: findings concern them. `base` is the
    state at `--base REF`, when given.
    """

    specs: tuple[Spec, ...]
    settings: Settings
    targets: frozenset[Path] = field(default_factory=frozenset)
    base: BaseState | None = None

    def is_target(self, spec: Spec) -> bool:
        return absolute(spec.file) in self.targets
