"""MA4xx: the ModelArts model configuration (config.json).

`config:` is either a mapping written inline or a path to a JSON file beside
the import. A path must stay inside the repository, name a regular file, and
that file must be JSON; its problems are reported at its own line and column,
an inline config's at its line in the YAML.

The content is checked against `schemas/model-config.schema.json` (MA406-MA408)
and by the rules below and in `config_image`, `config_apis` and `config_health`.
A config file shared by several imports is read, checked and reported once;
a problem that depends on the import using it (batch without a request schema,
real-time without a health check, `swr_location` against `source.image`) is
reported once per import, naming the import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from validator.check.registry import declare, rule
from validator.check.rules.identity import FORBIDDEN
from validator.check.schema import SchemaCheck
from validator.check.subject import ConfigUse
from validator.diagnostics import Finding, Severity, kind_of
from validator.schemas import load_schema

SCHEMA_RULES = {
    "unknown": "MA406",
    "required": "MA407",
    "type": "MA407",
    "enum": "MA408",
    "constraint": "MA407",
}
METRICS = ("f1", "recall", "precision", "accuracy")

declare(
    "MA401",
    "the config file exists",
    """
    `config:` names a file, relative to the import file, that does not exist.
    When a JSON file with a close name sits in that folder, it is suggested.
""",
)
declare(
    "MA402",
    "the config path stays inside the repository",
    """
    The config path must be relative and must not lead outside the repository,
    neither with `..` nor through a symbolic link: the sync job and reviewers
    only see what is in the repository.
""",
)
declare(
    "MA403",
    "the config path is a regular file",
    """
    The config path names a folder or a special file instead of a JSON file.
""",
)
declare(
    "MA404",
    "the config file is a JSON object",
    """
    The config file must be valid JSON (UTF-8) whose top level is an object.
    The position is where the JSON parser stopped.
""",
)
declare(
    "MA405",
    "no key appears twice in the config file",
    """
    JSON readers keep only one of two equal keys, silently. The second
    occurrence is reported; the first one is used.
""",
)


@functools.cache
def _schema_check() -> SchemaCheck:
    return SchemaCheck(load_schema("config"), SCHEMA_RULES)


@rule("MA406", "config.json keys are known", Severity.WARNING, scope="config", content=True)
def config_schema(use: ConfigUse) -> Iterator[Finding]:
    """
    Every key in the config must be one the ModelArts specification defines
    (`schemas/model-config.schema.json`); ModelArts ignores the others, so a
    misspelt key (`procotol`, `Content-Type`) silently loses its value. The
    message suggests the closest known key.
    """
    yield from _schema_check().findings(use.data, use.shown)


declare(
    "MA407",
    "config values have the right type and limits",
    """
    Each config.json field has one type: `apis` a list of mappings, `metrics`
    and `health` mappings, `runtime` and `swr_location` strings, and so on.
    Dependency packages need `package_name`, and `restraint` once
    `package_version` is set. Numeric health fields may be integers or digit
    strings such as "12", as the specification types them as strings.
""",
)
declare(
    "MA408",
    "config values are from the allowed list",
    """
    Fields with a fixed set of values accept only those, spelt exactly:
    `Content-type` is `application/json` or `multipart/form-data`, an api
    `protocol` is http or https, `health.protocol` is http, `installer` is
    pip, `restraint` EXACT, ATLEAST or ATMOST. A near miss gets a suggestion
    (`applicaton/json`: did you mean `application/json`?).
""",
)


@rule("MA409", "model_type is Image", scope="config", content=True)
def model_type(use: ConfigUse) -> Iterator[Finding]:
    """
    A model imported from a container image has `model_type: Image`, spelt
    with a capital I (one version of the specification wrote `image`).
    The other engines (TensorFlow, PyTorch, MindSpore, ...) run a model
    package from OBS, which this tool does not import.
    """
    data = use.data
    if "model_type" not in data:
        yield Finding((), "missing `model_type`", 'add "model_type": "Image"', at="key")
        return
    value, path = data["model_type"], ("model_type",)
    if value == "Image":
        return
    if not isinstance(value, str):
        yield Finding(path, f"model_type must be the text `Image`, not {kind_of(value)}")
    elif value.lower() == "image":
        yield Finding(path, f"model_type `{value}` has the wrong case", "write `Image`")
    else:
        message = (
            f"model_type `{value}` needs a model package in OBS, which this tool does "
            "not import; a model imported from a container image is `Image`"
        )
        yield Finding(path, message, "write `Image`")


@rule(
    "MA410",
    "model_algorithm is set: a letter first, at most 36 characters",
    scope="config",
    content=True,
)
def model_algorithm(use: ConfigUse) -> Iterator[Finding]:
    """
    `model_algorithm` is required: it starts with a letter, has at most 36
    characters and none of `& ! ' " < > =`. Common values are
    `image_classification`, `object_detection` and `predict_analysis`; others
    are allowed.
    """
    data = use.data
    if "model_algorithm" not in data:
        hint = 'add "model_algorithm", e.g. "image_classification"'
        yield Finding((), "missing `model_algorithm`", hint, at="key")
        return
    value, path = data["model_algorithm"], ("model_algorithm",)
    if not isinstance(value, str):
        yield Finding(path, f"model_algorithm must be text, not {kind_of(value)}")
        return
    if not value:
        yield Finding(path, "model_algorithm is empty", 'e.g. "image_classification"')
    elif not re.match("[A-Za-z]", value):
        yield Finding(path, f"model_algorithm `{value}` must start with a letter")
    if len(value) > 36:
        yield Finding(path, f"model_algorithm has {len(value)} characters; at most 36 are allowed")
    bad = sorted(set(value) & set(FORBIDDEN), key=FORBIDDEN.index)
    if bad:
        shown = " ".join(f"`{c}`" for c in bad)
        message = f"model_algorithm `{value}` contains {shown}; none of & ! ' \" < > = is allowed"
        yield Finding(path, message)


@rule("MA426", "metrics are numbers in [0, 1]", scope="config", content=True)
def metrics_range(use: ConfigUse) -> Iterator[Finding]:
    """
    `metrics` (`f1`, `recall`, `precision`, `accuracy`) are shown on the model
    page as fractions: numbers from 0 to 1, not percentages and not strings.
    """
    metrics = use.data.get("metrics")
    if not isinstance(metrics, dict):
        return
    for key in METRICS:
        if key not in metrics:
            continue
        value, path = metrics[key], ("metrics", key)
        if isinstance(value, str):
            yield Finding(
                path, f"metrics.{key} is the text `{value}`; write a number", "unquote it"
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            yield Finding(path, f"metrics.{key} must be a number in [0, 1], not {kind_of(value)}")
        elif not 0 <= value <= 1:
            hint = f"a percentage? write {value / 100:g}" if 1 < value <= 100 else None
            yield Finding(path, f"metrics.{key} is {value}; metrics are fractions in [0, 1]", hint)
