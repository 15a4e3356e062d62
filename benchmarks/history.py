"""Benchmark ownership from git history: what reading a long history adds to `plan`.

    python benchmarks/history.py [--commits 5000] [--models 200] [--repeat 5]

It builds a repository with `git fast-import` (COMMITS commits under models/, each adding a
version or editing one, over MODELS model names, half of them later removed), then times,
in the same process and interleaved: `git log --raw` alone (the floor), reading the history
cold (every blob read and parsed, the cache empty), reading it warm (the cache in
.modelarts-gitops/cache/ answers), and a whole `plan --prune` process against the local
registry. Medians are printed with the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORT = """\
name: {name}
version: "{version}"
description: {description}
source:
  image: swr.eu-de.otc.t-systems.com/ml-team/{name}:{version}
deployment_types: [real-time]
config:
  model_type: Image
  model_algorithm: image_classification
"""


def build(root: Path, commits: int, models: int) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    stream: list[bytes] = []
    versions: dict[int, int] = {}
    for number in range(commits):
        index = number % models
        removing = number >= commits - models // 2 and index % 2 == 0 and index in versions
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"committer Bench <b@example.com> {1_700_000_000 + number} +0000\n".encode())
        message = f"change {number}".encode()
        stream.append(b"data %d\n%s\n" % (len(message), message))
        name = f"model-{index:04d}"
        if removing:
            stream.append(f"D models/{name}\n".encode())
            del versions[index]
        else:
            minor = versions.get(index, -1) + 1
            versions[index] = minor
            text = IMPORT.format(
                name=name, version=f"1.{minor % 100}.0", description=f"rev {number}"
            )
            body = text.encode()
            path = f"models/{name}/1.{minor % 100}.0.yaml"
            stream.append(f"M 100644 inline {path}\n".encode())
            stream.append(b"data %d\n%s\n" % (len(body), body))
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "checkout", "-q", "main"], cwd=root, check=True)


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--models", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from validator.sync.ownership import read_history

    root = Path(tempfile.mkdtemp(prefix="history-bench-"))
    try:
        build(root, args.commits, args.models)
        cache = root / ".modelarts-gitops" / "cache"
        command = [sys.executable, "-m", "validator", "plan", "--prune"]
        subprocess.run(command, cwd=root, check=True, capture_output=True)  # warm the OS cache
        rounds: dict[str, list[float]] = {"git log": [], "cold": [], "warm": [], "plan": []}
        names = 0
        log = ["git", "log", "--format=", "--raw", "--no-renames", "--no-abbrev", "-m"]
        log += ["HEAD", "--", "models"]
        for _ in range(args.repeat):
            rounds["git log"].append(
                timed(lambda: subprocess.run(log, cwd=root, check=True, capture_output=True))
            )
            shutil.rmtree(cache, ignore_errors=True)
            rounds["cold"].append(timed(lambda: read_history(root, "models")))
            rounds["warm"].append(timed(lambda: read_history(root, "models")))
            names = len(read_history(root, "models").names)
            rounds["plan"].append(
                timed(lambda: subprocess.run(command, cwd=root, check=True, capture_output=True))
            )
        median = {key: statistics.median(values) for key, values in rounds.items()}
        print(f"{args.commits} commits, {args.models} names in history ({names} found)")
        for key, value in median.items():
            print(f"  {key:8} median {value * 1000:8.1f} ms")
        print(f"  cold / git log  {median['cold'] / median['git log']:.2f}x")
        print(f"  warm / git log  {median['warm'] / median['git log']:.2f}x")
        print(
            f"  warm history share of a whole plan process: {median['warm'] / median['plan']:.0%}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
