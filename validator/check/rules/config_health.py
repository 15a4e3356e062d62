"""MA422-MA425: the health check of the image, config.json `health`.

ModelArts probes each instance: `check_method` HTTP (the default) calls `url`
over http, EXEC runs `command` in the container. Delays, timeouts, periods and
thresholds are whole numbers, written as integers or, as the specification
types them, digit strings ("12"). The specification calls `health` mandatory
for custom images: without it a rolling upgrade sends requests to instances
that are not ready.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from validator.check.registry import rule
from validator.check.rules.config_apis import path_problem
from validator.check.subject import ConfigUse, Spec
from validator.diagnostics import Finding, Severity, kind_of, suggest

METHODS = ("HTTP", "EXEC")
LIMIT = 2147483647
NUMBERS = {  # key: (lowest value, unit)
    "initial_delay_seconds": (0, "seconds"),
    "timeout_seconds": (0, "seconds"),
    "period_seconds": (1, "seconds"),
    "failure_threshold": (1, "failed checks"),
}


def _health(use: ConfigUse) -> dict[str, Any]:
    health = use.data.get("health")
    return health if isinstance(health, dict) else {}


def _is_exec(health: dict[str, Any]) -> bool:
    method = health.get("check_method")
    return isinstance(method, str) and method.upper() == "EXEC"


@rule("MA422", "the health check has a url starting with /", scope="config", content=True)
def health_url(use: ConfigUse) -> Iterator[Finding]:
    """
    An HTTP health check (the default `check_method`) calls `health.url`, the
    path of the image's health API such as `/health`; it is required and
    starts with `/`. An EXEC check runs `command` instead and needs no url.
    """
    health = use.data.get("health")
    if not isinstance(health, dict):
        return  # absent (MA425) or not a mapping (MA407)
    if "url" not in health:
        if not _is_exec(health):
            message = "health has no url; an HTTP health check calls it"
            yield Finding(("health",), message, 'add "url": "/health"', at="key")
        return
    problem = path_problem(health["url"], "health.url")
    if problem is not None:
        yield Finding(("health", "url"), *problem)


def _whole(value: Any) -> int | None:
    """An integer, or a string of digits with an optional minus sign, as a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        digits = value.strip().lstrip("-").lstrip("0")
        if len(digits) > 18:  # far over any limit; int() refuses over 4,300 digits
            return -(10**18) if value.strip().startswith("-") else 10**18
        return int(value)
    return None


@rule(
    "MA423",
    "health delays, timeouts and thresholds are whole numbers",
    scope="config",
    content=True,
)
def health_numbers(use: ConfigUse) -> Iterator[Finding]:
    """
    `initial_delay_seconds` and `timeout_seconds` are 0 or more,
    `period_seconds` and `failure_threshold` 1 or more, all at most
    2147483647: integers, or digit strings such as "12" (the specification
    types them as strings).
    """
    health = _health(use)
    for key, (lowest, unit) in NUMBERS.items():
        if key not in health:
            continue
        value, path = health[key], ("health", key)
        number = _whole(value)
        if number is None:
            shown = f"`{value}`" if isinstance(value, str | float) else kind_of(value)
            yield Finding(path, f"health.{key} must be a whole number of {unit}, not {shown}")
        elif not lowest <= number <= LIMIT:
            message = f"health.{key} is {number}; it must be from {lowest} to {LIMIT} {unit}"
            yield Finding(path, message)


@rule(
    "MA424", "health check_method is HTTP or EXEC; EXEC has a command", scope="config", content=True
)
def health_method(use: ConfigUse) -> Iterator[Finding]:
    """
    `check_method` is `HTTP` (call `url`) or `EXEC` (run `command` in the
    container), upper case. An EXEC check needs a non-empty `command`.
    """
    health = _health(use)
    method = health.get("check_method", "HTTP")
    path = ("health", "check_method")
    if not isinstance(method, str):
        yield Finding(path, f"health.check_method must be HTTP or EXEC, not {kind_of(method)}")
    elif method.upper() in METHODS and method not in METHODS:
        yield Finding(
            path, f"health.check_method `{method}` must be upper case", f"write `{method.upper()}`"
        )
    elif method not in METHODS:
        message = f"health.check_method `{method}` is not supported; use HTTP or EXEC"
        yield Finding(path, message, suggest(method.upper(), METHODS))
    command = health.get("command")
    if "command" in health and (not isinstance(command, str) or not command.strip()):
        yield Finding(
            ("health", "command"), "health.command must be a command line, such as `cat /tmp/ready`"
        )
    elif _is_exec(health) and command is None:
        message = "an EXEC health check runs health.command, and there is none"
        yield Finding(("health",), message, 'add "command", e.g. "cat /tmp/ready"', at="key")


@rule("MA425", "a real-time import has a health check", Severity.WARNING)
def real_time_health(spec: Spec) -> Iterator[Finding]:
    """
    The specification makes `health` mandatory for custom images: without a
    health check ModelArts cannot tell when an instance is ready, and a
    rolling upgrade of a real-time service drops requests. Reported in the
    config, once for each real-time import using it.
    """
    types = spec.data.get("deployment_types")
    if spec.config is None or not isinstance(types, list) or "real-time" not in types:
        return
    if "health" in spec.config_data:
        return
    who = f" for {spec.document.path}" if spec.config_file is not None else ""
    message = f"no health check{who}: a rolling upgrade of the real-time service drops requests"
    hint = 'add "health": {"url": "/health", "initial_delay_seconds": 12, "timeout_seconds": 5}'
    yield Finding((), message, hint, at="key", document=spec.config)
