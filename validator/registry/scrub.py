"""No credential value in any output: every message and value a registry sends is scrubbed.

A registry, or a proxy in front of it, may echo the request — headers included — in a JSON
error body, or reflect the token into model data. Whatever it answers, the values of the
secret variables (token, SK, security token, password) and every IAM token the tool
obtained are replaced by `<hidden>` before the text reaches a message, a plan or a log.
"""

from __future__ import annotations

import functools
import json
import os
import threading
from typing import Any
from urllib.parse import quote

HIDDEN = "<hidden>"
SECRET_VARS = (
    "MODELARTS_TOKEN",
    "MODELARTS_SK",
    "MODELARTS_SECURITY_TOKEN",
    "MODELARTS_PASSWORD",
)
MIN_LENGTH = 4  # shorter values would blank out ordinary words; no real credential is this short
_obtained: set[str] = set()
_mutex = threading.Lock()


def remember(secret: str) -> None:
    """A secret the tool obtained at run time (an IAM token): scrubbed from then on."""
    if len(secret) >= MIN_LENGTH:
        with _mutex:
            _obtained.add(secret)


def _spellings(secret: str) -> set[str]:
    """The value as a server may echo it: as is, URL-encoded, JSON-escaped."""
    return {secret, quote(secret, safe=""), json.dumps(secret)[1:-1]}


def known_secrets() -> list[str]:
    """Every spelling to hide, longest first (so no value is left half replaced)."""
    with _mutex:
        obtained = frozenset(_obtained)
    return _ordered(tuple(os.environ.get(name, "") for name in SECRET_VARS), obtained)


@functools.lru_cache(maxsize=8)
def _ordered(variables: tuple[str, ...], obtained: frozenset[str]) -> list[str]:
    """The spellings of these values (each answer of a plan asks; the values rarely change).
    Callers only read the list."""
    values = {*variables, *obtained}
    spellings = {s for v in values if len(v) >= MIN_LENGTH for s in _spellings(v)}
    return sorted(spellings, key=len, reverse=True)


def scrub(text: str) -> str:
    for secret in known_secrets():
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text


def scrub_data(value: Any, text: str | None = None) -> Any:
    """A decoded JSON answer with every string (keys too) scrubbed; `text`, when given,
    is the JSON text it was decoded from."""
    secrets = known_secrets()
    if not secrets or not _may_hold(value, secrets, text):
        return value

    def clean(item: Any) -> Any:
        if isinstance(item, str):
            for secret in secrets:
                if secret in item:
                    item = item.replace(secret, HIDDEN)
            return item
        if isinstance(item, dict):
            return {clean(k): clean(v) for k, v in item.items()}
        if isinstance(item, list):
            return [clean(v) for v in item]
        return item

    return clean(value)


def _may_hold(value: Any, secrets: list[str], text: str | None = None) -> bool:
    """False when no string in `value` (keys included) can contain a secret.

    JSON escapes character by character, so a string holding a secret holds, once encoded,
    the secret's own encoding: one C-speed encode and a search stand in for walking the
    whole answer (a list page of 1,000 models has some 50,000 strings). The text `value`
    was decoded from serves as that encoding when it spells no character as `\\uXXXX` or
    `\\/`: then each character is written as itself, or as the one short escape an
    encoder would choose too (`\\"`, `\\\\`, `\\n`, ...), so the encode is saved.
    """
    if text is None or "\\u" in text or "\\/" in text:
        text = json.dumps(value, ensure_ascii=False)
    return any(json.dumps(secret, ensure_ascii=False)[1:-1] in text for secret in secrets)
