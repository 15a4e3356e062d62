"""Cost: each image is asked for once per run, digests are cached for good, tags for the TTL.

The requests are counted by the registry itself, in its access log.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run, write
from tests.images import oci
from tests.images.conftest import Registries, docker_config
from tests.images.support import configure, model_import, online_findings

IMAGES, IMPORTS = 50, 1000


@pytest.fixture(scope="module")
def shared_images(registries: Registries) -> list[str]:
    """50 images (one repository each) that 1,000 imports share."""
    for number in range(IMAGES):
        registries.pusher.image(f"shared/model-{number}", "2.0", marker=str(number))
    return [f"shared/model-{number}:2.0" for number in range(IMAGES)]


def thousand_imports(root: Path, host: str, images: list[str]) -> None:
    for number in range(IMPORTS):
        image = f"{host}/{images[number % len(images)]}"
        text = model_import(image, name=f"model-{number}")
        write(root, f"models/model-{number}/1.0.0.yaml", text)


def use_basic_auth(repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch) -> str:
    host = registries.basic.host
    auths = {host: (oci.USER, oci.PASSWORD)}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(repo.parent / "docker", auths)))
    return host


def counted(run: Run, registry: oci.Registry) -> tuple[int, list[str]]:
    before = registry.requests()
    _, found, _ = online_findings(run)
    return registry.requests() - before, [d["rule"] for d in found]


def test_a_thousand_imports_sharing_fifty_images(
    run: Run,
    repo: Path,
    registries: Registries,
    shared_images: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = use_basic_auth(repo, registries, monkeypatch)
    configure(repo, [host])
    thousand_imports(repo, host, shared_images)
    cold, found = counted(run, registries.basic)
    assert found == []
    # One `GET /v2/` to learn the challenge, then a manifest and a config per image.
    assert cold == 1 + IMAGES * 2
    warm, found = counted(run, registries.basic)
    assert (warm, found) == (0, [])


def test_with_token_auth_one_token_per_repository(
    run: Run,
    repo: Path,
    registries: Registries,
    shared_images: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host, realm = registries.token.host, registries.token_server.host
    auths = {host: (oci.USER, oci.PASSWORD)}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(repo.parent / "docker", auths)))
    configure(repo, [host], insecure=[host, realm])
    thousand_imports(repo, host, shared_images)
    tokens = len(registries.token_server.calls)
    cold, found = counted(run, registries.token)
    assert found == []
    assert cold == 1 + IMAGES * 2
    assert len(registries.token_server.calls) - tokens == IMAGES
    warm, _ = counted(run, registries.token)
    assert warm == 0
    assert len(registries.token_server.calls) - tokens == IMAGES


def test_a_tag_is_asked_again_after_its_ttl_a_digest_never(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = use_basic_auth(repo, registries, monkeypatch)
    configure(repo, [host], tag_ttl=0)
    digest = registries.images.good_digest
    write(repo, "models/a/1.0.0.yaml", model_import(f"{host}/ml/good:1.0", name="a"))
    write(repo, "models/b/1.0.0.yaml", model_import(f"{host}/ml/oci-good@{digest}", name="b"))
    cold, _ = counted(run, registries.basic)
    # ml/oci-good has no manifest with good's digest: MA307 cached for the TTL (0 here).
    warm, found = counted(run, registries.basic)
    assert found == ["MA307"]
    # Cold: ping, tag and config of ml/good, the digest. Warm: ping, tag, digest; no config.
    assert (cold, warm) == (1 + 2 + 1, 1 + 1 + 1)


def test_digest_references_are_cached_for_good(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = use_basic_auth(repo, registries, monkeypatch)
    configure(repo, [host], tag_ttl=0)
    image = f"{host}/ml/good@{registries.images.good_digest}"
    write(repo, "models/demo-model/1.0.0.yaml", model_import(image))
    cold, _ = counted(run, registries.basic)
    warm, found = counted(run, registries.basic)
    assert (cold, warm, found) == (3, 0, [])


def test_a_moved_tag_is_seen_once_the_ttl_is_over(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = use_basic_auth(repo, registries, monkeypatch)
    first = registries.pusher.image("ml/retagged", "3.0", marker="one")
    image = f"{host}/ml/retagged:3.0@{first.digest}"
    write(repo, "models/demo-model/1.0.0.yaml", model_import(image))
    configure(repo, [host], tag_ttl=3600)
    assert counted(run, registries.basic)[1] == []
    registries.pusher.image("ml/retagged", "3.0", marker="two")
    assert counted(run, registries.basic) == (0, [])  # within the TTL: the cached answer
    configure(repo, [host], tag_ttl=0)
    assert counted(run, registries.basic)[1] == ["MA308"]


def test_a_damaged_cache_is_rebuilt(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = use_basic_auth(repo, registries, monkeypatch)
    configure(repo, [host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/noport:1.0"))
    cache = repo / ".modelarts-gitops" / "cache" / "images.json"
    write(repo, ".modelarts-gitops/cache/images.json", '{"version": "images-1", "entries": {"tag:')
    assert counted(run, registries.basic)[1] == ["MA309"]
    entries = json.loads(cache.read_text(encoding="utf-8"))["entries"]
    broken = {key: {"config": 5, "index": "x", "platform": None} for key in entries}
    write(
        repo,
        ".modelarts-gitops/cache/images.json",
        json.dumps({"version": "images-1", "entries": broken}),
    )
    assert counted(run, registries.basic)[1] == ["MA309"]
