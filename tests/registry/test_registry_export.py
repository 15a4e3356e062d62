"""`export` against answers shaped like the API reference: files that validate and plan clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from canned import Answer, CannedFactory, Request, example
from registry_helpers import PROJECT, TOKEN

import validator
from tests.conftest import Run

REPO = Path(validator.__file__).resolve().parents[1]
CONFIG = json.loads((REPO / "models/yolo-detector/config.json").read_text())
IMAGE = "swr.eu-de.otc.t-systems.com/ml-team/yolo-serving:2.2.0"
BASE = f"/v1/{PROJECT}/models"


def shown(model_id: str, name: str, version: str, **change: Any) -> dict[str, Any]:
    """The reference's ShowModel example, carrying an Image model's content."""
    body = {**example("show_model.json"), "model_id": model_id, "model_name": name,
            "model_version": version, "model_type": "Image", "source_location": IMAGE,
            "install_type": ["realtime", "batch"], "create_at": 1533041553000,
            "config": json.dumps({**CONFIG, "model_source": "custom", "tunable": False,
                                  "downloadable_flag": True})}  # fmt: skip
    body.update(change)
    return body


MODELS = {
    "id-1": shown("id-1", "yolo-detector", "2.2.0"),
    "id-2": shown("id-2", "yolo-detector", "2.3.0", description="Shelf detector"),
    "id-3": shown("id-3", "other-team", "1.0.0"),
    "id-4": shown("id-4", "yolo-edge", "1.0.0", install_type=["realtime", "edge"]),
    "id-5": shown("id-5", "yolo-bare", "1.0.0", config=""),
}


def registry(request: Request) -> Answer:
    if request.path == BASE:
        keys = ("model_id", "model_name", "model_version", "model_status", "create_at")
        items = [{k: m[k] for k in keys} for m in MODELS.values()]
        return Answer(body={"total_count": len(items), "count": len(items), "models": items})
    model_id = request.path.rsplit("/", 1)[1]
    if model_id in MODELS:
        return Answer(body=MODELS[model_id])
    return Answer(404, {"error_code": "ModelArts.3001", "error_msg": "no such model"})


@pytest.fixture
def target(canned: CannedFactory, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    server, _ = canned(registry)
    return server, f"{server.url}/v1/{PROJECT}"


def test_export_only_glob_writes_files_that_validate_and_plan_clean(
    run: Run, repo: Path, target: tuple[Any, str]
) -> None:
    server, url = target
    shutil.copytree(REPO / "schemas", repo / "schemas")
    result = run("export", "--registry", url, "--only", "yolo-*")
    assert result.code == 1  # two models could not be written faithfully
    assert "skipped: yolo-edge 1.0.0: deployment type edge cannot be declared" in result.err
    assert "skipped: yolo-bare 1.0.0: the registry's answer has no configuration" in result.err
    assert sorted(p.name for p in (repo / "models").iterdir()) == ["yolo-detector"]
    shows = {r.path.rsplit("/", 1)[1] for r in server.requests if r.path != BASE}
    assert "id-3" not in shows  # --only: no details for other names
    exported = json.loads((repo / "models/yolo-detector/config.json").read_text())
    assert exported == CONFIG  # the whole configuration, from ShowModel `config`
    text = (repo / "models/yolo-detector/2.2.0.yaml").read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../schemas/model-import.schema.json\n"
    )
    assert "deployment_types: [real-time, batch]" in text
    assert "description" not in text  # the answer has none
    checked = run("validate")
    assert checked.code == 0, checked.out + checked.err
    planned = run("plan", "--registry", url)
    assert planned.code == 0, planned.err
    assert "No changes. The registry matches the desired state (2 unchanged)." in planned.out


def test_export_without_a_schemas_folder_writes_no_schema_comment(
    run: Run, repo: Path, target: tuple[Any, str]
) -> None:
    _, url = target
    assert run("export", "--registry", url, "--only", "yolo-detector").code == 0
    text = (repo / "models/yolo-detector/2.3.0.yaml").read_text()
    assert text.startswith("name: yolo-detector\n")
    assert "description: Shelf detector" in text
