"""MA307-MA313 against the real distribution registry: each rule fails and passes.

Images are pushed by `conftest.py` over the v2 API (Docker schema 2, OCI manifests, an
OCI index and a Docker manifest list); these tests read them through htpasswd Basic auth
and through token auth, with credentials from a Docker config.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from tests.conftest import Run, write
from tests.images import oci
from tests.images.conftest import Registries, docker_config
from tests.images.support import IMAGE_AT, configure, model_import, online_findings

# The meta-test in test_fixtures.py: these rules need a registry, so their failing cases
# live here rather than in tests/fixtures/bad.
COVERED_IN_IMAGE_TESTS = frozenset({"MA307", "MA308", "MA309", "MA310", "MA311", "MA312", "MA313"})

CASES = [
    # (reference after the host, deployment types, rule expected or None, text in the message)
    ("ml/good:1.0", "[real-time]", None, ""),
    ("ml/oci-good:1.0", "[real-time]", None, ""),
    ("ml/index-good:1.0", "[real-time]", None, ""),
    ("ml/list-good:1.0", "[real-time]", None, ""),
    ("ml/nothere:1.0", "[real-time]", "MA307", "repository ml/nothere does not exist"),
    ("ml/good:1.2", "[real-time]", "MA307", "tag `1.2` does not exist"),
    ("ml/good@sha256:" + "0" * 64, "[real-time]", "MA307", "does not exist in"),
    ("ml/good@{good_digest}", "[real-time]", None, ""),
    ("ml/moved:1.0@{moved_old}", "[real-time]", "MA308", "not the one tag `1.0` points to"),
    ("ml/moved:1.0@{moved_new}", "[real-time]", None, ""),
    ("ml/index-good:1.0@{index_arm_digest}", "[real-time]", None, ""),
    ("ml/good:1.0@sha256:" + "1" * 64, "[real-time]", "MA308", "does not exist in"),
    ("ml/noport:1.0", "[real-time]", "MA309", "exposes 80/tcp, not 8080/tcp"),
    ("ml/s390x:1.0", "[real-time]", "MA310", "offers linux/s390x"),
    ("ml/index-bad:1.0", "[real-time]", "MA310", "offers linux/ppc64le"),
    ("ml/huge:1.0", "[real-time]", "MA311", "40.0 GB compressed"),
    ("ml/big-ok:1.0", "[real-time]", None, ""),
    ("ml/good:1.0", "[batch]", "MA313", "runs `python serve.py`, not /home/run.sh"),
    ("ml/batch:1.0", "[real-time, batch]", None, ""),
    ("ml/batch-entry:1.0", "[batch]", None, ""),
]


def case_id(case: tuple[str, str, str | None, str]) -> str:
    return f"{case[2] or 'clean'}-{case[0].split('@')[0]}-{case[1]}"


@pytest.fixture
def basic_repo(repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch) -> Path:
    host = registries.basic.host
    configure(repo, [host])
    auths = {host: (oci.USER, oci.PASSWORD)}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(repo.parent / "docker", auths)))
    return repo


def expand(reference: str, registries: Registries) -> str:
    return reference.format(**asdict(registries.images))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule_with_basic_auth(
    run: Run, basic_repo: Path, registries: Registries, case: tuple[str, str, str | None, str]
) -> None:
    reference, types, rule, text = case
    image = f"{registries.basic.host}/{expand(reference, registries)}"
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(image, types))
    code, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ([rule] if rule else [])
    for finding in found:
        assert text in finding["message"]
        assert (finding["line"], finding["column"]) == IMAGE_AT
    failing = rule in {"MA307", "MA308", "MA310", "MA311"}
    assert code == (1 if failing else 0)


def test_missing_tag_suggests_the_nearest(
    run: Run, basic_repo: Path, registries: Registries
) -> None:
    image = f"{registries.basic.host}/ml/good:1.2"
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(image))
    _, found, _ = online_findings(run)
    assert found[0]["suggestion"] in ("did you mean `1.0`?", "did you mean `1.1`?")


def test_moved_tag_suggests_its_current_digest(
    run: Run, basic_repo: Path, registries: Registries
) -> None:
    images = registries.images
    image = f"{registries.basic.host}/ml/moved:1.0@{images.moved_old}"
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(image))
    _, found, _ = online_findings(run)
    assert found[0]["suggestion"] == f"{registries.basic.host}/ml/moved:1.0@{images.moved_new}"


@pytest.mark.parametrize(
    "case",
    [
        c
        for c in CASES
        if c[0] in ("ml/good:1.0", "ml/index-good:1.0", "ml/good:1.2", "ml/noport:1.0")
    ],
    ids=case_id,
)
def test_rule_with_token_auth(
    run: Run,
    repo: Path,
    registries: Registries,
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, str, str | None, str],
) -> None:
    reference, types, rule, text = case
    host, realm = registries.token.host, registries.token_server.host
    configure(repo, [host], insecure=[host, realm])
    auths = {host: (oci.USER, oci.PASSWORD)}
    monkeypatch.setenv("DOCKER_CONFIG", str(docker_config(repo.parent / "docker", auths)))
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/{reference}", types))
    before = len(registries.token_server.calls)
    _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ([rule] if rule else [])
    assert all(text in d["message"] for d in found)
    assert len(registries.token_server.calls) == before + 1  # one token for the repository


# ---- MA312: the image could not be checked, and the message says why -------------------


def test_no_credentials(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = registries.basic.host
    configure(repo, [host])
    monkeypatch.setenv("DOCKER_CONFIG", str(repo.parent / "no-docker-config"))
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    code, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert f"{host} needs credentials" in found[0]["message"]
    assert code == 0  # a warning: an unreachable registry does not block by default


@pytest.mark.parametrize("kind", ["basic", "token"])
def test_wrong_password_is_refused_and_never_shown(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    registry = registries.basic if kind == "basic" else registries.token
    host, wrong = registry.host, "wrong-SECRET-pw-0d9e"
    configure(repo, [host], insecure=[host, registries.token_server.host])
    docker = docker_config(repo.parent / "docker", {host: (oci.USER, wrong)})
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    _, found, output = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert "refused the credentials from docker config (401)" in found[0]["message"]
    assert wrong not in output
    text = run("validate", "--check-images")
    assert wrong not in text.out + text.err
    assert "MA312" in text.out


def test_https_is_the_default(run: Run, basic_repo: Path, registries: Registries) -> None:
    host = registries.basic.host
    configure(basic_repo, [host], insecure=[])
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert "TLS failed" in found[0]["message"]
    assert "images.insecure_registries" in found[0]["message"]


def test_a_plain_http_token_service_must_be_allowed(
    run: Run, repo: Path, registries: Registries, monkeypatch: pytest.MonkeyPatch
) -> None:
    host = registries.token.host
    configure(repo, [host], insecure=[host])  # the token service's host is not listed
    docker = docker_config(repo.parent / "docker", {host: (oci.USER, oci.PASSWORD)})
    monkeypatch.setenv("DOCKER_CONFIG", str(docker))
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    before = len(registries.token_server.calls)
    _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert "token service" in found[0]["message"] and "plain HTTP" in found[0]["message"]
    assert len(registries.token_server.calls) == before  # the password was not sent


def test_closed_port(run: Run, repo: Path, registries: Registries) -> None:
    host = f"127.0.0.1:{oci.free_port()}"
    configure(repo, [host])
    write(repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    _, found, _ = online_findings(run)
    assert [d["rule"] for d in found] == ["MA312"]
    assert found[0]["message"] == f"image not checked: cannot connect to {host}"


def test_plan_with_images_check_refuses_a_missing_image(
    run: Run, basic_repo: Path, registries: Registries
) -> None:
    host = registries.basic.host
    configure(basic_repo, [host], check=True)
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:9.9"))
    refused = run("plan")
    assert refused.code == 1
    assert "MA307" in refused.err and "error-level finding" in refused.err
    write(basic_repo, "models/demo-model/1.0.0.yaml", model_import(f"{host}/ml/good:1.0"))
    assert run("plan").code == 0
