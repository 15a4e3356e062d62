"""No token, SK or password in any repr, exception message or log line."""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
from pathlib import Path

import pytest
from registry_helpers import (
    AK,
    DOMAIN,
    PASSWORD,
    PROJECT,
    SECRETS,
    SK,
    TOKEN,
    USERNAME,
    ClientFactory,
    ServerFactory,
    config,
    spec,
)

from validator.registry.auth import AkSkAuth, Auth, PasswordAuth, TokenAuth
from validator.registry.base import RegistryError
from validator.registry.modelarts import ModelArtsRegistry
from validator.server.faults import FaultConfig
from validator.server.serving import serve

SECURITY_TOKEN = "st-SECRET-0c0c"
ALL_SECRETS = (*SECRETS, SECURITY_TOKEN)


def auths(url: str) -> list[Auth]:
    return [
        TokenAuth(TOKEN),
        AkSkAuth(AK, SK, PROJECT, SECURITY_TOKEN),
        PasswordAuth(url, USERNAME, PASSWORD, DOMAIN, PROJECT),
    ]


def assert_clean(text: str) -> None:
    for secret in ALL_SECRETS:
        assert secret not in text


def test_reprs_hide_secrets() -> None:
    shown = [repr(a) for a in auths("https://iam.example")]
    shown += [str(a) for a in auths("https://iam.example")]
    shown.append(repr(config()))
    for auth in auths("https://iam.example"):
        registry = ModelArtsRegistry("https://modelarts.example", PROJECT, auth)
        shown.append(repr(registry))
        registry.close()
    assert all("<hidden>" in text for text in shown[:6])
    assert_clean("\n".join(shown))


def wrong(auth: Auth) -> Auth:
    """The same kind of auth with wrong secrets, which are secrets too."""
    if isinstance(auth, TokenAuth):
        return TokenAuth(TOKEN + "x")
    if isinstance(auth, AkSkAuth):
        return AkSkAuth(AK, SK + "x", PROJECT, SECURITY_TOKEN)
    assert isinstance(auth, PasswordAuth)
    return PasswordAuth(
        auth.url.removesuffix("/v3/auth/tokens"), USERNAME, PASSWORD + "x", DOMAIN, PROJECT
    )


def test_errors_and_logs_never_show_secrets(
    make_server: ServerFactory, make_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    faults = FaultConfig(seed=3, error_rate=0.3, drop_rate=0.2)
    server = make_server(faults=faults, publish_delay=0.0)
    messages: list[str] = []
    for n, auth in enumerate(auths(server.url)):
        client = make_client(server, auth, create_attempts=10)
        model_id = client.create(spec(f"m{n}"))
        client.list()
        client.delete(model_id)
        for bad in (make_client(server, wrong(auth)), make_client(server, auth, create_attempts=1)):
            for action in (bad.list, lambda b=bad: b.create(spec("x", "9.9.9"))):
                try:
                    action()
                except RegistryError as exc:
                    messages.append(str(exc))
    assert messages  # the wrong credentials were refused, with messages to check
    assert_clean("\n".join(messages))
    assert any(r.name.startswith("urllib3") for r in caplog.records)  # retries were logged
    assert_clean(caplog.text)


def test_unreachable_endpoint_error(make_client: ClientFactory) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    for auth in auths(f"http://127.0.0.1:{port}"):
        client = ModelArtsRegistry(f"http://127.0.0.1:{port}", PROJECT, auth, backoff=0.001)
        try:
            with pytest.raises(RegistryError) as caught:
                client.list()
        finally:
            client.close()
        assert "ConnectionError" in str(caught.value) or "cannot reach IAM" in str(caught.value)
        assert_clean(str(caught.value))


def test_server_request_log_has_no_secrets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, stop = io.StringIO(), threading.Event()
    thread = threading.Thread(
        target=serve,
        args=("127.0.0.1", 0, tmp_path / "fg.db", TOKEN),
        kwargs={"project_id": PROJECT, "ak": AK, "sk": SK, "out": out, "stop": stop},
    )
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while "serving" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        url = out.getvalue().split(" on ", 1)[1].strip()
        for auth in (TokenAuth(TOKEN), AkSkAuth(AK, SK, PROJECT), TokenAuth("bad-" + TOKEN)):
            client = ModelArtsRegistry(url.removesuffix(f"/v1/{PROJECT}"), PROJECT, auth)
            try:
                client.list()
            except RegistryError:
                pass
            finally:
                client.close()
    finally:
        stop.set()
        thread.join(5)
    logged = capsys.readouterr().err
    assert f"GET /v1/{PROJECT}/models" in logged  # the request lines are logged …
    assert_clean(logged + out.getvalue())  # … and nothing secret
