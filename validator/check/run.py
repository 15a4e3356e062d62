"""The validation pipeline: load every file, run each rule scope, turn findings into diagnostics.

Files named on the command line are the *targets*: their findings are reported.
Every import under the models folder is loaded too, so repository-wide rules
see the whole tree even when a pre-commit hook passes only a few files, and a
config file passed alone re-checks every import that uses it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from validator.check import rules as _rules  # noqa: F401  (registers every rule family)
from validator.check.bounds import capped, clip, rule_failed
from validator.check.registry import RULES, Rule, checks
from validator.check.subject import ConfigUse, Repository, Spec, absolute
from validator.check.survey import Walked, collect_files, survey
from validator.diagnostics import Diagnostic, Finding, Located
from validator.load.document import Document
from validator.load.git_base import BaseState
from validator.load.imports import ConfigCache, LoadedImport, load_import
from validator.settings import Settings

__all__ = ["check", "collect_files", "validate"]


@dataclass(frozen=True, slots=True)
class Checked:
    diagnostics: list[Diagnostic]
    specs: list[Spec]  # every import that loaded, targets or not


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
    """
    found = survey(files, settings, walked)
    part = check_part(found.load, found.configs, settings, changed)
    specs = found.ordered(part.specs, settings, part.targets, base)
    located = part.located
    repository = Repository(tuple(specs), settings, frozenset(part.targets), base)
    for rule in checks("repository"):
        located.extend(run_rule(rule, repository, None))
    documents = {**part.documents, **{s.document.path: s.document for s in specs}}
    return Checked(finalize(located, documents, settings), specs)


@dataclass(frozen=True, slots=True)
class Part:
    """Some imports loaded in full and checked by the import and config rules."""

    located: list[Located]
    specs: dict[Path, Spec]  # by `absolute` path
    targets: set[Path]
    documents: dict[str, Document]  # by shown path: the imports, then their config files


def check_part(
    load: Sequence[tuple[Path, bool]],
    configs: set[Path],
    settings: Settings,
    changed: set[Path] | None,
) -> Part:
    """Load `load` (file, named) and run the import and config rules on the targets among them.

    Every import that uses a config file must be in the same part: config rules see all users.
    """
    cache: ConfigCache = {}
    specs: dict[Path, Spec] = {}
    targets: set[Path] = set()
    located: list[Located] = []
    for file, named in load:
        key = absolute(file)
        loaded = load_import(file, settings.root, settings.max_file_size, cache)
        if (named or loaded.config_file in configs) and _changed(loaded, changed):
            targets.add(key)
            located.extend(loaded.problems)
        if loaded.document is not None:
            specs[key] = Spec(loaded.document, file, settings, loaded.config, loaded.config_file)
    documents = {s.document.path: s.document for s in specs.values()}
    chosen = [s for key, s in specs.items() if key in targets]
    for spec in chosen:
        for rule in checks("import"):
            located.extend(run_rule(rule, spec, spec.document))
    if settings.images.check and chosen:  # opt-in: the only path that touches the network
        from validator.images.online import online_located

        located.extend(online_located(chosen, settings))
    for use in _config_uses(chosen, settings):
        documents.setdefault(use.document.path, use.document)
        for rule in checks("config"):
            located.extend(run_rule(rule, use, use.document))
    used = {s.config_file for s in chosen if s.config_file is not None}
    located.extend(p for path in used for p in cache[path][1])
    return Part(located, specs, targets, documents)


def _changed(loaded: LoadedImport, changed: set[Path] | None) -> bool:
    """With `--changed-only`: the import file changed, or the config file it uses did."""
    if changed is None:
        return True
    return loaded.file.resolve() in changed or loaded.config_file in changed


def _config_uses(specs: Iterable[Spec], settings: Settings) -> Iterator[ConfigUse]:
    """Each config document once, with every checked import that uses it."""
    shared: dict[Path, list[Spec]] = {}
    for spec in specs:
        if spec.config is None:
            continue
        if spec.config_file is None:
            yield ConfigUse(spec.config, (spec,), settings)
        else:
            shared.setdefault(spec.config_file, []).append(spec)
    for users in shared.values():
        config = users[0].config
        assert config is not None
        yield ConfigUse(config, tuple(users), settings)


def run_rule(rule: Rule, subject: object, document: Document | None) -> Iterator[Located]:
    """The rule's findings, located. A rule that fails keeps what it found before, and
    adds one finding naming it, so a bug in one rule never hides any other finding."""
    assert rule.check is not None
    try:
        for finding in rule.check(subject):
            yield locate(finding, rule.id, document)
    except Exception as error:
        yield rule_failed(rule.id, document, error)


def locate(finding: Finding, rule_id: str, document: Document | None) -> Located:
    target = finding.document or document
    assert target is not None, f"rule {rule_id} found something without a document"
    line, column = target.locate(finding.path, finding.at)
    rule = finding.rule or rule_id
    return Located(target.path, line, column, rule, finding.message, finding.suggestion)


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
