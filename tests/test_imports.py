"""Start-up cost: each command imports only what it uses (a fresh interpreter per case)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GOOD_IMPORT, write

PROBE = """
import json, sys
from validator.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""
HEAVY = ("jsonschema", "yaml", "sqlite3", "requests", "git", "ruamel", "urllib3")


def imported(cwd: Path, *args: str) -> set[str]:
    return {name.split(".")[0] for name in modules(cwd, *args)}


def modules(cwd: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("args", [["--version"], ["rules"], ["schema", "import"]])
def test_commands_that_check_nothing_import_no_parser_or_validator(
    tmp_path: Path, args: list[str]
) -> None:
    loaded = imported(tmp_path, *args)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_validate_of_a_valid_file_imports_nothing_it_does_not_use(repo: Path) -> None:
    """The YAML parser and the compiled schema gate; no jsonschema (the file is valid and its
    data schemas are checked already), no registry client, no git, no SQLite."""
    text = GOOD_IMPORT.replace("  apis:", "  apis: []\n  x_apis:").split("  x_apis:")[0]
    target = write(repo, "models/demo-model/1.0.0.yaml", text + "  health:\n    url: /h\n")
    write(repo, "models/other/1.0.0.yaml", GOOD_IMPORT.replace("demo-model", "other"))
    every = modules(repo, "validate", str(target.relative_to(repo)))
    loaded = {name.split(".")[0] for name in every}
    assert "yaml" in loaded
    assert not loaded & {"jsonschema", "sqlite3", "requests", "git", "ruamel", "urllib3"}
    # What only a definition or a lookup would pull in (several ms of a hook's start-up):
    # dataclasses and inspect for class definitions, importlib.resources for a folder,
    # shutil (and the compression modules) for argparse's help width, difflib for a hint.
    startup = {"dataclasses", "inspect", "importlib.resources", "tempfile", "shutil", "difflib"}
    assert not every & startup, sorted(every & startup)


def test_validate_of_a_file_with_valid_data_schemas_imports_no_jsonschema(repo: Path) -> None:
    """jsonschema-rs vouches for the request and response schemas (MA418): jsonschema is
    imported only to explain a schema that fails."""
    target = write(repo, "models/demo-model/1.0.0.yaml", GOOD_IMPORT)
    assert "data:" in GOOD_IMPORT
    loaded = imported(repo, "validate", str(target.relative_to(repo)))
    assert "jsonschema_rs" in loaded
    assert "jsonschema" not in loaded
