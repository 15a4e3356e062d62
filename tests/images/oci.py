"""A real distribution registry (`docker-registry`) on 127.0.0.1, a token server, and a pusher.

Images are written over the registry's own v2 API: blobs, then config, then manifests.
Registries serving the same storage folder show the same images, so the tests push once
through an open registry and read through ones with htpasswd or token auth.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

BINARY = "docker-registry"
USER, PASSWORD = "robot", "pw-SECRET-7c1e"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def require_binary(name: str) -> str:
    """The binary's path; in CI a missing one fails the test instead of skipping it."""
    found = shutil.which(name)
    if found is None:
        message = f"`{name}` is not installed (apt-get install docker-registry apache2-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Registry:
    """One running `docker-registry serve`; `requests()` counts the v2 calls it answered."""

    host: str  # 127.0.0.1:PORT
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    @property
    def port(self) -> int:
        return int(self.host.rsplit(":", 1)[1])

    def requests(self) -> int:
        lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        return sum(1 for line in lines if '"GET /v2/' in line or '"HEAD /v2/' in line)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_registry(folder: Path, storage: Path, auth: dict[str, Any] | None = None) -> Registry:
    """Start a registry on a free loopback port, retrying when another process took the port."""
    binary = require_binary(BINARY)
    folder.mkdir(parents=True, exist_ok=True)
    for _attempt in range(5):
        port = free_port()
        config: dict[str, Any] = {
            "version": 0.1,
            "log": {"level": "error"},
            "storage": {"filesystem": {"rootdirectory": str(storage)}},
            "http": {"addr": f"127.0.0.1:{port}", "secret": "test-http-secret"},
        }
        if auth:
            config["auth"] = auth
        path = folder / f"config-{port}.yml"
        path.write_text(json.dumps(config), encoding="utf-8")  # JSON is YAML
        log = folder / f"registry-{port}.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [binary, "serve", str(path)], stdout=sink, stderr=subprocess.STDOUT
            )
        registry = Registry(f"127.0.0.1:{port}", process, log)
        if _wait_ready(registry):
            return registry
        registry.stop()
    raise RuntimeError(f"docker-registry did not start; see {log}")


def _wait_ready(registry: Registry) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if registry.process.poll() is not None:
            return False
        try:
            status = requests.get(f"{registry.url}/v2/", timeout=1).status_code
        except requests.ConnectionError:
            time.sleep(0.05)
            continue
        return status in (200, 401)
    return False


def htpasswd_file(folder: Path) -> Path:
    binary = require_binary("htpasswd")
    path = folder / "htpasswd"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([binary, "-Bbc", str(path), USER, PASSWORD], check=True, capture_output=True)
    return path


@dataclass(frozen=True)
class Pushed:
    digest: str  # of the manifest (or index)
    media_type: str


