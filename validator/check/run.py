"""The validation pipeline: load every file, run each rule scope, turn findings into diagnostics."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from validator.check import rules as _rules  # noqa: F401  (registers every rule family)
from validator.check.registry import RULES, Rule, checks
from validator.check.subject import ConfigUse, Repository, Spec
from validator.diagnostics import Diagnostic, Finding, Located
from validator.errors import UserError
from validator.load.document import Document
from validator.load.imports import ConfigCache, load_import
from validator.settings import Settings

SUFFIXES = (".yaml", ".yml")


def collect_files(paths: Sequence[Path], settings: Settings) -> list[Path]:
    """The import files named, folders expanded to the YAML files under them."""
    if not paths:
        default = settings.root / settings.models_dir
        if not default.is_dir():
            raise UserError(f"no paths given and {default} is not a folder")
        paths = [default]
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or folder")
    return list(dict.fromkeys(files))


def validate(files: Sequence[Path], settings: Settings) -> list[Diagnostic]:
    cache: ConfigCache = {}
    located: list[Located] = []
    documents: dict[str, Document] = {}
    specs: list[Spec] = []
    for file in files:
        loaded = load_import(file, settings.root, settings.max_file_size, cache)
        located.extend(loaded.problems)
        if loaded.document is None:
            continue
        documents[loaded.document.path] = loaded.document
        spec = Spec(loaded.document, file, settings, loaded.config, loaded.config_file)
        specs.append(spec)
        for rule in checks("import"):
            located.extend(_run(rule, spec, spec.document))
    for use in _config_uses(specs, settings):
        for rule in checks("config"):
            located.extend(_run(rule, use, use.document))
    repository = Repository(tuple(specs), settings, settings.root)
    for rule in checks("repository"):
        located.extend(_run(rule, repository, None))
    return finalize(located, documents, settings)


def _config_uses(specs: Iterable[Spec], settings: Settings) -> Iterator[ConfigUse]:
    """Each config document once, with every import that uses it."""
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


def _run(rule: Rule, subject: object, document: Document | None) -> Iterator[Located]:
    assert rule.check is not None
    try:
        findings = list(rule.check(subject))
    except Exception as error:  # a rule bug must not hide every other finding
        where = document.path if document is not None else "<repository>"
        message = (
            f"internal error in rule {rule.id} ({type(error).__name__}: {error}); please report it"
        )
        yield Located(where, 1, 1, rule.id, message)
        return
    for finding in findings:
        yield locate(finding, rule.id, document)


def locate(finding: Finding, rule_id: str, document: Document | None) -> Located:
    target = finding.document or document
    assert target is not None, f"rule {rule_id} found something without a document"
    line, column = target.locate(finding.path, finding.at)
    return Located(
        target.path, line, column, finding.rule or rule_id, finding.message, finding.suggestion
    )


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
                item.message,
                item.suggestion,
            )
        )
    return sorted(out)
