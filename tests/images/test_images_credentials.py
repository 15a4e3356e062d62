"""Credentials: the Docker config's `auths`, and SWR's long-term login derived from AK/SK."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Run, write
from tests.images.support import configure, model_import
from validator.images.credentials import Credentials, docker_auths, swr_login

SWR = "swr.eu-de.otc.t-systems.com"
AK, SK = "AKTESTFAKE0002", "sk-SECRET-11aa22bb"


def test_swr_login_is_the_one_the_swr_guide_derives() -> None:
    """The guide's command: printf "$AK" | openssl dgst -binary -sha256 -hmac "$SK" | od ..."""
    pipeline = (
        'printf "$AK" | openssl dgst -binary -sha256 -hmac "$SK" '
        "| od -An -vtx1 | sed 's/[ \\n]//g' | sed 'N;s/\\n//'"
    )
    guide = subprocess.run(
        ["sh", "-c", pipeline], env={"AK": AK, "SK": SK, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    ).stdout.replace("\n", "")  # fmt: skip
    login = swr_login(SWR, {"MODELARTS_AK": AK, "MODELARTS_SK": SK})
    assert login is not None
    assert (login.username, login.password) == (f"eu-de@{AK}", guide)
    assert len(guide) == 64


def test_swr_login_project_name_and_hosts() -> None:
    env = {"MODELARTS_AK": AK, "MODELARTS_SK": SK, "MODELARTS_PROJECT_NAME": "eu-de_ml"}
    login = swr_login("swr.cn-north-4.myhuaweicloud.com", env)
    assert login is not None and login.username == f"eu-de_ml@{AK}"
    assert swr_login("registry.example.com", env) is None
    assert swr_login(SWR, {"MODELARTS_AK": AK}) is None
    assert SK not in repr(login) and login.password not in repr(login)


def docker(folder: Path, auths: dict[str, object]) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps({"auths": auths}), encoding="utf-8")
    return {"DOCKER_CONFIG": str(folder)}


def encoded(pair: str) -> str:
    return base64.b64encode(pair.encode()).decode()


def test_docker_config_entries(tmp_path: Path) -> None:
    env = docker(
        tmp_path,
        {
            "https://index.docker.io/v1/": {"auth": encoded("hub:pw1")},
            "Registry.Example.com:5000": {"username": "u2", "password": "pw:2"},
            "broken.example.com": {"auth": "***"},
            "nopair.example.com": {"auth": encoded("no-colon")},
        },
    )
    found = docker_auths(env)
    assert sorted(found) == ["index.docker.io", "registry.example.com:5000"]
    assert (found["index.docker.io"].username, found["index.docker.io"].password) == ("hub", "pw1")
    assert found["registry.example.com:5000"].password == "pw:2"


def test_default_docker_config_is_in_home(tmp_path: Path) -> None:
    docker(tmp_path / ".docker", {"r.example.com": {"auth": encoded("a:b")}})
    assert list(docker_auths({"HOME": str(tmp_path)})) == ["r.example.com"]
    assert docker_auths({"HOME": str(tmp_path / "nobody")}) == {}


def test_the_docker_config_wins_over_ak_sk(tmp_path: Path) -> None:
    env = {**docker(tmp_path, {SWR: {"auth": encoded("robot:pw")}}), "MODELARTS_AK": AK}
    env["MODELARTS_SK"] = SK
    credentials = Credentials(env)
    chosen = credentials.for_host(SWR)
    assert chosen is not None and chosen.source == "docker config"
    other = credentials.for_host("swr.eu-nl.otc.t-systems.com")
    assert other is not None and other.username == f"eu-nl@{AK}"
    assert "pw" not in repr(credentials)


@pytest.mark.parametrize(
    "broken", ['{"auths": {', '{"auths": ' + "[" * 100_000 + "]" * 100_000 + "}"]
)
def test_a_broken_docker_config_is_one_error_line(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch, broken: str
) -> None:
    folder = repo.parent / "docker"
    folder.mkdir()
    (folder / "config.json").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("DOCKER_CONFIG", str(folder))
    configure(repo, ["127.0.0.1:5999"])
    write(repo, "models/demo-model/1.0.0.yaml", model_import("127.0.0.1:5999/ml/good:1.0"))
    result = run("validate", "--check-images")
    assert result.code == 2
    assert result.err == f"error: the Docker config {folder / 'config.json'} is not valid JSON\n"


@pytest.mark.parametrize(
    ("images", "where"),
    [
        ({"insecure_registries": ["http://127.0.0.1:5000/"]}, "insecure_registries"),
        ({"tag_ttl": -1}, "tag_ttl"),
        ({"check": "yes"}, "check"),
        ({"concurrency": 0}, "concurrency"),
    ],
)
def test_invalid_image_settings_are_located(
    run: Run, repo: Path, images: dict[str, object], where: str
) -> None:
    write(repo, ".modelarts-gitops.yaml", json.dumps({"images": images}))
    write(repo, "models/demo-model/1.0.0.yaml", model_import("127.0.0.1:5999/ml/good:1.0"))
    result = run("validate")
    assert result.code == 2
    assert ".modelarts-gitops.yaml:1:" in result.err


def test_every_credential_found_is_scrubbed_from_messages(tmp_path: Path) -> None:
    from validator.images.client import CheckFailed
    from validator.registry.scrub import HIDDEN, scrub

    pair = base64.b64encode(b"robot:pw-scrubbed-7f3e").decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"r.example": {"auth": pair}}}))
    found = docker_auths({"DOCKER_CONFIG": str(tmp_path)})
    assert found["r.example"].password == "pw-scrubbed-7f3e"
    assert scrub("echo: pw-scrubbed-7f3e") == f"echo: {HIDDEN}"
    assert str(CheckFailed(f"Authorization: Basic {pair}")) == f"Authorization: Basic {HIDDEN}"
    login = swr_login("swr.eu-de.otc.t-systems.com", {"MODELARTS_AK": AK, "MODELARTS_SK": SK})
    assert login is not None and login.password not in scrub(f"x {login.password} y")
