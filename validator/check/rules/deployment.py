"""MA5xx: deployment — deployment types and minimum inference specs.

A model can later be deployed only as the service types it was imported with
(ModelArts.3589), and minimum inference specs apply to real-time services only.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from validator.check.registry import rule
from validator.check.subject import Spec
from validator.diagnostics import Finding, Severity, kind_of, suggest

TYPES = ("real-time", "batch", "edge")
SPEC_LIMITS = {  # key: (allowed types, lowest value, is the lowest value allowed, unit)
    "cpu": ((int, float), 0, False, "cores"),
    "memory": ((int,), 0, False, "MiB"),
    "gpu": ((int, float), 0, True, "GPUs"),
    "ascend": ((int,), 0, True, "Ascend NPUs"),
}


@rule("MA501", "deployment types are real-time, batch or edge, listed once")
def deployment_types(spec: Spec) -> Iterator[Finding]:
    """
    `deployment_types` (API `install_type`) lists the service types the model
    may be deployed as: `real-time`, `batch` (and `edge` on clouds that offer
    it), lower case, each once, at least one.
    """
    types = spec.data.get("deployment_types")
    if types is None:
        return
    if not isinstance(types, list):
        yield Finding(("deployment_types",), "deployment_types must be a list, such as [real-time]")
        return
    if not types:
        yield Finding(
            ("deployment_types",),
            "deployment_types is empty; list at least one type",
            "[real-time]",
        )
    seen: set[str] = set()
    for index, value in enumerate(types):
        if value is None:
            continue  # the schema reports a null item
        path = ("deployment_types", index)
        key = value if isinstance(value, str) else repr(value)
        if key in seen:
            yield Finding(path, f"deployment type `{value}` is listed twice")
        seen.add(key)
        if value not in TYPES:
            hint = suggest(str(value).lower().replace("_", "-"), TYPES)
            yield Finding(
                path, f"unknown deployment type `{value}`; use real-time, batch or edge", hint
            )


@rule("MA502", "edge deployment is not offered on every cloud", Severity.WARNING)
def edge_type(spec: Spec) -> Iterator[Finding]:
    """
    The `edge` deployment type exists on some ModelArts clouds (Huawei Cloud)
    and not in the Open Telekom Cloud documentation; an import asking for it
    may be refused there.
    """
    types = spec.data.get("deployment_types")
    if isinstance(types, list) and "edge" in types:
        index = types.index("edge")
        yield Finding(("deployment_types", index), "`edge` is not offered by every ModelArts cloud")


@rule("MA503", "minimum inference specs are in range")
def min_specs_range(spec: Spec) -> Iterator[Finding]:
    """
    `min_inference_specs`: `cpu` cores greater than 0 (fractions allowed),
    `memory` in MiB greater than 0 (a whole number), `gpu` 0 or more, `ascend`
    a whole number, 0 or more.
    """
    specs = spec.data.get("min_inference_specs")
    if not isinstance(specs, dict):
        return
    for key, (types, lowest, inclusive, unit) in SPEC_LIMITS.items():
        if specs.get(key) is None:
            continue  # absent, or null, which the schema reports
        value, path = specs[key], ("min_inference_specs", key)
        if isinstance(value, bool) or not isinstance(value, types):
            kind = "a whole number" if types == (int,) else "a number"
            shown = value if isinstance(value, float) else kind_of(value)
            yield Finding(path, f"{key} must be {kind} of {unit}, not {shown}")
        elif not math.isfinite(value):
            yield Finding(path, f"{key} is {value}; it must be a finite number of {unit}")
        elif value < lowest or (value == lowest and not inclusive):
            bound = f"{lowest} or more" if inclusive else f"greater than {lowest}"
            yield Finding(path, f"{key} is {value}; it must be {bound}")


@rule("MA504", "minimum inference specs come with real-time", Severity.WARNING)
def min_specs_need_real_time(spec: Spec) -> Iterator[Finding]:
    """
    Minimum inference specs apply only to real-time services (on a dedicated
    pool); set without `real-time` among the deployment types they do nothing.
    """
    types = spec.data.get("deployment_types")
    if "min_inference_specs" in spec.data and isinstance(types, list) and "real-time" not in types:
        yield Finding(
            ("min_inference_specs",),
            "min_inference_specs apply only to real-time services, "
            "and real-time is not a deployment type",
            "add real-time to deployment_types, or remove min_inference_specs",
            at="key",
        )
