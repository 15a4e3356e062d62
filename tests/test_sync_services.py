"""Services respected: a version a service uses is kept, not failed on; `protect:` keeps too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import git
import pytest
import requests

from tests.conftest import Run, write
from tests.sync_helpers import DB, add, commit, stored
from validator.registry.local import LocalRegistry
from validator.server.api import ServerConfig
from validator.server.serving import RunningServer, start_server

TOKEN = "svc-token-0f1e2d3c"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[RunningServer]:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MODELARTS_TOKEN", TOKEN)
    with start_server(tmp_path / "served.db", ServerConfig(token=TOKEN, project_id="p1")) as up:
        yield up


def admin(server: RunningServer, path: str, **kw: object) -> requests.Response:
    headers = {"X-Auth-Token": TOKEN}
    return requests.request(
        "POST" if "json" in kw else "GET", server.url + path, headers=headers, timeout=10, **kw
    )  # type: ignore[arg-type]


def retire(repo: Path, name: str) -> None:
    with git.Repo(repo) as handle:
        handle.git.rm("-r", f"models/{name}")
        handle.index.commit(f"retire {name}")


@pytest.fixture
def three(repo: Path) -> Path:
    for name in ("churn", "resnet", "yolo"):
        add(repo, name, "1.0.0")
    commit(repo, "three models")
    return repo


def test_registry_serve_lists_services_with_the_documented_filters(
    run: Run, three: Path, server: RunningServer
) -> None:
    assert run("sync", "--registry", server.url + "/v1/p1").code == 0
    ids = {m.spec.name: m.model_id for m in server.registry.list()}
    marked = admin(
        server, f"/_admin/models/{ids['churn']}/in-use", json={"service_name": "churn-api"}
    )
    assert marked.status_code == 200
    admin(server, f"/_admin/models/{ids['yolo']}/in-use", json={"service_name": "yolo-batch"})
    everything = admin(server, "/v1/p1/services").json()
    assert everything["total_count"] == 2
    assert {s["service_name"] for s in everything["services"]} == {"churn-api", "yolo-batch"}
    assert {"service_id", "status", "infer_type", "publish_at"} <= set(everything["services"][0])
    by_model = admin(server, "/v1/p1/services", params={"model_id": ids["churn"]}).json()
    assert [s["service_name"] for s in by_model["services"]] == ["churn-api"]
    by_name = admin(server, "/v1/p1/services", params={"service_name": "yolo-batch"}).json()
    assert by_name["count"] == 1
    page = admin(
        server,
        "/v1/p1/services",
        params={"limit": 1, "offset": 1, "sort_by": "service_name", "order": "asc"},
    ).json()
    assert [s["service_name"] for s in page["services"]] == ["yolo-batch"]
    assert page["total_count"] == 2
    assert admin(server, "/v1/p1/services", params={"status": "asleep"}).status_code == 400
    assert admin(server, "/v1/p1/services", params={"sort_by": "model_id"}).status_code == 400
    assert admin(server, "/v1/other/services").status_code == 403


def test_a_version_a_service_uses_is_kept_in_every_format_and_sync_exits_0(
    run: Run, three: Path, server: RunningServer
) -> None:
    url = server.url + "/v1/p1"
    assert run("sync", "--registry", url).code == 0
    ids = {m.spec.name: m.model_id for m in server.registry.list()}
    admin(server, f"/_admin/models/{ids['churn']}/in-use", json={"service_name": "churn-api"})
    retire(three, "churn")
    retire(three, "yolo")
    text = run("plan", "--prune", "--registry", url)
    assert "= churn 1.0.0  kept: used by service churn-api" in text.out
    assert "- yolo 1.0.0  (delete)" in text.out
    document = json.loads(run("plan", "--prune", "--registry", url, "--format", "json").out)
    assert {
        "name": "churn",
        "version": "1.0.0",
        "model_id": ids["churn"],
        "reason": "used by service churn-api",
    } in document["kept"]
    markdown = run("plan", "--prune", "--registry", url, "--format", "markdown").out
    assert "| `churn` | `1.0.0` | kept: used by service churn-api |" in markdown
    synced = run("sync", "--prune", "--registry", url)
    assert synced.code == 0, synced.out + synced.err
    assert sorted(m.spec.name for m in server.registry.list()) == ["churn", "resnet"]
    again = run("sync", "--prune", "--registry", url)
    assert again.code == 0
    assert again.out.startswith("  = churn 1.0.0  kept: used by service churn-api")


def test_the_local_registry_knows_its_services(run: Run, three: Path) -> None:
    assert run("sync").code == 0
    registry = LocalRegistry(three / DB)
    churn = registry.list(["churn"])[0]
    assert registry.set_in_use(churn.model_id, service="nightly-scoring")
    registry.close()
    retire(three, "churn")
    planned = run("plan", "--prune")
    assert "= churn 1.0.0  kept: used by service nightly-scoring" in planned.out
    assert "(delete)" not in planned.out
    add(three, "resnet", "1.0.0", description="Edited after publishing")
    registry = LocalRegistry(three / DB)
    assert registry.set_in_use(registry.list(["resnet"])[0].model_id, service="resnet-api")
    registry.close()
    replaced = run("sync", "--replace")
    assert replaced.code == 1  # the conflict remains: the registry cannot match the file
    assert "kept: used by service resnet-api, so it is not replaced" in replaced.out
    assert stored(three) == [("churn", "1.0.0"), ("resnet", "1.0.0"), ("yolo", "1.0.0")]


def test_protect_globs_are_never_deleted_or_replaced(run: Run, three: Path) -> None:
    write(three, ".modelarts-gitops.yaml", "protect: ['chu*', resnet]\n")
    assert run("sync").code == 0
    retire(three, "churn")
    add(three, "resnet", "1.0.0", description="Edited after publishing")
    commit(three)
    result = run("sync", "--prune", "--replace", "--force")
    assert "= churn 1.0.0  kept: protected by `protect: chu*`" in result.out
    assert "kept: protected by `protect: resnet`, so it is not replaced" in result.out
    assert result.code == 1  # the resnet conflict stays unresolved
    assert stored(three) == [("churn", "1.0.0"), ("resnet", "1.0.0"), ("yolo", "1.0.0")]
    registry = LocalRegistry(three / DB)
    assert registry.list(["resnet"])[0].spec.description == "A demo model"
    registry.close()
