"""AK/SK request signing, SDK-HMAC-SHA256, as Huawei Cloud's API gateway checks it.

The steps follow the Huawei Cloud SDK signer: canonical request → string to sign →
HMAC-SHA256 with the SK. Only the stdlib is used, so the signer is cheap to import and the
same code signs (client) and verifies (the local `registry serve`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
MAX_CLOCK_SKEW = 15 * 60  # seconds; the API gateway rejects older or future dates


def _encode(text: str) -> str:
    # safe="~" keeps only RFC 3986 unreserved characters; a space becomes %20, never "+".
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Each segment percent-encoded; always ends in `/` (the gateway signs it that way)."""
    uri = "/".join(_encode(segment) for segment in unquote(path).split("/"))
    return uri if uri.endswith("/") else uri + "/"


def canonical_query(pairs: Sequence[tuple[str, str]]) -> str:
    """Pairs sorted by key (then value), `k=v` percent-encoded, joined by `&`.

    The client must send exactly this string as its query: requests' `params=` would encode a
    space as `+` and break the signature.
    """
    return "&".join(f"{_encode(key)}={_encode(value)}" for key, value in sorted(pairs))


def canonical_request(
    method: str,
    path: str,
    query: Sequence[tuple[str, str]],
    headers: Mapping[str, str],
    signed: Sequence[str],
    body: bytes,
) -> str:
    """`headers` must have lower-case names; `signed` lists them sorted."""
    lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    return "\n".join(
        (
            method.upper(),
            canonical_uri(path),
            canonical_query(query),
            lines,
            ";".join(signed),
            hashlib.sha256(body).hexdigest(),
        )
    )


def string_to_sign(request: str, sdk_date: str) -> str:
    digest = hashlib.sha256(request.encode("utf-8")).hexdigest()
    return f"{ALGORITHM}\n{sdk_date}\n{digest}"


def signature(sk: str, to_sign: str) -> str:
    return hmac.new(sk.encode("utf-8"), to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    ak: str,
    sk: str,
    *,
    now: datetime | None = None,
) -> dict[str, str]:
    """Return `headers` plus `X-Sdk-Date`, `Host` and `Authorization`; every header is signed.

    `url` must already carry its query in canonical form (see `canonical_query`).
    """
    parts = urlsplit(url)
    out = dict(headers)
    when = now or datetime.now(UTC)
    out["X-Sdk-Date"] = when.strftime(DATE_FORMAT)
    if not any(name.lower() == "host" for name in out):
        out["Host"] = parts.netloc
    lower = {name.lower(): value for name, value in out.items()}
    signed = sorted(lower)
    query = parse_qsl(parts.query, keep_blank_values=True)
    request = canonical_request(method, parts.path or "/", query, lower, signed, body)
    sig = signature(sk, string_to_sign(request, out["X-Sdk-Date"]))
    out["Authorization"] = (
        f"{ALGORITHM} Access={ak}, SignedHeaders={';'.join(signed)}, Signature={sig}"
    )
    return out


def parse_authorization(value: str) -> dict[str, str] | None:
    """`SDK-HMAC-SHA256 Access=.., SignedHeaders=.., Signature=..` → its three fields."""
    scheme, _, rest = value.partition(" ")
    if scheme != ALGORITHM:
        return None
    fields: dict[str, str] = {}
    for item in rest.split(","):
        key, sep, val = item.strip().partition("=")
        if sep:
            fields[key] = val
    return fields if {"Access", "SignedHeaders", "Signature"} <= fields.keys() else None


def verify(
    method: str,
    target: str,
    headers: Mapping[str, str],
    body: bytes,
    ak: str,
    sk: str,
    *,
    now: datetime | None = None,
) -> bool:
    """Check a signed request as received: `target` is the raw path and query of the request line.

    The date must be signed and within 15 minutes, and `host` must be signed, so a captured
    request cannot be replayed later or against another host.
    """
    lower = {name.lower(): value for name, value in headers.items()}
    fields = parse_authorization(lower.get("authorization", ""))
    if fields is None or not hmac.compare_digest(fields["Access"], ak):
        return False
    signed = fields["SignedHeaders"].split(";")
    if not {"host", "x-sdk-date"} <= set(signed) or any(name not in lower for name in signed):
        return False
    try:
        sent = datetime.strptime(lower["x-sdk-date"], DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return False
    if abs(((now or datetime.now(UTC)) - sent).total_seconds()) > MAX_CLOCK_SKEW:
        return False
    parts = urlsplit(target)
    query = parse_qsl(parts.query, keep_blank_values=True)
    request = canonical_request(method, parts.path, query, lower, signed, body)
    expected = signature(sk, string_to_sign(request, lower["x-sdk-date"]))
    return hmac.compare_digest(expected, fields["Signature"])
