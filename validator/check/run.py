"""The validation pipeline: load every file, run each rule scope, turn findings into diagnostics.

Files named on the command line are the *targets*: their findings are reported.
Every import under the models folder is loaded too, so repository-wide rules
see the whole tree even when a pre-commit hook passes only a few files, and a
config file passed alone re-checks every import that uses it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from validator.check import rules as _rules  # noqa: F401  (registers every rule family)
from validator.check.bounds import capped, clip
from validator.check.collect import Walked, collect_files
from validator.check.part import PER_IMPORT, check_part
from validator.check.records import ignore_documents, repository_specs
from validator.check.registry import RULES, checks
from validator.check.rule_run import locate, run_rule
from validator.check.subject import Repository, Spec
from validator.check.survey import survey
from validator.diagnostics import Diagnostic, Located
from validator.load.document import Document
from validator.settings import Settings

if TYPE_CHECKING:  # git_base is needed for --base only
    from validator.load.git_base import BaseState

__all__ = ["PER_IMPORT", "check", "check_part", "collect_files", "locate", "run_rule", "validate"]


class Checked(NamedTuple):
    diagnostics: list[Diagnostic]
    specs: list[Spec]  # the imports the repository rules read, targets or not


def validate(
    files: Sequence[Path],
    settings: Settings,
    *,
    base: BaseState | None = None,
    changed: set[Path] | None = None,
    workers: int = 1,
    walked: Walked | None = None,
) -> list[Diagnostic]:
    """The diagnostics for `files`; with `workers` > 1, checked on that many processes.

    `walked` holds the folders `collect_files` expanded, so that none is walked twice.
    """
    with quiet_gc():
        if workers > 1:
            from validator.check.parallel import validate_parallel

            found = validate_parallel(
                files, settings, base=base, changed=changed, workers=workers, walked=walked
            )
            if found is not None:
                return found
        return check(files, settings, base=base, changed=changed, walked=walked).diagnostics


@contextlib.contextmanager
def quiet_gc() -> Iterator[None]:
    """Keep the cyclic garbage collector out of the way of a run.

    The documents are trees without cycles, which reference counting frees, yet every
    object made counts towards the next collection, and each collection walks what is
    alive. Freezing what the imports made and collecting young objects rarely makes that
    walk short and seldom; memory is unchanged.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


GC_THRESHOLD = 50_000


def check(
    files: Sequence[Path],
    settings: Settings,
    *,
    base: BaseState | None = None,
    changed: set[Path] | None = None,
    walked: Walked | None = None,
) -> Checked:
    """Check `files` (imports, or config files whose users are then checked).

    `changed`, when given, narrows the reported files to those (`--changed-only`).
    Each import is checked as soon as it is loaded and then kept as a record (see
    `validator.check.records`): memory does not grow with the documents of the repository.
    """
    found = survey(files, settings, walked)
    part = check_part(found.load, found.configs, settings, changed, whole=False, base=base)
    loaded, targets = part.specs, frozenset(part.targets)
    if not part.whole:
        loaded, targets = repository_specs(part.kept, found, settings, base)
    specs = found.ordered(loaded, settings, targets, base)
    located = part.located
    repository = Repository(tuple(specs), settings, targets, base)
    for rule in checks("repository"):
        if part.whole or rule.id not in PER_IMPORT:
            located.extend(run_rule(rule, repository, None))
    documents = ignore_documents(located, part.kept)
    documents.update(documents_of(located, specs, part.documents))
    return Checked(finalize(located, documents, settings), specs)


def documents_of(
    located: Iterable[Located], specs: Iterable[Spec], extra: Mapping[str, Document]
) -> dict[str, Document]:
    """The documents of the files with findings (their ignore comments filter them): the
    specs' over `extra`'s; not one entry per import of the repository."""
    files = {item.file for item in located}
    found = {path: document for path, document in extra.items() if path in files}
    found.update((s.document.path, s.document) for s in specs if s.document.path in files)
    return found


def finalize(
    located: Iterable[Located], documents: dict[str, Document], settings: Settings
) -> list[Diagnostic]:
    """Apply select/ignore, inline ignore comments and severities; sort by place."""
    out = set()
    for item in located:
        if not settings.enabled(item.rule):
            continue
        document = documents.get(item.file)
        if document is not None and document.ignored(item.line, item.rule):
            continue
        severity = settings.severity_of(item.rule, RULES[item.rule].severity)
        out.add(
            Diagnostic(
                item.file,
                item.line,
                item.column,
                item.rule,
                severity,
                clip(item.message),
                item.suggestion and clip(item.suggestion),
            )
        )
    return capped(sorted(out))