class Pusher:
    """Writes blobs and manifests to an open registry over the v2 API."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def blob(self, repo: str, data: bytes) -> str:
        digest = digest_of(data)
        started = self.session.post(f"{self.url}/v2/{repo}/blobs/uploads/", timeout=10)
        assert started.status_code == 202, started.text
        location = started.headers["Location"]
        if location.startswith("/"):
            location = self.url + location
        joiner = "&" if "?" in location else "?"
        put = self.session.put(
            f"{location}{joiner}digest={digest}",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=10,
        )
        assert put.status_code == 201, put.text
        return digest

    def manifest(self, repo: str, reference: str, body: dict[str, Any]) -> Pushed:
        raw = json.dumps(body, indent=3).encode()
        media_type = str(body["mediaType"])
        put = self.session.put(
            f"{self.url}/v2/{repo}/manifests/{reference}",
            data=raw,
            headers={"Content-Type": media_type},
            timeout=10,
        )
        assert put.status_code == 201, put.text
        assert put.headers["Docker-Content-Digest"] == digest_of(raw)
        return Pushed(digest_of(raw), media_type)

    def image(
        self,
        repo: str,
        tag: str | None,
        *,
        oci: bool = False,
        architecture: str = "amd64",
        ports: tuple[str, ...] = ("8080/tcp",),
        cmd: tuple[str, ...] = ("python", "serve.py"),
        entrypoint: tuple[str, ...] | None = None,
        layer_sizes: tuple[int, ...] | None = None,
        marker: str = "",
    ) -> Pushed:
        """One image: a config blob, a real layer blob, a manifest (Docker schema 2 or OCI).

        `layer_sizes` writes those sizes into the manifest instead of the real ones
        (the registry checks that a layer exists, not its size).
        """
        config: dict[str, Any] = {"ExposedPorts": {p: {} for p in ports}, "Cmd": list(cmd)}
        if entrypoint is not None:
            config["Entrypoint"] = list(entrypoint)
        image_config = {
            "architecture": architecture,
            "os": "linux",
            "config": config,
            "rootfs": {"type": "layers", "diff_ids": []},
            "created": "2026-01-01T00:00:00Z",
            "comment": marker,
        }
        config_bytes = json.dumps(image_config).encode()
        layer = f"layer of {repo} {marker} {uuid.uuid4()}".encode()
        layer_digest = self.blob(repo, layer)
        sizes = layer_sizes or (len(layer),)
        layers = [
            {"mediaType": OCI_LAYER if oci else DOCKER_LAYER, "size": s, "digest": layer_digest}
            for s in sizes
        ]
        body = {
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
            "config": {
                "mediaType": OCI_CONFIG if oci else DOCKER_CONFIG,
                "size": len(config_bytes),
                "digest": self.blob(repo, config_bytes),
            },
            "layers": layers,
        }
        return self.manifest(repo, tag or digest_of(json.dumps(body, indent=3).encode()), body)

    def index(
        self, repo: str, tag: str, children: list[tuple[Pushed, str]], *, oci: bool = True
    ) -> Pushed:
        """An image index (OCI) or manifest list (Docker) over already pushed manifests."""
        manifests = []
        for child, platform in children:
            os_name, architecture = platform.split("/", 1)
            raw = self.session.get(
                f"{self.url}/v2/{repo}/manifests/{child.digest}",
                headers={"Accept": child.media_type},
                timeout=10,
            ).content
            manifests.append(
                {
                    "mediaType": child.media_type,
                    "size": len(raw),
                    "digest": child.digest,
                    "platform": {"os": os_name, "architecture": architecture},
                }
            )
        body = {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX if oci else DOCKER_LIST,
            "manifests": manifests,
        }
        return self.manifest(repo, tag, body)


# ---- a token server (the Docker registry token protocol) signing with openssl -----------


@dataclass
class TokenServer:
    """`GET /token?service=&scope=` with Basic auth; issues RS256 JWTs the registry trusts."""

    folder: Path
    service: str = "test-registry"
    issuer: str = "test-token-issuer"
    calls: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        openssl = require_binary("openssl")
        self.key = self.folder / "token.key"
        self.cert = self.folder / "token.pem"
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=test-token-issuer", "-keyout", str(self.key), "-out", str(self.cert)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        der = subprocess.run(
            [openssl, "x509", "-in", str(self.cert), "-outform", "DER"],
            check=True,
            capture_output=True,
        ).stdout
        self.x5c = base64.b64encode(der).decode()
        self.openssl = openssl

    @property
    def realm(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/token"

    @property
    def host(self) -> str:
        assert self.server is not None
        return f"127.0.0.1:{self.server.server_address[1]}"

    def sign(self, claims: dict[str, Any]) -> str:
        def part(value: dict[str, Any]) -> str:
            raw = json.dumps(value, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

        head = part({"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]})
        signing_input = f"{head}.{part(claims)}"
        signature = subprocess.run(
            [self.openssl, "dgst", "-sha256", "-sign", str(self.key)],
            input=signing_input.encode(),
            check=True,
            capture_output=True,
        ).stdout
        return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.calls.append(self.path)
                query = parse_qs(urlsplit(self.path).query)
                expected = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self.send_response(401)
                    self.end_headers()
                    return
                access = []
                for scope in query.get("scope", []):
                    kind, name, actions = scope.split(":")
                    access.append({"type": kind, "name": name, "actions": actions.split(",")})
                now = int(time.time())
                token = owner.sign(
                    {
                        "iss": owner.issuer,
                        "sub": USER,
                        "aud": query.get("service", [""])[0],
                        "exp": now + 300,
                        "nbf": now - 10,
                        "iat": now,
                        "jti": str(uuid.uuid4()),
                        "access": access,
                    }
                )
                body = json.dumps({"token": token, "expires_in": 300}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def auth_config(self) -> dict[str, Any]:
        return {
            "token": {
                "realm": self.realm,
                "service": self.service,
                "issuer": self.issuer,
                "rootcertbundle": str(self.cert),
            }
        }


def running(registry: Registry) -> Iterator[Registry]:
    try:
        yield registry
    finally:
        registry.stop()
