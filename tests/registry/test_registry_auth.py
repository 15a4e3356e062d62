"""Token, AK/SK and IAM password auth against the real server; choosing auth from the env."""

from __future__ import annotations

import pytest
from registry_helpers import (
    AK,
    DOMAIN,
    PASSWORD,
    PROJECT,
    SK,
    TOKEN,
    USERNAME,
    ClientFactory,
    ServerFactory,
    spec,
)

from validator.registry.auth import AkSkAuth, PasswordAuth, TokenAuth, auth_from_env
from validator.registry.base import RegistryError
from validator.server.serving import RunningServer


def password_auth(server: RunningServer, password: str = PASSWORD) -> PasswordAuth:
    return PasswordAuth(server.url, USERNAME, password, DOMAIN, PROJECT)


def test_token_ok(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server, TokenAuth(TOKEN))
    model_id = client.create(spec())
    assert [m.model_id for m in client.list(["resnet"])] == [model_id]


def test_wrong_token_is_401(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server, TokenAuth("not-the-token"))
    with pytest.raises(RegistryError) as caught:
        client.list()
    assert str(caught.value) == (
        f"ModelArts.0203: Invalid token (HTTP 401, GET /v1/{PROJECT}/models)"
    )
    with pytest.raises(RegistryError, match=r"ModelArts.0203: .*HTTP 401, POST"):
        client.create(spec())


def test_aksk_ok_for_every_call(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server, AkSkAuth(AK, SK, PROJECT))
    model_id = client.create(spec("resnet_50"))  # "_" in a query value, signed as sent
    assert client.wait_until_published(model_id, timeout=5).spec.name == "resnet_50"
    assert [m.model_id for m in client.list(["resnet_50"])] == [model_id]
    client.delete(model_id)
    assert client.get(model_id) is None


@pytest.mark.parametrize(("ak", "sk"), [(AK, "wrong-sk"), ("AKOTHER", SK)])
def test_aksk_bad_signature_is_401(
    server: RunningServer, make_client: ClientFactory, ak: str, sk: str
) -> None:
    client = make_client(server, AkSkAuth(ak, sk, PROJECT))
    with pytest.raises(RegistryError, match=r"^ModelArts.0203: Invalid AK/SK signature"):
        client.list()


def test_no_credentials_at_all_is_401(server: RunningServer) -> None:
    status, _ = server_reply(server, {})
    assert status == 401


def server_reply(server: RunningServer, headers: dict[str, str]) -> tuple[int, object]:
    reply = server.api.handle("GET", f"/v1/{PROJECT}/models", headers, b"")
    return reply.status, reply.body


def test_wrong_project_is_403(server: RunningServer, make_client: ClientFactory) -> None:
    other = make_client(server, project_id="other")
    with pytest.raises(RegistryError, match=r"^ModelArts.0108: .*\(HTTP 403, GET /v1/other/"):
        other.list()


def test_password_login_caches_the_token(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server, password_auth(server))
    model_id = client.create(spec())
    client.get(model_id)
    client.list()
    assert server.api.logins == 1


def test_password_login_again_after_a_401(
    server: RunningServer, make_client: ClientFactory
) -> None:
    auth = password_auth(server)
    client = make_client(server, auth)
    client.list()
    auth._token = "revoked-token"  # as if IAM had revoked it before its expiry
    client.list()
    assert server.api.logins == 2


def test_password_login_refused(server: RunningServer, make_client: ClientFactory) -> None:
    client = make_client(server, password_auth(server, "wrong-password"))
    with pytest.raises(RegistryError) as caught:
        client.list()
    message = str(caught.value)
    assert message.startswith(f"IAM login as '{USERNAME}' at {server.url}/v3/auth/tokens failed")
    assert "MODELARTS_PASSWORD" in message
    assert "wrong-password" not in message


def test_iam_endpoint_may_end_in_v3(server: RunningServer) -> None:
    auth = PasswordAuth(server.url + "/v3/", USERNAME, PASSWORD, DOMAIN, PROJECT)
    assert auth.url == server.url + "/v3/auth/tokens"


def test_server_without_iam_login(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(username=None, password=None, domain=None)
    client = make_client(server, password_auth(server))
    with pytest.raises(RegistryError, match="failed \\(HTTP 404\\)"):
        client.list()


PASSWORD_ENV = {
    "MODELARTS_IAM_ENDPOINT": "https://iam.example",
    "MODELARTS_USERNAME": USERNAME,
    "MODELARTS_PASSWORD": PASSWORD,
    "MODELARTS_DOMAIN": DOMAIN,
}
AKSK_ENV = {"MODELARTS_AK": AK, "MODELARTS_SK": SK}


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"MODELARTS_TOKEN": TOKEN, **AKSK_ENV, **PASSWORD_ENV}, TokenAuth),
        ({**AKSK_ENV, **PASSWORD_ENV}, AkSkAuth),
        (PASSWORD_ENV, PasswordAuth),
    ],
)
def test_auth_from_env_prefers_token_then_aksk_then_password(
    env: dict[str, str], kind: type[object]
) -> None:
    assert isinstance(auth_from_env(env, PROJECT), kind)


def test_auth_from_env_security_token() -> None:
    auth = auth_from_env({**AKSK_ENV, "MODELARTS_SECURITY_TOKEN": "st-SECRET"}, PROJECT)
    assert isinstance(auth, AkSkAuth)
    headers = auth.headers("GET", "https://h/v1/p/models", {}, b"", _no_post)
    assert headers["X-Security-Token"] == "st-SECRET"
    assert headers["X-Project-Id"] == PROJECT
    assert "x-security-token" in headers["Authorization"]


def _no_post(url: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
    raise AssertionError("AK/SK needs no login")


@pytest.mark.parametrize("env", [{}, {"MODELARTS_AK": AK}, {"MODELARTS_TOKEN": ""}])
def test_auth_from_env_names_the_variables(env: dict[str, str]) -> None:
    with pytest.raises(RegistryError) as caught:
        auth_from_env(env)
    message = str(caught.value)
    for name in ("MODELARTS_TOKEN", "MODELARTS_AK", "MODELARTS_SK", "MODELARTS_PASSWORD"):
        assert name in message
    if env.get("MODELARTS_AK"):
        assert "set but incomplete: MODELARTS_AK" in message
        assert AK not in message
