"""SDK-HMAC-SHA256: a fixed vector checked step by step, and verify() refusing any change."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest

from validator.registry import signing

WHEN = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
URL = "https://modelarts.eu-de.otc.t-systems.com/v1/proj0123/models?model_name=res%20net&limit=100"
BODY = b'{"model_name":"res net"}'
HEADERS = {"Content-Type": "application/json", "X-Project-Id": "proj0123"}
AK, SK = "AKVECTOR", "SKVECTOR"
# Computed once and cross-checked against a transcription of the Huawei Cloud SDK signer
# (huaweicloudsdkcore/signer/signer.py) for the same request.
EXPECTED_SIGNATURE = "f714aa15bc2aa40abd5a5c2962bb7e050c505563ac0e833af42781840220c12c"


def signed() -> dict[str, str]:
    return signing.sign("POST", URL, HEADERS, BODY, AK, SK, now=WHEN)


def test_fixed_vector_step_by_step() -> None:
    canonical_request = "\n".join(
        [
            "POST",
            "/v1/proj0123/models/",  # always ends in "/"
            "limit=100&model_name=res%20net",  # sorted by key, space as %20
            "content-type:application/json\n"
            "host:modelarts.eu-de.otc.t-systems.com\n"
            "x-project-id:proj0123\n"
            "x-sdk-date:20240102T030405Z\n",  # each header line ends in \n
            "content-type;host;x-project-id;x-sdk-date",
            hashlib.sha256(BODY).hexdigest(),
        ]
    )
    to_sign = (
        "SDK-HMAC-SHA256\n20240102T030405Z\n"
        + hashlib.sha256(canonical_request.encode()).hexdigest()
    )
    signature = hmac.new(SK.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    assert signature == EXPECTED_SIGNATURE

    headers = signed()
    assert headers["X-Sdk-Date"] == "20240102T030405Z"
    assert headers["Host"] == "modelarts.eu-de.otc.t-systems.com"
    assert headers["Authorization"] == (
        "SDK-HMAC-SHA256 Access=AKVECTOR, "
        "SignedHeaders=content-type;host;x-project-id;x-sdk-date, "
        f"Signature={EXPECTED_SIGNATURE}"
    )
    query = [("model_name", "res net"), ("limit", "100")]
    lower = {k.lower(): v for k, v in headers.items() if k != "Authorization"}
    built = signing.canonical_request(
        "POST", "/v1/proj0123/models", query, lower, sorted(lower), BODY
    )
    assert built == canonical_request
    assert signing.string_to_sign(built, "20240102T030405Z") == to_sign


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("/v1/p/models", "/v1/p/models/"),
        ("/v1/p/models/", "/v1/p/models/"),
        ("/v1/p/a%20b~c", "/v1/p/a%20b~c/"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert signing.canonical_uri(path) == expected


def test_canonical_query_sorts_and_encodes() -> None:
    pairs = [("b", "x y"), ("a", "1/2"), ("a", "0"), ("c", "~*")]
    assert signing.canonical_query(pairs) == "a=0&a=1%2F2&b=x%20y&c=~%2A"


def target(url: str = URL) -> str:
    return url.split("otc.t-systems.com", 1)[1]


def test_verify_accepts_the_signed_request() -> None:
    assert signing.verify("POST", target(), signed(), BODY, AK, SK, now=WHEN)


@pytest.mark.parametrize(
    "change",
    ["body", "query", "path", "method", "header", "ak", "sk", "stale", "unsigned-host"],
)
def test_verify_refuses_any_change(change: str) -> None:
    headers, body, path, method, ak, sk, now = signed(), BODY, target(), "POST", AK, SK, WHEN
    if change == "body":
        body = b'{"model_name":"res net2"}'
    elif change == "query":
        path = path.replace("limit=100", "limit=101")
    elif change == "path":
        path = path.replace("proj0123", "proj9999")
    elif change == "method":
        method = "PUT"
    elif change == "header":
        headers["X-Project-Id"] = "other"
    elif change == "ak":
        ak = "AKOTHER"
    elif change == "sk":
        sk = "SKOTHER"
    elif change == "stale":
        now = WHEN + timedelta(minutes=16)
    elif change == "unsigned-host":
        headers = signed_without_host()
    assert not signing.verify(method, path, headers, body, ak, sk, now=now)


def signed_without_host() -> dict[str, str]:
    """A correct signature that covers only the date: replayable elsewhere, so refused."""
    headers = {"x-sdk-date": "20240102T030405Z"}
    query = [("model_name", "res net"), ("limit", "100")]
    path, only_date = "/v1/proj0123/models", ["x-sdk-date"]
    request = signing.canonical_request("POST", path, query, headers, only_date, BODY)
    sig = signing.signature(SK, signing.string_to_sign(request, headers["x-sdk-date"]))
    auth = f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=x-sdk-date, Signature={sig}"
    return {**headers, "Host": "modelarts.eu-de.otc.t-systems.com", "Authorization": auth}


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer abc", "SDK-HMAC-SHA256 Access=AKVECTOR", "SDK-HMAC-SHA256 garbage"],
)
def test_verify_refuses_malformed_authorization(authorization: str) -> None:
    headers = {**signed(), "Authorization": authorization}
    assert not signing.verify("POST", target(), headers, BODY, AK, SK, now=WHEN)
