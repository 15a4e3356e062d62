"""One frozen Settings, built once: flags > environment > config file > defaults.

The config file is `.modelarts-gitops.yaml` at the repository root, or the
`[tool.modelarts-gitops]` table of `pyproject.toml`; it is checked against
`schemas/tool-config.schema.json` and its mistakes are reported with locations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from validator.diagnostics import Located, Severity
from validator.errors import UserError
from validator.load.document import Document, Position, display

CONFIG_NAMES = (".modelarts-gitops.yaml", ".modelarts-gitops.yml")
TOOL_TABLE = "modelarts-gitops"


class ImagePolicy(NamedTuple):
    registries: tuple[str, ...] = ()
    region: str | None = None
    organizations: tuple[str, ...] = ()
    check: bool = False  # ask each image's registry (MA307-MA313); offline by default
    insecure_registries: tuple[str, ...] = ()  # host[:port] reached over plain HTTP
    tag_ttl: float = 3600.0  # seconds a tag lookup stays cached
    timeout: float = 10.0  # seconds to connect, and to wait for each answer
    concurrency: int = 8  # images checked at once


class SyncPolicy(NamedTuple):
    max_deletes: int = 5
    max_delete_share: float = 0.5
    concurrency: int = 4
    publish_timeout: float = 1200.0
    branch: str | None = None  # the ref the rollback check compares HEAD with


DEFAULT_REGISTRY = "sqlite:///.modelarts-gitops/registry.db"


class Settings(NamedTuple):
    root: Path = Path()
    models_dir: str = "models"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = MappingProxyType({})  # shared: read-only
    strict: bool = False
    max_file_size: int = 1 << 20
    images: ImagePolicy = ImagePolicy()
    registry: str = DEFAULT_REGISTRY
    project_id: str | None = None
    owns: tuple[str, ...] = ()
    protect: tuple[str, ...] = ()
    sync: SyncPolicy = SyncPolicy()

    def enabled(self, rule: str) -> bool:
        if self.select and not any(rule.startswith(s) for s in self.select):
            return False
        return not any(rule.startswith(i) for i in self.ignore)

    def severity_of(self, rule: str, default: Severity) -> Severity:
        """The override with the longest matching prefix (MA305 beats MA3), else the default."""
        matches = [p for p in self.severity if rule.startswith(p)]
        return self.severity[max(matches, key=len)] if matches else default


class ConfigError(UserError):
    """The configuration file is invalid; `problems` are located in it."""

    def __init__(self, problems: list[Located]) -> None:
        super().__init__(f"invalid configuration in {problems[0].file}")
        self.problems = problems


def load_settings(
    root: Path, env: Mapping[str, str], flags: Mapping[str, Any] | None = None
) -> Settings:
    settings = _from_mapping(root, _read_file(root, env))
    if env.get("MODELARTS_REGION"):
        region = env["MODELARTS_REGION"]
        settings = settings._replace(images=settings.images._replace(region=region))
    if env.get("MODELARTS_REGISTRY"):
        settings = settings._replace(registry=env["MODELARTS_REGISTRY"])
    if env.get("MODELARTS_PROJECT_ID"):
        settings = settings._replace(project_id=env["MODELARTS_PROJECT_ID"])
    overrides = {k: v for k, v in (flags or {}).items() if v not in (None, (), False)}
    return settings._replace(**overrides)


def _read_file(root: Path, env: Mapping[str, str]) -> Document | None:
    named = env.get("MODELARTS_GITOPS_CONFIG")
    candidates = [Path(named)] if named else [root / n for n in CONFIG_NAMES]
    for path in candidates:
        if path.is_file():
            return _yaml_config(path)
        if named:
            raise UserError(f"MODELARTS_GITOPS_CONFIG names {named}, which is not a file")
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        return _toml_config(pyproject)
    return None


def _yaml_config(path: Path) -> Document:
    from validator.load.encoding import read_file
    from validator.load.yaml_file import load_yaml

    raw = read_file(path, display(path), 1 << 20)
    if isinstance(raw, Located):
        raise ConfigError([raw])
    document, problems = load_yaml(raw, display(path), 1 << 20)
    if document is None or problems:
        raise ConfigError(problems)
    return document


def _toml_config(path: Path) -> Document | None:
    import tomllib  # only for a pyproject.toml: its regexes cost a one-file run otherwise

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+), column (\d+)", str(error))
        line, column = (int(match[1]), int(match[2])) if match else (1, 1)
        raise ConfigError([Located(display(path), line, column, "config", str(error))]) from None
    except (OSError, UnicodeDecodeError) as error:
        problem = Located(display(path), 1, 1, "config", f"cannot read: {error}")
        raise ConfigError([problem]) from None
    tool = data.get("tool")
    table = tool.get(TOOL_TABLE) if isinstance(tool, dict) else None
    if table is None:
        return None
    return Document(display(path), table, _toml_positions(text, table))


def _toml_positions(text: str, table: Mapping[str, Any]) -> dict[tuple[str | int, ...], Position]:
    """Where each key of the tool table is written: enough to locate a config mistake."""
    positions: dict[tuple[str | int, ...], Position] = {}
    section: tuple[str, ...] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*tool\.(?:\"?modelarts-gitops\"?)((?:\.[\w-]+)*)\s*\]", line)
        if header:
            section = tuple(p for p in header[1].split(".") if p)
            positions.setdefault(section, Position(number, 1))
            continue
        if line.lstrip().startswith("["):
            section = None
        key = re.match(r"(\s*)([\w-]+)\s*=", line)
        if section is not None and key:
            column = len(key[1]) + 1
            positions[(*section, key[2])] = Position(number, column, number, column)
    return positions


def _unknown_rules(document: Document) -> list[Located]:
    """Ids in `select`, `ignore` and `severity` that name no rule, said in words."""
    from validator.check.rule_ids import rule_id_problem

    data = document.data if isinstance(document.data, dict) else {}
    named: list[tuple[tuple[str | int, ...], str, str]] = []
    for key in ("select", "ignore"):
        items = data.get(key)
        if isinstance(items, list):
            named += [((key, i), "value", v) for i, v in enumerate(items) if isinstance(v, str)]
    if isinstance(data.get("severity"), dict):
        named += [(("severity", k), "key", k) for k in data["severity"]]
    problems = []
    for path, at, text in named:
        found = rule_id_problem(text)
        if found is not None:
            line, column = document.locate(path, at)
            where = path[0] if at == "key" else f"{path[0]}[{path[1]}]"
            message, hint = found
            problems.append(
                Located(document.path, line, column, "config", f"{where}: {message}", hint)
            )
    return problems


def _from_mapping(root: Path, document: Document | None) -> Settings:
    if document is None:
        return Settings(root=root)
    from validator.check.schema import schema_check

    problems = []
    for finding in schema_check("settings").findings(document.data):
        line, column = document.locate(finding.path, finding.at)
        hint = finding.suggestion
        problems.append(Located(document.path, line, column, "config", finding.message, hint))
    problems.extend(_unknown_rules(document))
    if problems:
        raise ConfigError(problems)
    data = document.data
    images = data.get("images", {})
    registry, sync = data.get("registry", {}), data.get("sync", {})
    return Settings(
        root=root,
        models_dir=data.get("models_dir", "models"),
        select=tuple(data.get("select", ())),
        ignore=tuple(data.get("ignore", ())),
        severity={k: Severity.parse(v) for k, v in data.get("severity", {}).items()},
        strict=data.get("strict", False),
        max_file_size=data.get("max_file_size", 1 << 20),
        images=ImagePolicy(
            registries=tuple(images.get("registries", ())),
            region=images.get("region"),
            organizations=tuple(images.get("organizations", ())),
            check=images.get("check", False),
            insecure_registries=tuple(images.get("insecure_registries", ())),
            tag_ttl=images.get("tag_ttl", 3600.0),
            timeout=images.get("timeout", 10.0),
            concurrency=images.get("concurrency", 8),
        ),
        registry=registry.get("url", DEFAULT_REGISTRY),
        project_id=registry.get("project_id"),
        owns=tuple(data.get("owns", ())),
        protect=tuple(data.get("protect", ())),
        sync=SyncPolicy(**sync),
    )
