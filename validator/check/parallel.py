"""`validate` on several processes, for large repositories: the same diagnostics, sooner.

Loading a file and running the import and config rules on it is most of the time, and
needs nothing from the other files, except that a config file's rules run once with every
import using it. So the files are cut into chunks that keep the users of a config file
together, a pool of forked workers checks the chunks, and this process runs the rules that
compare files (MA601, MA603) over the names and versions the workers send back, with
each import's inline ignore comments, which are all that is needed to filter every finding.

`validator.commands.check.worker_count` decides how many workers a run gets
(`MODELARTS_GITOPS_WORKERS`).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from validator.check.registry import checks
from validator.check.run import check_part, finalize, run_rule
from validator.check.subject import Repository, Spec
from validator.check.survey import Walked, survey
from validator.diagnostics import DataPath, Diagnostic, Located
from validator.load.document import Document
from validator.load.git_base import BaseState
from validator.settings import Settings

CHUNKS_PER_WORKER = 4  # a few each, so that one slow chunk does not leave a core idle
# Repository rules that look at one import at a time (and the base): they run in the
# workers, on full imports. The others compare files and run here, on names and versions.
PER_IMPORT = frozenset({"MA602", "MA604"})


@dataclass(frozen=True, slots=True)
class _Job:
    """What every worker needs, inherited through fork rather than sent with each chunk."""

    settings: Settings
    configs: set[Path]
    changed: set[Path] | None
    base: BaseState | None
    whole: bool  # send back each import's whole data and config (plan's desired state)


@dataclass(frozen=True, slots=True)
class _Done:
    """A checked chunk, as it travels back: its findings, and its imports as slim specs."""

    located: list[Located]
    specs: dict[Path, Spec]
    targets: set[Path]
    uses: dict[Path, Path]  # import file (as given) -> the config file it uses


_job: _Job | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """Every finding before select/ignore/severity apply, the imports, and their documents."""

    located: list[Located]
    specs: list[Spec]
    documents: dict[str, Document]


def validate_parallel(
    files: Sequence[Path],
    settings: Settings,
    *,
    base: BaseState | None,
    changed: set[Path] | None,
    workers: int,
    walked: Walked | None = None,
) -> list[Diagnostic] | None:
    """The diagnostics `check` would give, or None when the caller should check serially."""
    checked = check_parallel(
        files, settings, base=base, changed=changed, workers=workers, walked=walked
    )
    return None if checked is None else finalize(checked.located, checked.documents, settings)


def check_parallel(
    files: Sequence[Path],
    settings: Settings,
    *,
    base: BaseState | None,
    changed: set[Path] | None,
    workers: int,
    walked: Walked | None = None,
    whole: bool = False,
) -> Checked | None:
    """What `check` finds, or None when the caller should check serially.

    With `whole`, each import comes back with all its data and its config's (for the
    desired state); otherwise with what the repository rules read.
    """
    found = survey(files, settings, walked)
    job = _Job(settings, found.configs, changed, base, whole)
    uses: dict[Path, Path] = {}  # import -> the config file it uses, once a pass has seen it
    for _ in range(2):  # the first pass guesses the groups; a second knows them
        chunks = _chunks(found.load, workers * CHUNKS_PER_WORKER, uses)
        if len(chunks) < 2:
            return None
        done = _map(job, chunks, workers)
        uses = {file: config for part in done for file, config in part.uses.items()}
        users = {(config, n) for n, part in enumerate(done) for config in part.uses.values()}
        if len(users) == len(set(uses.values())):  # no config file has users in two chunks
            break
    else:
        return None
    loaded = {key: spec for part in done for key, spec in part.specs.items()}
    targets = frozenset(key for part in done for key in part.targets)
    specs = found.ordered(loaded, settings, targets, base)
    repository = Repository(tuple(specs), settings, targets, base)
    located = [item for part in done for item in part.located]
    for rule in checks("repository"):
        if rule.id not in PER_IMPORT:
            located.extend(run_rule(rule, repository, None))
    documents = {s.document.path: s.document for s in specs}  # what `check` has, slimmer
    return Checked(located, specs, documents)


def _chunks(
    load: list[tuple[Path, bool]], count: int, uses: dict[Path, Path]
) -> list[list[tuple[Path, bool]]]:
    """`load` cut into up to `count` chunks of similar size, keeping the users of a config
    file together (guessed by folder while `uses` does not say), each chunk in order."""
    groups: dict[Path, list[int]] = {}
    for index, (file, _) in enumerate(load):
        groups.setdefault(uses.get(file, file.parent), []).append(index)
    chunks: list[list[int]] = [[] for _ in range(min(count, len(groups)))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(chunks, key=len).extend(group)
    return [[load[i] for i in sorted(chunk)] for chunk in chunks]


def _map(job: _Job, chunks: list[list[tuple[Path, bool]]], workers: int) -> list[_Done]:
    context = multiprocessing.get_context("fork")  # workers inherit the job and the imports
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(job,))
    try:
        return list(pool.map(_check_chunk, chunks))
    finally:
        pool.shutdown(cancel_futures=True)


def _start(job: _Job) -> None:
    global _job  # noqa: PLW0603  (one per worker process, set once when it starts)
    _job = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _check_chunk(load: list[tuple[Path, bool]]) -> _Done:
    assert _job is not None
    settings, base = _job.settings, _job.base
    part = check_part(load, _job.configs, settings, _job.changed)
    repository = Repository(tuple(part.specs.values()), settings, frozenset(part.targets), base)
    for rule in checks("repository"):
        if rule.id in PER_IMPORT:
            part.located.extend(run_rule(rule, repository, None))
    keep = _whole if _job.whole else _slim
    slim = {key: keep(spec) for key, spec in part.specs.items()}
    uses = {s.file: s.config_file for s in part.specs.values() if s.config_file is not None}
    return _Done(part.located, slim, part.targets, uses)


def _slim(spec: Spec) -> Spec:
    """What MA601 and MA603 read: name, version, where the version is, the ignore comments."""
    full = spec.document
    data = {key: full.data[key] for key in ("name", "version") if key in full.data}
    wanted: tuple[DataPath, ...] = ((), ("version",))
    positions = {p: full.positions[p] for p in wanted if p in full.positions}
    document = Document(full.path, data, positions, ignores=full.ignores)
    return Spec(document, spec.file, spec.settings)


def _whole(spec: Spec) -> Spec:
    """All of an import's data and its config's, without the positions nobody reads."""
    slim = _slim(spec)
    document = Document(
        slim.document.path,
        spec.document.data,
        slim.document.positions,
        ignores=slim.document.ignores,
    )
    config = spec.config
    if config is not None:
        config = Document(config.path, config.data, {})
    return Spec(document, spec.file, spec.settings, config, spec.config_file)
