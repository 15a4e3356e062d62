"""Real registries for the online image checks, started once per test session.

One open registry receives every pushed image; a registry with htpasswd Basic auth and
one with token auth (through the token server in `oci.py`) serve the same storage.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.images import oci


@dataclass(frozen=True)
class Images:
    """References (without host) of the pushed images, by what they show."""

    moved_old: str  # digest tag `moved:1.0` pointed to before it was pushed again
    moved_new: str
    good_digest: str
    index_arm_digest: str  # the arm64 manifest inside `index-good:1.0`


@dataclass(frozen=True)
class Registries:
    open: oci.Registry
    basic: oci.Registry
    token: oci.Registry
    token_server: oci.TokenServer
    images: Images
    pusher: oci.Pusher


def push_images(pusher: oci.Pusher) -> Images:
    good = pusher.image("ml/good", "1.0")
    pusher.image("ml/oci-good", "1.0", oci=True)
    s390 = pusher.image("ml/index-good", None, oci=True, architecture="s390x")
    arm = pusher.image("ml/index-good", None, oci=True, architecture="arm64")
    pusher.index("ml/index-good", "1.0", [(s390, "linux/s390x"), (arm, "linux/arm64")])
    amd = pusher.image("ml/list-good", None, architecture="amd64")
    pusher.index("ml/list-good", "1.0", [(amd, "linux/amd64")], oci=False)
    pusher.image("ml/noport", "1.0", ports=("80/tcp",))
    pusher.image("ml/s390x", "1.0", architecture="s390x")
    only = pusher.image("ml/index-bad", None, oci=True, architecture="ppc64le")
    pusher.index("ml/index-bad", "1.0", [(only, "linux/ppc64le")])
    pusher.image("ml/huge", "1.0", layer_sizes=(20 << 30, 20 << 30))
    pusher.image("ml/big-ok", "1.0", oci=True, layer_sizes=(15 << 30, 14 << 30))
    pusher.image("ml/batch", "1.0", cmd=("sh", "/home/run.sh"))
    pusher.image("ml/batch-entry", "1.0", entrypoint=("/bin/sh", "/home/run.sh"), cmd=())
    old = pusher.image("ml/moved", "1.0", marker="first build")
    new = pusher.image("ml/moved", "1.0", marker="second build")
    pusher.image("ml/good", "1.1")
    return Images(old.digest, new.digest, good.digest, arm.digest)


@pytest.fixture(scope="session")
def registries(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registries]:
    folder = tmp_path_factory.mktemp("oci")
    storage = folder / "storage"
    started: list[oci.Registry] = []
    server = oci.TokenServer(folder)
    try:
        opened = oci.start_registry(folder / "open", storage)
        started.append(opened)
        pusher = oci.Pusher(opened.url)
        images = push_images(pusher)
        htpasswd = oci.htpasswd_file(folder)
        basic_auth = {"htpasswd": {"realm": "test-registry", "path": str(htpasswd)}}
        started.append(oci.start_registry(folder / "basic", storage, basic_auth))
        server.start()
        started.append(oci.start_registry(folder / "token", storage, server.auth_config()))
        yield Registries(*started, server, images, pusher)
    finally:
        for registry in started:
            registry.stop()
        server.stop()


def docker_config(folder: Path, auths: dict[str, tuple[str, str]]) -> Path:
    """A Docker config folder with `auths` of base64 `user:password`, as `docker login` writes."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = {
        host: {"auth": base64.b64encode(f"{user}:{password}".encode()).decode()}
        for host, (user, password) in auths.items()
    }
    (folder / "config.json").write_text(json.dumps({"auths": entries}), encoding="utf-8")
    return folder
