"""Shared by the cache tests: imports to write, and folders aged past the racy window."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import GOOD_IMPORT

OLD = 1_000_000_000  # a time long before the run, in seconds


def model_text(name: str, version: str = "1.0.0") -> str:
    return GOOD_IMPORT.replace("demo-model", name).replace('"1.0.0"', f'"{version}"')


def settle(root: Path) -> None:
    """Every folder of the models tree as if it had last changed long ago."""
    for folder, _, _ in os.walk(root / "models"):
        os.utime(folder, (OLD, OLD))
