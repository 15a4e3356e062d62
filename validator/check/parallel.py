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
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.collect import Walked
from validator.check.part import PER_IMPORT, check_part
from validator.check.records import Kept, ignore_documents, keep, repository_specs
from validator.check.registry import checks
from validator.check.rule_run import run_rule
from validator.check.run import documents_of, finalize
from validator.check.subject import Repository, Spec, absolute, slim
from validator.check.survey import survey
from validator.diagnostics import Diagnostic, Located
from validator.load.document import Document
from validator.settings import Settings

if TYPE_CHECKING:  # git_base is needed for --base only
    from validator.load.git_base import BaseState

CHUNKS_PER_WORKER = 4  # a few each, so that one slow chunk does not leave a core idle
# The repository rules in PER_IMPORT look at one import at a time (and the base): they run
# in the workers, on full imports. The others compare files and run here, on slim specs.


class _Job(NamedTuple):
    """What every worker needs, inherited through fork rather than sent with each chunk."""

    settings: Settings
    configs: set[Path]
    changed: set[Path] | None
    base: BaseState | None
    declare: Callable[[Spec], Any] | None  # called on each import loaded (plan's desired state)
    load: list[tuple[Path, bool]]  # chunks are lists of indices into it


class _Done(NamedTuple):
    """A checked chunk, as it travels back, by index into the job's `load`: its findings,
    the record of each import that loaded, the config file each import uses, and what
    `declare` made of each."""

    located: list[Located]
    uses: dict[int, Path]
    kept: list[Kept]
    declared: list[tuple[int, Any]]


_job: _Job | None = None


class Checked(NamedTuple):
    """Every finding before select/ignore/severity apply, the imports the repository rules
    read, the documents whose ignore comments filter the findings, and, in load order,
    what `declare` made of every import that loaded."""

    located: list[Located]
    specs: list[Spec]
    documents: dict[str, Document]
    declared: list[Any]


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
    declare: Callable[[Spec], Any] | None = None,
    meanwhile: Callable[[], Callable[[], None]] | None = None,
) -> Checked | None:
    """What `check` finds, or None when the caller should check serially.

    Each import comes back as the record the repository rules read and, with `declare`,
    as what `declare(spec)` made of it in the worker, while its documents were at hand
    (plan's desired state: the documents themselves never travel). `meanwhile` starts
    work here once the first pass's workers are forked (the plan reads the registry then),
    and returns a function that waits for it: a second pass waits before it forks.
    """
    found = survey(files, settings, walked)
    job = _Job(settings, found.configs, changed, base, declare, found.load)
    uses: dict[int, Path] = {}  # import -> the config file it uses, once a pass has seen it
    waits: list[Callable[[], None]] = []
    for attempt in range(2):  # the first pass guesses the groups; a second knows them
        chunks = _chunks(found.load, workers * CHUNKS_PER_WORKER, uses)
        if len(chunks) < 2:
            return None
        for wait in waits:
            wait()  # no thread of this process may run while workers are forked
        done = _map(job, chunks, workers, meanwhile if attempt == 0 else None, waits)
        uses = {index: config for part in done for index, config in part.uses.items()}
        users = {(config, n) for n, part in enumerate(done) for config in part.uses.values()}
        if len(users) == len(set(uses.values())):  # no config file has users in two chunks
            break
    else:
        return None

    kept = [item for part in done for item in part.kept]
    loaded, targets = repository_specs(kept, found, settings, base)
    specs = found.ordered(loaded, settings, targets, base)
    repository = Repository(tuple(specs), settings, targets, base)
    located = [item for part in done for item in part.located]
    for rule in checks("repository"):
        if rule.id not in PER_IMPORT:
            located.extend(run_rule(rule, repository, None))
    documents = ignore_documents(located, kept)
    documents.update(documents_of(located, specs, {}))
    declared = sorted((item for part in done for item in part.declared), key=itemgetter(0))
    return Checked(located, specs, documents, [value for _, value in declared])


def _chunks(load: list[tuple[Path, bool]], count: int, uses: dict[int, Path]) -> list[list[int]]:
    """Indices into `load` cut into up to `count` chunks of similar size, keeping the users
    of a config file together (guessed by folder while `uses` does not say), each in order."""
    groups: dict[Path, list[int]] = {}
    for index, (file, _) in enumerate(load):
        groups.setdefault(uses.get(index, file.parent), []).append(index)
    chunks: list[list[int]] = [[] for _ in range(min(count, len(groups)))]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(chunks, key=len).extend(group)
    return [sorted(chunk) for chunk in chunks]


def _map(
    job: _Job,
    chunks: list[list[int]],
    workers: int,
    meanwhile: Callable[[], Callable[[], None]] | None,
    waits: list[Callable[[], None]],
) -> list[_Done]:
    context = multiprocessing.get_context("fork")  # workers inherit the job and the imports
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(job,))
    try:
        results = pool.map(_check_chunk, chunks)  # every chunk is sent: the workers are forked
        if meanwhile is not None:
            waits.append(meanwhile())  # after the fork: its threads never reach a worker
        return list(results)
    finally:
        pool.shutdown(cancel_futures=True)


def _start(job: _Job) -> None:
    global _job  # noqa: PLW0603  (one per worker process, set once when it starts)
    _job = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _check_chunk(chunk: list[int]) -> _Done:
    assert _job is not None
    settings, base, declare = _job.settings, _job.base, _job.declare
    load = [_job.load[i] for i in chunk]
    part = check_part(
        load, _job.configs, settings, _job.changed, whole=False, base=base, declare=declare
    )
    if not part.whole:  # records, MA602 and MA604 run: by index into the job's `load`
        kept = [item._replace(order=chunk[item.order]) for item in part.kept]
        declared = [(chunk[index], value) for index, value in part.declared]
    else:  # the online image checks need full specs: their records are made here
        specs = part.specs
        repository = Repository(tuple(specs.values()), settings, frozenset(part.targets), base)
        for rule in checks("repository"):
            if rule.id in PER_IMPORT:
                part.located.extend(run_rule(rule, repository, None))
        present = [(n, key, s) for n, key in _indices(chunk, load) if (s := specs.get(key))]
        kept = [keep(slim(spec), n, key in part.targets) for n, key, spec in present]
        declared = [] if declare is None else [(n, declare(spec)) for n, _, spec in present]
    uses = {item.order: item.config_file for item in kept if item.config_file is not None}
    return _Done(part.located, uses, kept, declared)


def _indices(chunk: list[int], load: list[tuple[Path, bool]]) -> Iterator[tuple[int, Path]]:
    """Each file's index into the job's `load`, with its `absolute` path."""
    return zip(chunk, (absolute(file) for file, _ in load), strict=True)
