"""Benchmark `modelarts-gitops validate` against check-jsonschema, and its peak memory.

    python benchmarks/validate.py [--files 10000] [--memory-files 10000,30000] [--repeat 5]
                                  [--check-jsonschema PATH]

It writes N realistic model imports (a third with a config.json shared by the versions of a
model, the rest with an inline config) into a temporary folder, then times whole processes
of the installed console script, so interpreter start and imports are included:

- a full run of every import, all rules, with the default workers and on one process;
- a one-file run (what a pre-commit hook pays) in a 4-import and an N-import repository;
- the peak resident memory of the largest process at each size of `--memory-files`;
- last, each target, met or not: ratios of at most 0.10 (full run), 0.25 (one process)
  and 0.5 (one file, either repository), and a peak of at most 64 MiB.

When check-jsonschema is installed (found on PATH or given), it runs interleaved with each
of our runs (A B A B ...), checking the import schema only, and the ratios ours/its are
printed: the median of the pairwise ratios. Install its fastest configuration, with the C
YAML parser, in a separate environment:

    python3 -m venv /tmp/cj && /tmp/cj/bin/pip install check-jsonschema ruamel.yaml.clib

Time an installed copy (`pip install .`, which writes the bytecode): an editable install
with PYTHONDONTWRITEBYTECODE=1 set compiles the package in every process, about 30 ms more a
run, and the benchmark says so before it starts.

Peak memory comes from `os.wait4` (the largest of the process and the children it waited for).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

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


def uncompiled(module: str = "validator.check.run") -> str | None:
    """Why every run of the installed tool would compile `module` again, or None.

    An editable install where bytecode is not written (PYTHONDONTWRITEBYTECODE=1) has no
    `.pyc` to read: each process compiles the package anew, about 30 ms, which a one-file
    run mostly is. Its figures would not be what an installed hook pays.
    """
    import importlib.util

    found = importlib.util.find_spec(module)
    origin = None if found is None else found.origin
    if origin is None or not origin.endswith(".py"):
        return None
    if os.path.exists(importlib.util.cache_from_source(origin)):
        return None
    return (
        f"warning: {module} has no bytecode beside its source: every run compiles the "
        "package again, and the one-file figures are not an installed hook's "
        "(install with `pip install .`, or unset PYTHONDONTWRITEBYTECODE)"
    )


class Run(NamedTuple):
    seconds: float
    peak_mib: float


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """One whole process: wall time, and the peak RSS of its largest process."""
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    error = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(
            f"benchmark run failed ({child.returncode}): {' '.join(command[:4])} ...\n"
            f"{error[-2000:]!r}"
        )
    return Run(elapsed, usage.ru_maxrss / 1024)


def compare(
    name: str, ours: Callable[[], Run], theirs: Callable[[], Run] | None, repeat: int
) -> float | None:
    """Interleaved runs; medians, and the median of the pairwise ratios (returned)."""
    pairs = []
    for _ in range(repeat):
        pairs.append((ours(), theirs() if theirs else None))
    us = statistics.median(a.seconds for a, _ in pairs)
    line = f"{name:<44} us {us:7.3f} s"
    ratio = None
    if theirs is not None:
        them = statistics.median(b.seconds for _, b in pairs if b)
        ratio = statistics.median(a.seconds / b.seconds for a, b in pairs if b)
        line += f"   check-jsonschema {them:7.3f} s   ratio {ratio:.3f}"
    print(line, flush=True)
    return ratio


# The targets: a ratio to check-jsonschema's time at most, or a peak RSS in MiB at most.
RATIO_TARGETS = {
    "full run, default workers": 0.10,
    "full run, one process": 0.25,
    "one file, 4-import repository": 0.5,
    "one file, N-import repository": 0.5,
}
PEAK_MIB = 64.0


def verdicts(ratios: dict[str, float | None], peaks: dict[str, float]) -> list[str]:
    """One line per target: met or not, with the figure."""
    lines = []
    for name, limit in RATIO_TARGETS.items():
        ratio = ratios.get(name)
        if ratio is None:
            lines.append(f"  {name}: ratio <= {limit}: not measured (no check-jsonschema)")
        else:
            state = "met" if ratio <= limit else "NOT met"
            lines.append(f"  {name}: ratio {ratio:.3f} <= {limit}: {state}")
    for name, peak in peaks.items():
        state = "met" if peak <= PEAK_MIB else "NOT met"
        lines.append(f"  peak RSS, {name}: {peak:.1f} MiB <= {PEAK_MIB:.0f}: {state}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--memory-files", default="10000,30000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--check-jsonschema", default=shutil.which("check-jsonschema"))
    args = parser.parse_args()
    tool = shutil.which("modelarts-gitops", path=str(Path(sys.executable).parent))
    if tool is None:
        sys.exit("modelarts-gitops is not installed next to this Python; pip install . first")
    peer = args.check_jsonschema
    if peer is None:
        print("check-jsonschema not found: our times only (see --check-jsonschema)")
    serial = {**os.environ, "MODELARTS_GITOPS_WORKERS": "1"}
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        schema = base / "model-import.schema.json"
        schema.write_text(subprocess.check_output([tool, "schema", "import"], text=True))

        def repository(count: int) -> tuple[Path, list[str], str]:
            root = base / f"r{count}"
            models = generate(root, count)
            files = sorted(str(p.relative_to(root)) for p in models.glob("*/*.yaml"))
            return root, files, next(f for f in files if f.endswith("1.0.0.yaml"))

        small, _, small_one = repository(4)
        root, files, one = repository(args.files)

        def ours(where: Path, *paths: str, env: dict[str, str] | None = None) -> Callable[[], Run]:
            return lambda: timed([tool, "validate", *paths], where, env)

        def theirs(where: Path, *paths: str) -> Callable[[], Run] | None:
            if peer is None:
                return None
            return lambda: timed([peer, "--schemafile", str(schema), *paths], where)

        warning = uncompiled()  # after a first run, which writes the bytecode if it can
        if warning is not None:
            print(warning, flush=True)
        print(f"{args.files} imports; {args.repeat} interleaved runs each; medians", flush=True)
        ratios: dict[str, float | None] = {}
        ratios["full run, default workers"] = compare(
            "full run, default workers", ours(root, "models"), theirs(root, *files), args.repeat
        )
        ratios["full run, one process"] = compare(
            "full run, one process",
            ours(root, "models", env=serial),
            theirs(root, *files),
            args.repeat,
        )
        for where, target, label in ((small, small_one, "4"), (root, one, str(args.files))):
            timed([tool, "validate", target], where)  # the first run fills the identity cache
            key = (
                "one file, 4-import repository" if label == "4" else "one file, N-import repository"
            )
            ratios[key] = compare(
                f"one file, {label}-import repository",
                ours(where, target),
                theirs(where, target),
                max(args.repeat, 11),
            )
        peaks: dict[str, float] = {}
        for count in (int(n) for n in args.memory_files.split(",") if n):
            where = root if count == args.files else repository(count)[0]
            for label, env in (("default workers", None), ("one process", serial)):
                run = timed([tool, "validate", "models"], where, env)
                print(f"peak RSS, {count} imports, {label:<16} {run.peak_mib:6.1f} MiB", flush=True)
                peaks[f"{count} imports, {label}"] = run.peak_mib
        print("targets:", flush=True)
        print("\n".join(verdicts(ratios, peaks)), flush=True)


if __name__ == "__main__":
    main()
