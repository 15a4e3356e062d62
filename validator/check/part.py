"""Checking some imports: each one loaded, its rules run while it is at hand.

The import and config rules run on the targets, and what a run keeps of each import is
its record (see `validator.check.records`), unless the caller needs the full specs
(plan and sync's desired state, the online image checks).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from validator.check.records import Kept, keep
from validator.check.registry import checks
from validator.check.rule_run import ConfigRules, run_rule, run_rules
from validator.check.shared import SharedConfigs
from validator.check.subject import ConfigUse, Repository, Spec, absolute, slim
from validator.diagnostics import Located
from validator.load.document import Document
from validator.load.imports import ConfigCache, LoadedImport, Places, load_import
from validator.paths import resolved
from validator.settings import Settings

if TYPE_CHECKING:  # git_base is needed for --base only
    from validator.load.git_base import BaseState

# Repository rules that look at one import at a time (and the base): with slim specs they
# run on each import while it is loaded. The others compare files, on records.
PER_IMPORT = frozenset({"MA602", "MA604"})


class Part(NamedTuple):
    """Some imports loaded in full and checked by the import and config rules."""

    located: list[Located]
    specs: dict[Path, Spec]  # by `absolute` path; none unless `whole`
    targets: set[Path]  # none unless `whole`: the records say
    documents: dict[str, Document]  # by shown path: imports, config files (none when slim)
    whole: bool  # False: no specs but `kept`, and MA602/MA604 have run
    kept: list[Kept]  # each import that loaded, when not whole
    declared: list[tuple[int, Any]]  # (index, `declare`'s), when not whole


def check_part(
    load: Sequence[tuple[Path, bool]],
    configs: set[Path],
    settings: Settings,
    changed: set[Path] | None,
    *,
    whole: bool = True,
    base: BaseState | None = None,
    declare: Callable[[Spec], Any] | None = None,
) -> Part:
    """Load `load` (file, named) and run the import and config rules on the targets among them.

    Every import that uses a config file must be in the same part: config rules see all users.
    With `whole`, every spec is kept in full (plan and sync need the desired state); else
    each import is checked while it is loaded, with MA602 and MA604 (against `base`), and
    only its record is kept (`validator.check.records.Kept`). Online image checks need the
    full specs: they keep `whole`. Without `whole`, `declare(spec)` is called on each
    import that loaded, while its documents are at hand (plan's desired state), and its
    results are kept by index into `load`.
    """
    if whole or settings.images.check:
        return _check_whole(load, configs, settings, changed)
    cache: ConfigCache = {}
    places: Places = {}
    kept: list[Kept] = []
    declared: list[tuple[int, Any]] = []
    located: list[Located] = []

    def again(file: Path) -> Spec | None:
        loaded = load_import(file, settings.root, settings.max_file_size, cache, places)
        if loaded.document is None:  # it loaded a moment ago: it changed, or went
            return None
        return slim(Spec(loaded.document, file, settings, loaded.config, loaded.config_file))

    config_rules = ConfigRules()
    shared = SharedConfigs(cache, settings, again, config_rules)
    imports = checks("import")
    per_import = [r for r in checks("repository") if r.id in PER_IMPORT] if base else []
    for index, (file, named) in enumerate(load):
        shared.enter(os.path.dirname(file))
        loaded = load_import(file, settings.root, settings.max_file_size, cache, places, lazy=True)
        target = (named or loaded.config_file in configs) and _changed(loaded, changed)
        if target:
            located.extend(loaded.problems)
        if loaded.document is None:
            continue
        spec = Spec(loaded.document, file, settings, loaded.config, loaded.config_file)
        if declare is not None:
            declared.append((index, declare(spec)))
        thin = slim(spec)
        kept.append(keep(thin, index, target))
        if not target:
            continue
        run_rules(imports, spec, spec.document, located)
        if per_import:
            alone = Repository((spec,), settings, frozenset((absolute(file),)), base)
            for rule in per_import:
                located.extend(run_rule(rule, alone, None))
        if spec.config_file is not None:
            shared.add(thin)
        elif spec.config is not None:
            config_rules.run(ConfigUse(spec.config, (spec,), settings), located)
    located.extend(shared.located())
    return Part(located, {}, set(), {}, False, kept, declared)


def _check_whole(
    load: Sequence[tuple[Path, bool]],
    configs: set[Path],
    settings: Settings,
    changed: set[Path] | None,
) -> Part:
    cache: ConfigCache = {}
    places: Places = {}
    specs: dict[Path, Spec] = {}
    targets: set[Path] = set()
    located: list[Located] = []
    for file, named in load:
        key = absolute(file)
        loaded = load_import(file, settings.root, settings.max_file_size, cache, places)
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
    config_rules = ConfigRules()
    for use in _config_uses(chosen, settings):
        documents.setdefault(use.document.path, use.document)
        config_rules.run(use, located)
    used = {s.config_file for s in chosen if s.config_file is not None}
    located.extend(p for path in used for p in cache[path][1])
    return Part(located, specs, targets, documents, True, [], [])


def _changed(loaded: LoadedImport, changed: set[Path] | None) -> bool:
    """With `--changed-only`: the import file changed, or the config file it uses did."""
    if changed is None:
        return True
    return resolved(loaded.file) in changed or loaded.config_file in changed


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
