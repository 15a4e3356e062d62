"""No secret in any output, whatever a server answers: echoed headers, reflected tokens."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.sync_helpers import add, commit

TOKEN = "tok-ECHOED-1a2b3c4d"
SK = "sk-ECHOED-5e6f7a8b"
SECURITY_TOKEN = "sec-ECHOED-9c0d1e2f"
PASSWORD = "pw-ECHOED-3a4b5c6d"
IAM_TOKEN = "iam-ISSUED-7e8f9a0b"
SECRETS = (TOKEN, SK, SECURITY_TOKEN, PASSWORD, IAM_TOKEN)


class Echo(BaseHTTPRequestHandler):
    """Echoes the request headers into its answers, as a careless proxy would."""

    status = 400  # set per server: 400, 401, 403, 500, or 200 to reflect into model data

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/v3/auth/tokens"):
            self._send(201, {"token": {}}, {"X-Subject-Token": IAM_TOKEN})
        else:
            self._send(self.status, self._error())

    def _error(self) -> dict[str, str]:
        return {"error_code": "ModelArts.0001", "error_msg": json.dumps(dict(self.headers))}

    def do_GET(self) -> None:
        if self.status != 200:
            self._send(self.status, self._error())
            return
        seen = self.headers.get("X-Auth-Token") or self.headers.get("Authorization", "")
        item = {
            "model_id": "m-1",
            "model_name": "demo",
            "model_version": "1.0.0",
            "model_status": "published",
            "description": f"reflected {seen} {self.headers.get('X-Security-Token', '')}",
            "source_location": f"swr.eu-de.otc.t-systems.com/x/{seen}:1",
            "install_type": ["real-time"],
        }
        if "/models/" in self.path:
            self._send(200, item)
        else:
            self._send(200, {"total_count": 1, "count": 1, "models": [item]})


@pytest.fixture
def echo() -> Iterator[Any]:
    servers: list[ThreadingHTTPServer] = []

    def start(status: int) -> str:
        handler = type("Handler", (Echo,), {"status": status})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1/p1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


AUTH = {
    "token": {"MODELARTS_TOKEN": TOKEN},
    "aksk": {
        "MODELARTS_AK": "AKECHO",
        "MODELARTS_SK": SK,
        "MODELARTS_SECURITY_TOKEN": SECURITY_TOKEN,
    },
    "password": {
        "MODELARTS_IAM_ENDPOINT": "",
        "MODELARTS_USERNAME": "robot",
        "MODELARTS_PASSWORD": PASSWORD,
        "MODELARTS_DOMAIN": "acme",
    },
}


@pytest.fixture
def project(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    add(repo, "demo", "1.0.0")
    commit(repo)
    return repo


def _login(url: str, auth: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in AUTH[auth].items():
        monkeypatch.setenv(name, value or url.removesuffix("/v1/p1"))


# A 500 is retried with backoff (about 15 s), so it is tried with one kind of credential.
CASES = [(a, s) for a in sorted(AUTH) for s in (400, 401, 403)] + [("password", 500)]


@pytest.mark.parametrize(("auth", "status"), CASES)
def test_headers_echoed_in_error_bodies_are_never_printed(
    run: Run, project: Path, echo: Any, monkeypatch: pytest.MonkeyPatch, auth: str, status: int
) -> None:
    url = echo(status)
    _login(url, auth, monkeypatch)
    commands = [("plan", "--out", "plan.json")] + ([("sync", "--prune")] if status < 500 else [])
    for command in commands:
        result = run(*command, "--registry", url)
        assert result.code == 1, result.out + result.err
        assert "ModelArts.0001" in result.err  # the error itself is reported
        assert "<hidden>" in result.err or auth == "aksk"  # aksk: only the signature echoed
        assert not any(secret in result.out + result.err for secret in SECRETS)
    assert not (project / "plan.json").exists()


@pytest.mark.parametrize("auth", sorted(AUTH))
def test_a_token_reflected_into_model_data_is_never_printed(
    run: Run, project: Path, echo: Any, monkeypatch: pytest.MonkeyPatch, auth: str
) -> None:
    url = echo(200)
    _login(url, auth, monkeypatch)
    outputs = []
    for form in ("text", "json", "markdown"):
        result = run("plan", "--registry", url, "--format", form, "--out", "plan.json")
        assert result.code == 0, result.err
        outputs += [result.out, result.err, (project / "plan.json").read_text()]
    assert "conflict" in outputs[0]
    if auth != "aksk":  # a signature is no secret; the security token is
        assert "<hidden>" in outputs[0]
    assert not any(secret in text for text in outputs for secret in SECRETS)
