"""Which of the files `validate` was given it reports on, so the summary counts those only.

With `--changed-only`, only files changed since the base (or imports whose config file
changed) are reported on. A config file named on the command line is checked through the
imports that use it; one that no import uses is not checked at all, and is said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from validator.load.folders import SUFFIXES
from validator.paths import resolved
from validator.settings import Settings

CHECKED_SUFFIXES = (*SUFFIXES, ".json")


def config_of(file: Path) -> Path | bool | None:
    """The config file an import names (resolved), None for an inline config, False: unknown."""
    from validator.load.document import display
    from validator.load.index import read_light

    light = read_light(file, display(file))
    if light is None:
        return False  # not readable the light way; the full check decides
    return resolved(file.parent / light.config) if light.config else None


def reported_changed(files: Sequence[Path], changed: set[Path]) -> list[Path]:
    """The files `--changed-only` reports on: changed, or an import whose config changed."""
    reported = []
    for file in files:
        if resolved(file) in changed:
            reported.append(file)
        elif file.suffix in SUFFIXES:
            config = config_of(file)
            if config is False or config in changed:
                reported.append(file)
    return reported


def unused_configs(files: Sequence[Path], settings: Settings) -> list[Path]:
    """Config files among `files` that no import under the models folder (or named) uses."""
    named = {resolved(f): f for f in files if f.suffix == ".json"}
    if not named:
        return []
    from validator.check.run import collect_files

    models = settings.root / settings.models_dir
    imports = [f for f in files if f.suffix in SUFFIXES]
    if models.is_dir():
        imports += collect_files([models], settings)
    used = set()
    for file in dict.fromkeys(imports):
        config = config_of(file)
        if config is False:
            return []  # cannot tell cheaply: say nothing rather than something wrong
        used.add(config)
    return [file for path, file in named.items() if path not in used]
