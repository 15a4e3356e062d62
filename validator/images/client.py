"""The OCI distribution API v2 over HTTP: one session, the Basic and Bearer challenge flows.

Every failure becomes a `CheckFailed` whose message names the host, the status or the
registry's error code, never a credential nor text the server chose: a server that
echoes a request must not make us print its Authorization header.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ReadTimeoutError
from urllib3.util.retry import Retry

from validator import jsontext
from validator.images.credentials import Credential, Credentials
from validator.registry.scrub import remember, scrub
from validator.registry.session import Session
from validator.settings import ImagePolicy

MAX_BODY = 4 << 20  # a manifest or image config is a few KiB; refuse to buffer a flood
RETRY_AFTER_MAX = 30  # seconds: a registry must not park a check for long
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^,\s]*))')
_CODE = re.compile(r"[A-Z][A-Z_]{1,40}")


class CheckFailed(Exception):
    """An image could not be checked; the message is safe to show (and scrubbed besides)."""

    def __init__(self, message: str) -> None:
        super().__init__(scrub(message))


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    headers: Mapping[str, str]  # keys lower-case
    body: bytes


@dataclass(frozen=True, slots=True)
class Challenge:
    scheme: str  # "none", "basic" or "bearer"
    realm: str = ""
    service: str = ""


def parse_challenge(header: str) -> Challenge:
    scheme, _, rest = header.strip().partition(" ")
    params = {m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PARAM.finditer(rest)}
    return Challenge(scheme.lower(), params.get("realm", ""), params.get("service", ""))


def error_code(body: bytes) -> str | None:
    """The first `errors[].code` of a distribution error body, if it is a plain code."""
    try:
        errors = jsontext.loads(body).get("errors")
        code = errors[0].get("code")
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        return None
    return code if isinstance(code, str) and _CODE.fullmatch(code) else None


def new_session(concurrency: int, backoff: float) -> requests.Session:
    """GET retried on 429 and 5xx (honouring Retry-After) and once on a dropped connection."""
    retry = Retry(
        total=4,
        connect=1,
        read=1,
        status=3,
        backoff_factor=backoff,
        status_forcelist=[429, 500, 502, 503, 504],
        allowed_methods={"GET", "HEAD"},
        respect_retry_after_header=True,
        retry_after_max=RETRY_AFTER_MAX,
        raise_on_status=False,
    )
    session = Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=max(concurrency, 1))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


class RegistryClient:
    """GETs against registries; learns each host's challenge once, keeps tokens per repository."""

    def __init__(
        self, policy: ImagePolicy, credentials: Credentials, *, backoff: float = 0.5
    ) -> None:
        self._insecure = {h.lower() for h in policy.insecure_registries}
        self._timeout = policy.timeout
        self._credentials = credentials
        self._session = new_session(policy.concurrency, backoff)
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._challenges: dict[str, Challenge | CheckFailed] = {}
        self._tokens: dict[tuple[str, str], str] = {}

    def base(self, host: str) -> str:
        return f"{'http' if host.lower() in self._insecure else 'https'}://{host}"

    def get(self, host: str, repo: str, path: str, accept: Sequence[str] = ()) -> Reply:
        """GET `/v2/<repo>/<path>`; statuses other than 401/403/429/5xx are the caller's."""
        challenge = self._challenge(host)
        url = f"{self.base(host)}/v2/{repo}/{path}"
        headers = {"Accept": ", ".join(accept)} if accept else {}
        reply = self._send(host, url, {**headers, **self._auth(host, repo, challenge)})
        if reply.status == 401 and challenge.scheme == "bearer":
            with self._lock:
                self._tokens.pop((host, repo), None)  # expired, or too narrow: one fresh token
            reply = self._send(host, url, {**headers, **self._auth(host, repo, challenge)})
        if reply.status == 401:
            raise CheckFailed(f"{host} refused the credentials {self._source(host)} (401)")
        if reply.status == 403:
            raise CheckFailed(f"{host} denied access to `{repo}` (403)")
        if reply.status == 429 or reply.status >= 500:
            code = error_code(reply.body)
            raise CheckFailed(f"{host} answered {reply.status}{f' {code}' if code else ''}")
        return reply

    def close(self) -> None:
        self._session.close()

    def _source(self, host: str) -> str:
        credential = self._credentials.for_host(host)
        return f"from {credential.source}" if credential else "(none were found)"

    def _challenge(self, host: str) -> Challenge:
        """What `GET /v2/` asks for, learnt once per host (a failure is remembered too)."""
        with self._lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            known = self._challenges.get(host)
            if known is None:
                known = self._ping(host)
                self._challenges[host] = known
        if isinstance(known, CheckFailed):
            raise known
        return known

    def _ping(self, host: str) -> Challenge | CheckFailed:
        try:
            reply = self._send(host, f"{self.base(host)}/v2/", {})
        except CheckFailed as failed:
            return failed
        if reply.status == 200:
            return Challenge("none")
        if reply.status == 401:
            challenge = parse_challenge(reply.headers.get("www-authenticate", ""))
            if challenge.scheme in ("basic", "bearer"):
                return challenge
            return CheckFailed(f"{host} asks for an unsupported authentication scheme")
        return CheckFailed(
            f"{host} does not serve the registry API v2 (/v2/ answered {reply.status})"
        )

    def _auth(self, host: str, repo: str, challenge: Challenge) -> dict[str, str]:
        if challenge.scheme == "none":
            return {}
        credential = self._credentials.for_host(host)
        if challenge.scheme == "basic":
            if credential is None:
                raise CheckFailed(f"{host} needs credentials; none found for it ({_WHERE})")
            return {"Authorization": _basic(credential)}
        with self._lock:
            token = self._tokens.get((host, repo))
        if token is None:
            token = self._token(host, repo, challenge, credential)
            with self._lock:
                self._tokens[(host, repo)] = token
        return {"Authorization": f"Bearer {token}"}

    def _token(
        self, host: str, repo: str, challenge: Challenge, credential: Credential | None
    ) -> str:
        realm = urlsplit(challenge.realm)
        if realm.scheme not in ("https", "http") or not realm.netloc:
            raise CheckFailed(f"{host} names no usable token service")
        if realm.scheme == "http" and realm.netloc.lower() not in self._insecure:
            raise CheckFailed(
                f"the token service of {host} is plain HTTP ({realm.netloc}); "
                "list it in images.insecure_registries to allow that"
            )
        query = {"scope": f"repository:{repo}:pull"}
        if challenge.service:
            query["service"] = challenge.service
        joiner = "&" if realm.query else "?"
        headers = {"Authorization": _basic(credential)} if credential else {}
        reply = self._send(host, f"{challenge.realm}{joiner}{urlencode(query)}", headers)
        if reply.status in (401, 403):
            if credential is None:
                raise CheckFailed(f"the token service of {host} needs credentials ({_WHERE})")
            raise CheckFailed(
                f"the token service of {host} refused the credentials "
                f"from {credential.source} ({reply.status})"
            )
        try:
            data = jsontext.loads(reply.body) if reply.status == 200 else None
        except ValueError:
            data = None
        token = data.get("token") or data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise CheckFailed(f"the token service of {host} gave no token ({reply.status})")
        remember(token)  # scrubbed from any later output, whatever a server echoes
        return token

    def _send(self, host: str, url: str, headers: dict[str, str]) -> Reply:
        timeout = self._timeout
        try:
            with self._session.get(
                url, headers=headers, timeout=(timeout, timeout), stream=True
            ) as response:
                body = bytearray()
                for chunk in response.iter_content(65536):
                    body += chunk
                    if len(body) > MAX_BODY:
                        raise CheckFailed(f"{host} sent an answer larger than {MAX_BODY >> 20} MiB")
                lowered = {k.lower(): v for k, v in response.headers.items()}
                return Reply(response.status_code, lowered, bytes(body))
        except requests.exceptions.SSLError:
            raise CheckFailed(
                f"TLS failed with {host} (a plain-HTTP registry must be listed in "
                "images.insecure_registries)"
            ) from None
        except requests.exceptions.Timeout:
            raise CheckFailed(f"{host} did not answer within {timeout:g} s") from None
        except requests.exceptions.ConnectionError as error:
            # A read timeout that used up the retries arrives as a connection error.
            reason = getattr(error.args[0], "reason", None) if error.args else None
            if isinstance(reason, ReadTimeoutError):
                raise CheckFailed(f"{host} did not answer within {timeout:g} s") from None
            raise CheckFailed(f"cannot connect to {host}") from None
        except requests.RequestException as error:
            raise CheckFailed(f"the request to {host} failed ({type(error).__name__})") from None


_WHERE = "Docker config `auths`, or MODELARTS_AK/MODELARTS_SK for SWR"


def _basic(credential: Credential) -> str:
    pair = f"{credential.username}:{credential.password}".encode()
    return "Basic " + base64.b64encode(pair).decode()
