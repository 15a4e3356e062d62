"""Benchmark `validate --check-images`: requests and time for 1,000 imports sharing 50 images.

    python benchmarks/image_checks.py [--imports 1000] [--images 50] [--repeat 3]

Starts the distribution registry (`docker-registry`, Debian package) on 127.0.0.1 with
htpasswd Basic auth, pushes the images over the v2 API, writes the imports into a temporary
git work tree and runs the installed console script: cold (empty cache), warm (within the
tag TTL), and offline (no flag). Requests are counted by the registry, in its access log.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import GOOD_IMPORT
from tests.images import oci
from tests.images.support import IMAGE_LINE


def run(root: Path, env: dict[str, str], *flags: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        ["modelarts-gitops", "validate", "--format", "json", *flags],
        cwd=root, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    report = json.loads(done.stdout)
    online = [d for d in report["diagnostics"] if d["rule"] in {f"MA3{n}" for n in range(7, 14)}]
    assert done.returncode == 0 and not online, (done.returncode, online[:3], done.stderr)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--imports", type=int, default=1000)
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="image-checks-"))
    registries = []
    try:
        opened = oci.start_registry(folder / "open", folder / "storage")
        registries.append(opened)
        pusher = oci.Pusher(opened.url)
        images = [f"bench/model-{n}:1.0" for n in range(args.images)]
        for n, image in enumerate(images):
            pusher.image(image.split(":")[0], "1.0", marker=str(n))
        auth = {"htpasswd": {"realm": "bench", "path": str(oci.htpasswd_file(folder))}}
        basic = oci.start_registry(folder / "basic", folder / "storage", auth)
        registries.append(basic)
        root = folder / "repo"
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        settings = {"images": {"registries": [basic.host], "insecure_registries": [basic.host]}}
        (root / ".modelarts-gitops.yaml").write_text(json.dumps(settings), encoding="utf-8")
        for n in range(args.imports):
            text = GOOD_IMPORT.replace(
                IMAGE_LINE, f"  image: {basic.host}/{images[n % len(images)]}"
            )
            path = root / "models" / f"model-{n}" / "1.0.0.yaml"
            path.parent.mkdir(parents=True)
            path.write_text(text.replace("name: demo-model", f"name: model-{n}"), encoding="utf-8")
        docker = folder / "docker"
        docker.mkdir()
        pair = base64.b64encode(f"{oci.USER}:{oci.PASSWORD}".encode()).decode()
        (docker / "config.json").write_text(json.dumps({"auths": {basic.host: {"auth": pair}}}))
        env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
        env["DOCKER_CONFIG"] = str(docker)
        cold, warm, offline = [], [], []
        cold_requests, warm_requests = [], []
        cache = root / ".modelarts-gitops" / "cache" / "images.json"
        for _ in range(args.repeat):
            cache.unlink(missing_ok=True)
            before = basic.requests()
            cold.append(run(root, env, "--check-images"))
            cold_requests.append(basic.requests() - before)
            before = basic.requests()
            warm.append(run(root, env, "--check-images"))
            warm_requests.append(basic.requests() - before)
            offline.append(run(root, env))
        print(f"{args.imports} imports sharing {args.images} images, Basic auth, loopback")
        print(f"requests cold: {cold_requests}  warm: {warm_requests}")
        for name, times in (("cold", cold), ("warm", warm), ("offline", offline)):
            print(f"{name:8} median {statistics.median(times):.2f} s  (runs: {len(times)})")
    finally:
        for registry in registries:
            registry.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
