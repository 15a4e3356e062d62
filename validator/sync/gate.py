"""The gate in front of plan and sync: the desired state exists only when every import loads.

`validate` honours `select`, `ignore`, `severity` and inline ignore comments. plan and
sync may not: a file that fails to parse, or misses its image, would silently drop out
of the desired state, and `--prune` would delete what it declared. So the rules that
define the desired state — reading the file (MA0xx), its structure (MA1xx), the name and
the version (MA201, MA202) and one file per version (MA601) — always run here, at no
less than their default severity, whatever the configuration and the flags say.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from validator.diagnostics import Diagnostic, Located, Severity
from validator.errors import Exit, UserError
from validator.load.document import Document
from validator.settings import Settings

if TYPE_CHECKING:
    from validator.check.collect import Walked
    from validator.sync.desired import Declared

MANDATORY = ("MA0", "MA1", "MA201", "MA202", "MA601")


def mandatory(rule: str) -> bool:
    return rule.startswith(MANDATORY)


def gate_diagnostics(
    located: Iterable[Located], settings: Settings, documents: Mapping[str, Document]
) -> list[Diagnostic]:
    """Mandatory rules at their default severity or higher; the others as configured."""
    from validator.check.registry import RULES

    out = set()
    for item in located:
        default = RULES[item.rule].severity if item.rule in RULES else Severity.ERROR
        if mandatory(item.rule):
            severity = max(default, settings.severity_of(item.rule, default))
        else:
            document = documents.get(item.file)
            if not settings.enabled(item.rule) or (
                document is not None and document.ignored(item.line, item.rule)
            ):
                continue
            severity = settings.severity_of(item.rule, default)
        where = (item.file, item.line, item.column, item.rule)
        out.add(Diagnostic(*where, severity, item.message, item.suggestion))
    return sorted(out)


def gated_state(
    settings: Settings, meanwhile: Callable[[Sequence[Path]], Callable[[], None]] | None = None
) -> list[Declared]:
    """What every import under the models folder declares, in walk order, refusing when
    any finding is at error level.

    Inline ignore comments still silence the optional rules, never the mandatory ones.
    `meanwhile(files)` is called once worker processes check the files, if they do: it
    starts work of its own and returns a function that waits for it.
    """
    from validator.check.collect import collect_files, odd_suffixes
    from validator.report import reporter

    walked: Walked = {}  # every import is loaded in full: the survey needs no second walk
    odd: list[Path] = []
    files = collect_files([], settings, walked, odd)
    side = None if meanwhile is None else lambda: meanwhile(files)
    located, declared, documents = _checked(files, settings, walked, side)
    located.extend(odd_suffixes(odd))
    errors = [
        d for d in gate_diagnostics(located, settings, documents) if d.severity is Severity.ERROR
    ]
    if errors:
        reporter("text")(errors, len(files), sys.stderr)
        raise UserError(
            f"{len(errors)} error-level finding(s) in {settings.models_dir}/: fix them before"
            " planning or syncing (plan and sync always apply MA0xx, MA1xx, MA201, MA202 and"
            " MA601, whatever the configuration says)",
            Exit.FINDINGS,
        )
    return declared


def _checked(
    files: list[Path],
    settings: Settings,
    walked: Walked,
    meanwhile: Callable[[], Callable[[], None]] | None,
) -> tuple[list[Located], list[Declared], Mapping[str, Document]]:
    """Every finding of `validate` over the models folder, what each import declares and
    the documents whose ignore comments apply, on as many processes as `validate` would
    use (one when the online image checks are on)."""
    from validator.check.parallel import check_parallel
    from validator.check.registry import checks
    from validator.check.run import check_part, run_rule
    from validator.check.subject import Repository
    from validator.check.survey import survey
    from validator.commands.check import worker_count
    from validator.sync.desired import declare

    workers = 1 if settings.images.check else worker_count(os.environ, len(files))
    if workers > 1:
        run = check_parallel(
            files,
            settings,
            base=None,
            changed=None,
            workers=workers,
            walked=walked,
            declare=declare,
            meanwhile=meanwhile,
        )
        if run is not None:
            return run.located, run.declared, run.documents
    found = survey(files, settings, walked)
    part = check_part(found.load, found.configs, settings, None)
    specs = found.ordered(part.specs, settings, part.targets, None)
    repository = Repository(tuple(specs), settings, frozenset(part.targets), None)
    located = list(part.located)
    for rule in checks("repository"):
        located.extend(run_rule(rule, repository, None))
    documents = {**part.documents, **{s.document.path: s.document for s in specs}}
    return located, [declare(spec) for spec in specs], documents
