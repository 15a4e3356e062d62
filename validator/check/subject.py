"""What rules receive: one import, one config file with the imports using it, the repository."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from validator.load.document import Document
from validator.settings import Settings


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
        data = self.config.data if self.config is not None else None
        return data if isinstance(data, dict) else {}


@dataclass(frozen=True, slots=True)
class ConfigUse:
    """One config document and every import that uses it: config rules run once per file."""

    document: Document
    users: tuple[Spec, ...]
    settings: Settings


@dataclass(frozen=True, slots=True)
class Repository:
    """Every import under the models folder, for rules that compare files."""

    specs: tuple[Spec, ...]
    settings: Settings
    root: Path
