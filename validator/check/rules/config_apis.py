"""MA415-MA421: the inference APIs declared in config.json `apis`.

Each api is a path the image serves on port 8080 (`url`), a `method` and the
`request` / `response` bodies: a `Content-type` and, in `data`, a JSON Schema
of the body. ModelArts' schemas follow the older drafts, so `data` is checked
against draft-07 unless it names its own `$schema`, and `"type": "file"` marks
an uploaded file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from validator.check import dataschema
from validator.check.registry import rule
from validator.check.subject import ConfigUse, Spec
from validator.diagnostics import DataPath, Finding, Severity, dotted, kind_of, suggest

METHODS = ("post", "get")
SIDES = ("request", "response")


def apis(data: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    value = data.get("apis")
    if isinstance(value, list):
        yield from ((i, api) for i, api in enumerate(value) if isinstance(api, dict))


def path_problem(url: Any, name: str) -> tuple[str, str | None] | None:
    """What is wrong with a url that must be a path the image serves, and the fix."""
    if not isinstance(url, str):
        return f"{name} must be a path such as `/predict`, not {kind_of(url)}", None
    if url.startswith("/"):
        return None
    parts = urlsplit(url)
    if parts.scheme and parts.netloc:
        fixed = parts.path or "/"
        return f"{name} `{url}` is a full URL, not the path the image serves", f"write `{fixed}`"
    return f"{name} `{url}` must start with /", f"write `/{url.strip().lstrip('/')}`"


@rule("MA415", "api urls are paths starting with /", scope="config", content=True)
def api_url(use: ConfigUse) -> Iterator[Finding]:
    """
    `apis[].url` is the path the image serves the api on (port 8080), such as
    `/predict`; it starts with `/` and names no host. Without a url the api is
    `/`.
    """
    for index, api in apis(use.data):
        if "url" in api:
            problem = path_problem(api["url"], f"apis[{index}].url")
            if problem is not None:
                yield Finding(("apis", index, "url"), *problem)


@rule("MA416", "no two apis share a url and method", scope="config", content=True)
def api_unique(use: ConfigUse) -> Iterator[Finding]:
    """
    Each api is one url and method (post when not given, in any case); a
    second declaration of the same pair is ambiguous. A url may be declared
    once with post and once with get.
    """
    first: dict[tuple[str, str], int] = {}
    for index, api in apis(use.data):
        url, method = api.get("url", "/"), api.get("method", "post")
        if not isinstance(url, str) or not isinstance(method, str):
            continue
        key = (url, method.lower())
        if key in first:
            where: DataPath = ("apis", index, "url") if "url" in api else ("apis", index)
            message = f"api {method.upper()} {url} is declared twice (first as apis[{first[key]}])"
            yield Finding(where, message, "remove one, or change its url or method")
        first.setdefault(key, index)


@rule("MA417", "api method is post or get", scope="config", content=True)
def api_method(use: ConfigUse) -> Iterator[Finding]:
    """
    ModelArts calls an api with `post` (the default) or `get`, written in any
    case.
    """
    for index, api in apis(use.data):
        method = api.get("method")
        if method is None or (isinstance(method, str) and method.lower() in METHODS):
            continue
        path, name = ("apis", index, "method"), f"apis[{index}].method"
        if not isinstance(method, str):
            yield Finding(path, f"{name} must be post or get, not {kind_of(method)}")
        else:
            message = f"{name} `{method}` is not supported; ModelArts calls an api with post or get"
            yield Finding(path, message, suggest(method.lower(), METHODS))


def _bodies(data: dict[str, Any]) -> Iterator[tuple[DataPath, Any]]:
    """Each `request` / `response` data schema that is written, with its path."""
    for index, api in apis(data):
        for side in SIDES:
            body = api.get(side)
            if isinstance(body, dict) and "data" in body:
                yield ("apis", index, side, "data"), body["data"]


@rule("MA418", "request and response data are valid JSON Schemas", scope="config", content=True)
def data_schema_valid(use: ConfigUse) -> Iterator[Finding]:
    """
    `request.data` and `response.data` describe the bodies as JSON Schemas.
    They are checked against the draft their `$schema` names, else draft-07
    (ModelArts' examples use draft-07 forms such as array-form `items`).
    `"type": "file"`, ModelArts' mark for an uploaded file, is accepted.
    """
    for path, schema in _bodies(use.data):
        name = dotted(path)
        if isinstance(schema, dict):
            draft = dataschema.draft_name(dataschema.draft_of(schema))
            for problem in dataschema.invalid(schema):
                message = f"{name} is not a valid {draft} JSON Schema: {problem.message}"
                yield Finding((*path, *problem.path), message, problem.suggestion)
            continue
        hint = None
        if isinstance(schema, str) and schema.lstrip().startswith("{"):
            hint = "write the JSON Schema itself, not a string holding it"
        yield Finding(
            path, f"{name} must be a JSON Schema (a mapping), not {kind_of(schema)}", hint
        )


@rule(
    "MA419",
    "data schemas use only JSON Schema keywords",
    Severity.WARNING,
    scope="config",
    content=True,
)
def data_schema_keywords(use: ConfigUse) -> Iterator[Finding]:
    """
    A key that is no keyword of the schema's draft is ignored by validators,
    so a misspelt keyword (`item` for `items`, as in an official example)
    silently drops a constraint. Keys starting with `x-` are extensions and
    allowed. A `$schema` naming no known draft is checked as draft-07.
    """
    for path, schema in _bodies(use.data):
        if not isinstance(schema, dict):
            continue
        if not dataschema.names_known_draft(schema):
            message = (
                f"`$schema` `{schema['$schema']}` names no JSON Schema draft; read as draft-07"
            )
            hint = 'use "http://json-schema.org/draft-07/schema#"'
            yield Finding((*path, "$schema"), message, hint)
        for problem in dataschema.unknown_keywords(schema):
            message = f"{dotted(path)}: {problem.message}"
            yield Finding((*path, *problem.path), message, problem.suggestion, at="key")


@rule(
    "MA420",
    "a multipart/form-data request declares a file",
    Severity.WARNING,
    scope="config",
    content=True,
)
def multipart_file(use: ConfigUse) -> Iterator[Finding]:
    """
    `multipart/form-data` is for uploading files; its request schema marks
    each upload field with `"type": "file"`. A multipart request without one
    cannot receive a file through the ModelArts console or API test page.
    """
    for index, api in apis(use.data):
        request = api.get("request")
        if not isinstance(request, dict) or request.get("Content-type") != "multipart/form-data":
            continue
        schema = request.get("data")
        if isinstance(schema, dict) and not dataschema.declares_file(schema):
            message = f"apis[{index}] takes multipart/form-data but its request has no file field"
            hint = 'mark the upload field "type": "file", or use application/json'
            yield Finding(("apis", index, "request", "Content-type"), message, hint)


@rule("MA421", "a batch deployment has an api with a request schema")
def batch_request_schema(spec: Spec) -> Iterator[Finding]:
    """
    A batch service feeds stored data to the model, so ModelArts needs the
    request format: an api with `request.data` (ModelArts.3514, "batch needs
    input_params"). Reported in the config, once for each import that lists
    `batch` among its deployment types.
    """
    types = spec.data.get("deployment_types")
    if spec.config is None or not isinstance(types, list) or "batch" not in types:
        return
    data = spec.config_data
    for _, api in apis(data):
        request = api.get("request")
        if isinstance(request, dict) and request.get("data") is not None:
            return  # a data that is no schema is MA418's
    who = f"{spec.document.path}: " if spec.config_file is not None else ""
    message = f"{who}batch deployment needs an api with a request schema (ModelArts.3514)"
    hint = "add request.data (a JSON Schema) to an api, or remove batch from deployment_types"
    where: DataPath = ("apis",) if "apis" in data else ()
    yield Finding(where, message, hint, at="key", document=spec.config)
