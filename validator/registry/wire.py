"""The CreateModel request as both sides see it, and ModelArts errors as one line.

Answers are read in answers.py (client) and written in validator/server/answers.py (server);
both are tested against the API reference's own example bodies, not against each other.
"""

from __future__ import annotations

from typing import Any

from validator.registry.base import ModelSpec

# CreateModel request fields (modelarts-spec §8). The client sends only those ModelSpec
# carries; the server accepts the whole documented set and refuses anything else.
CREATE_FIELDS = frozenset(
    {
        "model_name", "model_version", "source_location", "source_copy", "model_type",
        "runtime", "description", "model_algorithm", "execution_code", "initial_config",
        "input_params", "output_params", "apis", "dependencies", "model_metrics",
        "source_job_id", "source_job_version", "source_type", "workspace_id", "model_docs",
        "install_type", "template",
    }
)  # fmt: skip


def create_body(spec: ModelSpec) -> dict[str, Any]:
    """The CreateModel body for `spec`; optional fields that are None are left out."""
    body: dict[str, Any] = {
        "model_name": spec.name,
        "model_version": spec.version,
        "source_location": spec.source_location,
        "source_copy": "true" if spec.source_copy else "false",  # a string in the API
        "model_type": spec.model_type,
        "install_type": list(spec.install_type),
    }
    optional = {
        "description": spec.description,
        "model_algorithm": spec.model_algorithm,
        "initial_config": spec.initial_config,
        "workspace_id": spec.workspace_id,
    }
    body.update({key: value for key, value in optional.items() if value is not None})
    if spec.model_docs:
        body["model_docs"] = [{"doc_name": n, "doc_url": u} for n, u in spec.model_docs]
    return body


def workspace(value: object) -> str | None:
    # "0" is the default workspace: an unset workspace_id and "0" are the same place.
    return None if value in (None, "", "0") else str(value)


def error_line(code: str | None, message: str, status_code: int, method: str, path: str) -> str:
    """One line: `ModelArts.3002: Model (x, 1.0.0) already exists (HTTP 409, POST /v1/p/models)`."""
    where = f"(HTTP {status_code}, {method} {path})"
    # ModelArts ends its messages with "."; the location follows, so drop it.
    text = " ".join(message.split())[:300].removesuffix(".") or "no error message"
    return f"{code}: {text} {where}" if code else f"{text} {where}"


# Error codes that say "try again": the API reference's 429 codes and its generic 5xx
# ("Internal error.", "Unknown", gateway and busy codes). Any other ModelArts code is a
# definite answer (ModelArts.3009 comes with HTTP 500 and is final), so it is not retried.
TRANSIENT_CODES = frozenset(
    f"ModelArts.{n}"
    for n in (
        "0010", "2799", "2950", "4206", "4302", "4395", "4503", "4505", "4700", "5000",
        "5039", "6101", "6102", "6200", "6691", "6692", "6699", "7008",
    )
)  # fmt: skip


def definite(code: str | None) -> bool:
    """A ModelArts error code that states the outcome: retrying cannot change it."""
    return code is not None and code.startswith("ModelArts.") and code not in TRANSIENT_CODES


def retryable(status: int, code: str | None) -> bool:
    """Only 429 and 5xx, and only without a definite ModelArts code, can succeed later."""
    return (status == 429 or status >= 500) and not definite(code)
