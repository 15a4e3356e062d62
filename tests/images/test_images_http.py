"""Transport: retries with Retry-After, bounded concurrency, timeouts, and no secret in output."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Run, write
from tests.images.conftest import Registries, docker_config
from tests.images.proxy import Proxy
from tests.images.support import configure, model_import, online_findings


@pytest.fixture
def proxy(registries: Registries) -> Iterator[Proxy]:
    front = Proxy(registries.open.url)
    yield front
    front.stop()


def test_429_with_retry_after_is_retried(run: Run, repo: Path, proxy: Proxy) -> None:
    proxy.fail_first, proxy.retry_after = 429, "1"
    proxy.start()
    configure(repo, [proxy.host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{proxy.host}/ml/noport:1.0"))
    _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA309"]  # checked, after one refusal per call
    calls = [path for path in proxy.attempts if path != "/v2/"]
    assert len(calls) == 2  # the manifest and the config
    assert all(proxy.attempts[path] == 2 for path in calls)


def test_a_server_echoing_credentials_never_gets_them_printed(
    run: Run, repo: Path, proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy.echo_errors = True
    proxy.start()
    secret = "pw-SECRET-echoed-44aa"
    docker = docker_config(repo.parent / "docker", {proxy.host: ("robot", secret)})
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    configure(repo, [proxy.host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{proxy.host}/ml/good:1.0"))
    result = run("validate", "--check-images")
    line = f"5:10: MA312 warning image not checked: {proxy.host} answered 500\n"
    assert line in result.out
    assert secret not in result.out + result.err
    assert "cm9ib3Q6" not in result.out + result.err  # base64 of "robot:" (the Basic header)
    # The credential was sent, and echoed back; a 5xx is retried three times, then reported.
    assert proxy.attempts["/v2/ml/good/manifests/1.0"] == 4


def test_concurrency_is_bounded(run: Run, repo: Path, registries: Registries, proxy: Proxy) -> None:
    proxy.delay = 0.1
    proxy.start()
    for number in range(8):
        registries.pusher.image(f"parallel/image-{number}", "1.0", marker=str(number))
        image = f"{proxy.host}/parallel/image-{number}:1.0"
        write(repo, f"models/m{number}/1.0.0.yaml", model_import(image, name=f"m{number}"))
    configure(repo, [proxy.host], concurrency=2)
    assert online_findings(run)[1] == []
    assert 1 <= proxy.most_in_flight <= 2  # two at once is likely, not certain, when busy
    (repo / ".modelarts-gitops" / "cache" / "images.json").unlink()
    proxy.most_in_flight = 0
    configure(repo, [proxy.host], concurrency=8)
    assert online_findings(run)[1] == []
    assert proxy.most_in_flight > 2


def test_a_registry_that_does_not_answer_times_out(run: Run, repo: Path) -> None:
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        host = f"127.0.0.1:{silent.getsockname()[1]}"
        configure(repo, [host], timeout=0.3)
        write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
        _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert found[0]["message"] == f"image not checked: {host} did not answer within 0.3 s"
