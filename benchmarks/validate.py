"""Benchmark `modelarts-gitops validate`: files per second on a generated repository, and the
time of a one-file run (what a pre-commit hook pays).

    python benchmarks/validate.py [--files 10000] [--repeat 3]

It writes N realistic model imports (a third with a config.json shared by the versions of a
model, the rest with an inline config) into a temporary git work tree, then times whole
processes of the installed console script, so interpreter start and imports are included.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = {
    "model_algorithm": "object_detection",
    "model_type": "Image",
    "apis": [
        {
            "url": "/v1/predict",
            "method": "post",
            "request": {
                "Content-type": "application/json",
                "data": {"type": "object", "properties": {"image_url": {"type": "string"}}},
            },
            "response": {
                "Content-type": "application/json",
                "data": {"type": "object", "properties": {"label": {"type": "string"}}},
            },
        }
    ],
    "health": {
        "url": "/health",
        "protocol": "http",
        "initial_delay_seconds": 10,
        "timeout_seconds": 30,
    },
}

INLINE = """\
config:
  model_algorithm: object_detection
  model_type: Image
  apis:
    - url: /v1/predict
      method: post
      request:
        Content-type: application/json
        data: {{type: object, properties: {{image_url: {{type: string}}}}}}
      response:
        Content-type: application/json
        data: {{type: object, properties: {{label: {{type: string}}}}}}
  health:
    url: /health
    protocol: http
    initial_delay_seconds: {delay}
    timeout_seconds: 30
"""


def model_file(rng: random.Random, name: str, version: str, shared: bool) -> str:
    digest = hashlib.sha256(f"{name}:{version}".encode()).hexdigest()
    image = f"swr.eu-de.otc.t-systems.com/ml-team/{name}-serving:{version}@sha256:{digest}"
    labels = ", ".join(
        rng.sample(["vision", "nlp", "tabular", "staging", "detection", "ranking"], 2)
    )
    head = f"""\
# yaml-language-server: $schema=../../schemas/model-import.schema.json
name: {name}
version: "{version}"
description: Detector model for workload {rng.randint(1, 999)}
labels: [{labels}]
source:
  image: {image}
  copy: true
deployment_types: [real-time, batch]
min_inference_specs:
  cpu: {rng.choice([1, 2, 4, 8])}
  memory: {rng.choice([2048, 4096, 8192])}
  gpu: {rng.choice([0, 1])}
docs:
  - name: README
    url: https://git.example.com/ml/{name}/README.md
"""
    return head + ("config: config.json\n" if shared else INLINE.format(delay=rng.randint(5, 60)))


# Edits that make a file break rules of every family, applied to every `broken`-th file, so
# that the slow path (a document that fails its schemas) is exercised and compared too.
BREAKS = (
    ('version: "', "version: 0"),  # MA202: an unquoted number
    ("copy: true", "copy: true\n  registry: swr"),  # MA101: unknown key
    ("ml-team/", "ml_team/"),  # MA301: image grammar
    ("  cpu: ", "  cpu: -"),  # MA503
    ("labels: [", "labels: [9"),  # MA204
    ("deployment_types: [", "deployment_types: [edge, "),  # MA502
    ("method: post", "method: fetch"),  # MA417 (inline configs only)
    ("protocol: http", "protocol: http\n    procotol: http"),  # MA406 (inline configs only)
    ("description: Detector", "description: <Detector>"),  # MA203
    ("name: README", "name: README\n    name: again"),  # MA002
)


def _broken(text: str, index: int) -> str:
    old, new = BREAKS[index % len(BREAKS)]
    return text.replace(old, new, 1)


def generate(root: Path, count: int, broken: int = 0) -> Path:
    """N imports under root/models; with `broken` > 0, every broken-th one breaks a rule,
    and every (7 x broken)-th model repeats the previous model's name (MA601)."""
    rng = random.Random(20261124)
    models = root / "models"
    written = 0
    index = 0
    while written < count:
        name = f"model-{index:05d}"
        shared = index % 3 == 0
        folder = models / name
        folder.mkdir(parents=True)
        if shared:
            (folder / "config.json").write_text(json.dumps(CONFIG, indent=2))
        for minor in range(min(3, count - written)):
            version = f"1.{minor}.0"
            text = model_file(rng, name, version, shared)
            if broken and written % broken == broken - 1:
                text = _broken(text, written // broken)
            if broken and index % (7 * broken) == 7 * broken - 1:
                text = text.replace(f"name: {name}", f"name: model-{index - 1:05d}", 1)
            (folder / f"{version}.yaml").write_text(text)
            written += 1
        index += 1
    (root / ".git").mkdir()  # marks the repository root
    return models


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(
            f"benchmark run failed ({result.returncode}):\n"
            f"{result.stdout[-2000:]}{result.stderr[-2000:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tool = shutil.which("modelarts-gitops", path=str(Path(sys.executable).parent))
    if tool is None:
        sys.exit("modelarts-gitops is not installed next to this Python; pip install . first")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        models = generate(root, args.files)
        one = next(models.glob("*/1.0.0.yaml"))
        full = [timed([tool, "validate", "models"], root) for _ in range(args.repeat)]
        single = [timed([tool, "validate", str(one.relative_to(root))], root) for _ in range(11)]
    best = min(full)
    print(f"files:              {args.files}")
    print(f"full run (s):       {', '.join(f'{t:.2f}' for t in full)}")
    print(
        f"files per second:   {args.files / best:,.0f} (best run), "
        f"{args.files / statistics.median(full):,.0f} (median)"
    )
    print(f"one-file run (ms):  {statistics.median(single) * 1000:.0f} (median of 11)")


if __name__ == "__main__":
    main()
