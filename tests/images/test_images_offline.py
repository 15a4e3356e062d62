"""Offline stays the default: without --check-images, no connection and no `requests` import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Run, write
from tests.images.conftest import Registries
from tests.images.support import configure, model_import, online_findings

CONNECTS: list[Any] = []
RECORDING: list[bool] = []  # non-empty while a run is audited


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if RECORDING and event == "socket.connect":
        CONNECTS.append(args[1])


sys.addaudithook(_audit)  # audit hooks cannot be removed: this one records only when asked


def connects_during(run: Run, *args: str) -> tuple[int, list[Any]]:
    CONNECTS.clear()
    RECORDING.append(True)
    try:
        code = run(*args).code
    finally:
        RECORDING.clear()
    return code, list(CONNECTS)


def test_validate_makes_no_connection_without_the_flag(
    run: Run, repo: Path, registries: Registries
) -> None:
    host = registries.open.host
    configure(repo, [host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/nothere:1.0"))
    code, connects = connects_during(run, "validate", "--format", "json")
    assert connects == []
    assert code == 0
    # The same run with the flag does connect (so the audit sees connections) and finds MA307.
    code, connects = connects_during(run, "validate", "--check-images")
    assert ("127.0.0.1", registries.open.port) in [tuple(c) for c in connects]
    assert code == 1


def test_images_check_in_the_configuration_opts_in(
    run: Run, repo: Path, registries: Registries
) -> None:
    host = registries.open.host
    configure(repo, [host], check=True)
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/nothere:1.0"))
    result = run("validate", "--format", "json")
    rules = [d["rule"] for d in json.loads(result.out)["diagnostics"]]
    assert "MA307" in rules


def test_the_offline_path_does_not_import_requests(repo: Path) -> None:
    write(
        repo,
        "models/demo-model/1.0.0.yaml",
        model_import("swr.eu-de.otc.t-systems.com/ml-team/demo:1.0"),
    )
    probe = (
        "import sys\n"
        "from validator.cli import main\n"
        "code = main(['validate', '--format', 'json'])\n"
        "print('requests' in sys.modules, 'validator.images.client' in sys.modules, code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=repo, capture_output=True, text=True, check=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "False False 0"


@pytest.mark.parametrize("flag", [[], ["--check-images"]])
def test_the_flag_is_accepted_by_the_parser(flag: list[str]) -> None:
    from validator.cli import build_parser

    arguments = build_parser().parse_args(["validate", *flag])
    assert arguments.check_images == bool(flag)


def test_an_open_registry_needs_no_credentials(
    run: Run, repo: Path, registries: Registries
) -> None:
    host = registries.open.host
    configure(repo, [host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    code, found, _ = online_findings(run)
    assert (code, found) == (0, [])


def test_hooks_and_workflows_stay_offline_unless_they_opt_in() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert all("--check-images" not in str(hook) for hook in hooks)
    template = ROOT / ".github" / "templates" / "modelarts-pr-check.yml"
    steps = yaml.safe_load(template.read_text(encoding="utf-8"))["jobs"]["validate"]["steps"]
    online = [s for s in steps if "--check-images" in str(s.get("run", s.get("with", "")))]
    assert len(online) == 1
    assert "vars.MODELARTS_CHECK_IMAGES == 'true'" in online[0]["if"]
    assert online[0]["env"]["MODELARTS_SK"] == "${{ secrets.MODELARTS_SK }}"
