"""Bounded cost on hostile files: CPU, memory and output of one `validate` per file.

    python benchmarks/hostile.py [--repeat 3]

Each case is one model import (or its config.json) built to amplify work: half a
million labels in flow style, a 250,000-item block list, a million labels with the
size limit raised to 4 MiB, files just under the value limit, thousands of findings
of one rule, a 1 MB key. Each runs in its own temporary git work tree as a whole
process of the installed console script. The CPU time and peak memory come from
`resource.getrusage(RUSAGE_CHILDREN)` around that process; the output size is what
it wrote. The budget per file is 1 s of CPU and 100 MB; the last column compares
the median CPU time with it. Exits 1 when a case is over budget.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

CPU_BUDGET = 1.0  # seconds per file
MEMORY_BUDGET = 100 * 1024 * 1024  # bytes

IMPORT = """\
name: demo-model
version: "1.0.0"
description: A demo model
source:
  image: swr.eu-de.otc.t-systems.com/ml-team/demo@sha256:{digest}
deployment_types: [real-time]
config:
  model_algorithm: image_classification
  model_type: Image
  apis:
    - url: /predict
      method: post
      request:
        Content-type: application/json
        data: {{type: object, properties: {{image_url: {{type: string}}}}}}
  health: {{url: /health, protocol: http, initial_delay_seconds: 10, timeout_seconds: 5}}
""".format(digest="a" * 64)
HEAD = IMPORT.split("config:")[0]


def _labels(items: str) -> str:
    return IMPORT.replace("deployment_types:", f"labels: {items}\ndeployment_types:")


Case = tuple[str, Callable[[Path], None]]


def _import(text: str, settings: str = "") -> Callable[[Path], None]:
    def write(root: Path) -> None:
        (root / "models/demo-model").mkdir(parents=True)
        (root / "models/demo-model/1.0.0.yaml").write_text(text, encoding="utf-8")
        if settings:
            (root / ".modelarts-gitops.yaml").write_text(settings, encoding="utf-8")

    return write


def _config(value: object) -> Callable[[Path], None]:
    return _config_text(json.dumps(value))


def _config_text(x: str) -> Callable[[Path], None]:
    def write(root: Path) -> None:
        _import(HEAD + "config: config.json\n")(root)
        text = '{"model_type": "Image", "x": ' + x + "}"
        (root / "models/demo-model/config.json").write_text(text, encoding="utf-8")

    return write


CASES: list[Case] = [
    ("500,000 labels, flow style", _import(_labels("[" + ",".join(["a"] * 500_000) + "]"))),
    ("250,000-item block list", _import(_labels("\n" + "- a\n" * 250_000))),
    (
        "1,000,000 labels, 4 MiB limit",
        _import(_labels("[" + ",".join(["a"] * 1_000_000) + "]"), "max_file_size: 4194304\n"),
    ),
    ("9,900 duplicate labels", _import(_labels("[" + ",".join(["a"] * 9_900) + "]"))),
    ("5,000 duplicate keys", _import(IMPORT + "name: x\n" * 5_000)),
    ("a 1 MB unknown key", _import(IMPORT + "? " + "k" * 1_000_000 + "\n: 1\n")),
    (
        "3,000 bad data properties",
        _import(
            IMPORT.replace(
                "properties: {image_url: {type: string}}",
                "properties: {" + ",".join(f"p{i}: {{type: strin}}" for i in range(3_000)) + "}",
            )
        ),
    ),
    ("config.json, 200,000 values", _config(list(range(200_000)))),
    ("config.json, 100,000-deep", _config_text("[" * 100_000 + "]" * 100_000)),
    ("config.json, a 5,000-digit number", _config_text("9" * 5_000)),
]


# Run in a fresh interpreter per measurement, so RUSAGE_CHILDREN holds that one process only.
_MEASURE = """
import json, resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, check=False)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
crashed = b"Traceback" in result.stderr or b"internal error" in result.stdout + result.stderr
print(json.dumps([usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
                  len(result.stdout) + len(result.stderr), crashed]))
"""


def _measure(root: Path, command: list[str]) -> tuple[float, int, int]:
    """CPU seconds, peak RSS in bytes and output bytes of one process."""
    env = {**os.environ, "MODELARTS_GITOPS_WORKERS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        cwd=root,
        env=env,
        capture_output=True,
        check=True,
    )
    cpu, peak, output, crashed = json.loads(done.stdout)
    if crashed:
        raise SystemExit(f"{command} crashed in {root}")
    return cpu, peak, output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    script = shutil.which("modelarts-gitops") or str(
        Path(sys.executable).parent / "modelarts-gitops"
    )
    over = 0
    print(f"{'case':<34} {'CPU s (median)':>14} {'peak MB':>8} {'output B':>9} {'CPU/budget':>10}")
    for name, build in CASES:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            subprocess.run(["git", "init", "-q", str(root)], check=True)
            build(root)
            runs = [_measure(root, [script, "validate"]) for _ in range(args.repeat)]
        cpu = statistics.median(r[0] for r in runs)
        peak, output = max(r[1] for r in runs), runs[0][2]
        flag = " OVER" if cpu > CPU_BUDGET or peak > MEMORY_BUDGET else ""
        over += bool(flag)
        ratio = cpu / CPU_BUDGET
        print(f"{name:<34} {cpu:>14.2f} {peak / 1e6:>8.0f} {output:>9,} {ratio:>10.2f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
