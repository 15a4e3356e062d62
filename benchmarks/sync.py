"""Benchmark `plan` and `sync` against `validate` of the same repository, as ratios.

    python benchmarks/sync.py [--files 10000] [--repeat 3]

On N generated model imports (see validate.py) it times whole processes of the installed
console script, interleaved round by round so that load on the machine hits every command
alike, and prints the median of each and of each round's ratio to `validate`:

- a sync of the N models into a fresh embedded registry, and a no-op `plan` against it;
- a no-op `plan` against `registry serve` holding the same N models, with a cold
  ShowModel cache (`.modelarts-gitops/cache/` removed) and with a warm one;
- requests per HTTP plan (from the server's request log), and the client's and the
  server's CPU seconds (getrusage of the child; /proc/<pid>/stat of the server).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from validate import generate  # the same generated repository

TOKEN = "benchmark-token"
TARGETS = {  # ratio to validate that each run must stay under (the product's targets)
    "sync (embedded)": 3.0,
    "plan (embedded)": 1.2,
    "plan (http, cold cache)": 3.0,
    "plan (http, warm cache)": 1.5,
}


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float  # user + system of the client process


def run(command: list[str], cwd: Path, env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command[1:])} failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(elapsed, cpu)


def process_cpu(pid: int) -> float:
    """User + system CPU seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """`modelarts-gitops registry serve` on a free port, its request log in a file."""

    def __init__(self, tool: str, db: Path, log: Path, env: dict[str, str]) -> None:
        self.log = log
        self._stderr = open(log, "w")  # noqa: SIM115  (closed in stop())
        command = [tool, "registry", "serve", "--port", "0", "--db", str(db)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=self._stderr, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        self.url = line.strip().rsplit(" ", 1)[-1]
        if not self.url.startswith("http://"):
            self.stop()
            sys.exit(f"registry serve did not start: {line!r}")

    def requests(self) -> int:
        return sum(1 for line in self.log.read_text().splitlines() if '"GET ' in line)

    def cpu(self) -> float:
        return process_cpu(self.process.pid)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._stderr.close()


@dataclass
class Figures:
    times: dict[str, list[float]]
    cpu: dict[str, list[float]]
    ratios: dict[str, list[float]]
    requests: dict[str, list[int]]
    server_cpu: dict[str, list[float]]


HTTP_RUNS = (("plan (http, cold cache)", False), ("plan (http, warm cache)", True))


def round_of(tool: str, root: Path, env: dict[str, str], figures: Figures) -> None:
    """One round: validate, the embedded sync and plan, then the HTTP plans, cold and warm."""
    state = root / ".modelarts-gitops"
    db, served = state / "registry.db", root / "served.db"
    for path in (db, served):
        for extra in ("", "-wal", "-shm", ".lock"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    results = {"validate": run([tool, "validate", "models"], root, env)}
    results["sync (embedded)"] = run([tool, "sync"], root, env)
    results["plan (embedded)"] = run([tool, "plan"], root, env)
    shutil.copy(db, served)  # the server holds the same models
    server = Server(tool, served, root / "server.log", env)
    try:
        for name, warm in HTTP_RUNS:
            if not warm:
                shutil.rmtree(state / "cache", ignore_errors=True)
            seen, busy = server.requests(), server.cpu()
            results[name] = run([tool, "plan", "--registry", server.url], root, env)
            figures.requests.setdefault(name, []).append(server.requests() - seen)
            figures.server_cpu.setdefault(name, []).append(server.cpu() - busy)
    finally:
        server.stop()
    base = results["validate"].seconds
    for name, result in results.items():
        figures.times.setdefault(name, []).append(result.seconds)
        figures.cpu.setdefault(name, []).append(result.cpu)
        if name in TARGETS:
            figures.ratios.setdefault(name, []).append(result.seconds / base)


def report(figures: Figures, files: int, rounds: int) -> None:
    median = statistics.median
    print(f"models: {files}, rounds: {rounds} (medians; ratios are per round)")
    print(f"{'run':26} {'seconds':>8} {'client CPU':>11} {'x validate':>11} {'target':>7}")
    for name, values in figures.times.items():
        ratio = f"{median(figures.ratios[name]):.2f}" if name in TARGETS else ""
        target = f"<= {TARGETS[name]:g}" if name in TARGETS else ""
        client = median(figures.cpu[name])
        print(f"{name:26} {median(values):8.2f} {client:11.2f} {ratio:>11} {target:>7}")
    for name, counts in figures.requests.items():
        server = median(figures.server_cpu[name])
        print(f"{name}: {median(counts):.0f} requests, server CPU {server:.2f} s")
    failed = [name for name in TARGETS if median(figures.ratios[name]) > TARGETS[name]]
    print("targets: " + ("all met" if not failed else "missed: " + ", ".join(failed)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tool = shutil.which("modelarts-gitops", path=str(Path(sys.executable).parent))
    if tool is None:
        sys.exit("modelarts-gitops is not installed next to this Python; pip install . first")
    env = {**os.environ, "MODELARTS_TOKEN": TOKEN}
    for name in ("MODELARTS_REGISTRY", "MODELARTS_PROJECT_ID", "HTTP_PROXY", "http_proxy"):
        env.pop(name, None)
    figures = Figures({}, {}, {}, {}, {})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        generate(root, args.files)
        for _ in range(args.repeat):
            round_of(tool, root, env, figures)
    report(figures, args.files, args.repeat)


if __name__ == "__main__":
    main()
