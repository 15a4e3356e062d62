"""Parse container image references (docker/OCI distribution/reference grammar).

The happy path is one full-match regex; only on failure does `_diagnose` walk the reference
to name the first defect, its offset and, when one exists, a fix.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from typing import NamedTuple

MAX_NAME_LENGTH = 255
MAX_TAG_LENGTH = 128
MAX_PORT = 65535
DIGEST_HEX_LENGTHS = {"sha256": 64, "sha384": 96, "sha512": 128}

_PC = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DC = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_TAG = rf"\w[\w.-]{{0,{MAX_TAG_LENGTH - 1}}}"
_DIGEST = "|".join(f"{algo}:[0-9a-f]{{{n}}}" for algo, n in DIGEST_HEX_LENGTHS.items())
# The first component is a registry host only if it has a "." or ":" or is "localhost"
# (docker's splitDockerDomain); the lookaheads stop such a component being read as a path.
_REFERENCE = re.compile(
    rf"(?:(?P<host>{_DC}(?:\.{_DC})+|localhost|\[[0-9a-fA-F:]+\]|{_DC}(?=:))"
    rf"(?::(?P<port>[0-9]+))?/|(?![^/.]*\.[^/]*/)(?!localhost/))"
    rf"(?P<path>{_PC}(?:/{_PC})*)"
    rf"(?::(?P<tag>{_TAG}))?"
    rf"(?:@(?P<digest>{_DIGEST}))?",
    re.ASCII,
)
_PATH_COMPONENT = re.compile(_PC)
_SEPARATOR = re.compile(r"[._]|__|-+")
_SEPARATOR_RUN = re.compile(r"[._-]+")
_BAD_PATH_CHAR = re.compile(r"[^a-zA-Z0-9._-]")
_BAD_HOST_CHAR = re.compile(r"[^a-zA-Z0-9-]")
_BAD_TAG_CHAR = re.compile(r"[^a-zA-Z0-9_.-]")
TAG = re.compile(_TAG, re.ASCII)  # a tag alone
_NON_HEX = re.compile(r"[^0-9a-fA-F]")
_IPV6_CHARS = re.compile(r"[0-9a-fA-F:]+")
_DIGITS = re.compile(r"[0-9]+")
_WHITESPACE = re.compile(r"\s")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


class ImageRef(NamedTuple):
    host: str | None  # None: no registry host given (Docker Hub implied); IPv6 keeps "[...]"
    port: int | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def organization(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def name(self) -> str:
        if self.host is None:
            return self.path
        domain = self.host if self.port is None else f"{self.host}:{self.port}"
        return f"{domain}/{self.path}"


class ImageRefError(NamedTuple):
    offset: int  # 0-based index into the reference where the defect starts
    message: str
    suggestion: str | None


@lru_cache(maxsize=4)  # the rules of one file ask for its image six times; results are immutable
def parse_image(reference: str) -> ImageRef | ImageRefError:
    match = _REFERENCE.fullmatch(reference)
    if match is None:
        return _diagnose(reference)
    host, port = match["host"], match["port"]
    number = None if port is None else int(port)
    ref = ImageRef(host, number, match["path"], match["tag"], match["digest"])
    bad_port = ref.port is not None and ref.port > MAX_PORT
    bad_ipv6 = host is not None and host.startswith("[") and not _is_ipv6(host[1:-1])
    return _diagnose(reference) if bad_port or bad_ipv6 or len(ref.name) > MAX_NAME_LENGTH else ref


def _fixed(reference: str, candidate: str) -> str | None:
    """The candidate, if it differs from the reference and parses cleanly."""
    if candidate == reference or not isinstance(parse_image(candidate), ImageRef):
        return None
    return candidate


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return _IPV6_CHARS.fullmatch(text) is not None


def _diagnose(ref: str) -> ImageRefError:
    if not ref:
        return ImageRefError(0, "image reference is empty", None)
    if (space := _WHITESPACE.search(ref)) is not None:
        message = f"image reference must not contain whitespace (found {space.group()!r})"
        return ImageRefError(space.start(), message, _fixed(ref, ref.strip()))
    if (scheme := _SCHEME.match(ref)) is not None:
        message = f"image reference must not start with a URL scheme: `{scheme.group()}`"
        return ImageRefError(0, message, _fixed(ref, ref[scheme.end() :]))
    at = ref.find("@")
    name_end = len(ref) if at < 0 else at
    colon = ref.rfind(":", 0, name_end)
    if colon <= ref.rfind("/", 0, name_end):
        colon = -1
    name = ref[: name_end if colon < 0 else colon]
    start, slash = 0, ref.find("/", 0, name_end)
    first = ref[:slash] if slash >= 0 else ref[:name_end]
    if first[:1] == "[" or (slash >= 0 and ("." in first or ":" in first or first == "localhost")):
        if (error := _check_domain(first)) is not None:
            return error
        if slash < 0:
            message = f"registry host `{first}` must be followed by `/` and a repository path"
            return ImageRefError(len(first), message, None)
        start = slash + 1
    error = _check_path(ref, name, start)
    if error is None and colon >= 0:
        error = _check_tag(ref, colon, name_end)
    if error is None and at >= 0:
        error = _check_digest(ref, at)
    if error is None and len(name) > MAX_NAME_LENGTH:
        message = f"image name is {len(name)} characters long; the maximum is {MAX_NAME_LENGTH}"
        error = ImageRefError(0, message, None)
    return error or ImageRefError(0, "invalid image reference", None)


def _check_domain(domain: str) -> ImageRefError | None:
    if domain.startswith("["):
        host_end = domain.find("]") + 1
        if host_end == 0:
            return ImageRefError(0, f"IPv6 registry host has no closing `]`: `{domain}`", None)
        if not _is_ipv6(domain[1 : host_end - 1]):
            return ImageRefError(1, f"invalid IPv6 address: `{domain[1 : host_end - 1]}`", None)
        if host_end < len(domain) and domain[host_end] != ":":
            message = f"IPv6 registry host must be followed by `:port` or `/`: `{domain}`"
            return ImageRefError(host_end, message, None)
    else:
        host_end = domain.find(":") if ":" in domain else len(domain)
        host, offset = domain[:host_end], 0
        for label in host.split("."):
            if (error := _check_host_label(label, offset, host)) is not None:
                return error
            offset += len(label) + 1
    if host_end == len(domain):
        return None
    port = domain[host_end + 1 :]
    if not port:
        return ImageRefError(host_end, "`:` after the registry host needs a port", None)
    if _DIGITS.fullmatch(port) is None:
        return ImageRefError(host_end + 1, f"port must be a number: `{port}`", None)
    if int(port) > MAX_PORT:
        message = f"port {int(port)} is out of range (0-{MAX_PORT})"
        return ImageRefError(host_end + 1, message, None)
    return None


def _check_host_label(label: str, offset: int, host: str) -> ImageRefError | None:
    if not label:
        message = f"registry host `{host}` has an empty component (`..`, or `.` at an end)"
        return ImageRefError(offset, message, None)
    if (bad := _BAD_HOST_CHAR.search(label)) is not None:
        message = f"invalid character `{bad.group()}` in registry host `{host}`"
        return ImageRefError(offset + bad.start(), message, None)
    if label.startswith("-") or label.endswith("-"):
        where = offset if label.startswith("-") else offset + len(label) - 1
        message = f"registry host component must not start or end with `-`: `{label}`"
        return ImageRefError(where, message, None)
    return None


def _check_path(ref: str, name: str, start: int) -> ImageRefError | None:
    if start == len(name):
        owner = "image reference" if start == 0 else f"`{name}`"
        return ImageRefError(start, f"{owner} has no repository path", None)
    components = name[start:].split("/")
    offset = start
    for index, component in enumerate(components):
        if not component:
            last = index == len(components) - 1
            at = offset - 1 if last else offset  # the superfluous "/"
            message = f"empty component (`//`) in repository path `{name[start:]}`"
            if last or offset == 0:
                message = f"repository path must not {'end' if last else 'start'} with `/`"
            return ImageRefError(at, message, _fixed(ref, ref[:at] + ref[at + 1 :]))
        if _PATH_COMPONENT.fullmatch(component) is None:
            return _component_error(ref, name, start, component, offset)
        offset += len(component) + 1
    return None


def _component_error(ref: str, name: str, start: int, component: str, offset: int) -> ImageRefError:
    if (bad := _BAD_PATH_CHAR.search(component)) is not None:
        message = f"invalid character `{bad.group()}` in repository path component `{component}`"
        return ImageRefError(offset + bad.start(), message, None)
    for run in _SEPARATOR_RUN.finditer(component):
        sep = run.group()
        if run.start() == 0:
            message = f"repository path component `{component}` must not start with `{sep}`"
        elif run.end() == len(component):
            message = f"repository path component `{component}` must not end with `{sep}`"
        elif _SEPARATOR.fullmatch(sep) is None:
            message = f"invalid separator `{sep}` in `{component}`; use `.`, `_`, `__` or dashes"
        else:
            continue
        return ImageRefError(offset + run.start(), message, None)
    lowered = ref[:start] + name[start:].lower() + ref[len(name) :]
    message = f"repository path must be lowercase: `{component}`"
    return ImageRefError(offset, message, _fixed(ref, lowered))


def _check_tag(ref: str, colon: int, end: int) -> ImageRefError | None:
    tag = ref[colon + 1 : end]
    if not tag:
        message = "`:` must be followed by a tag"
        return ImageRefError(colon, message, _fixed(ref, ref[:colon] + ref[colon + 1 :]))
    if len(tag) > MAX_TAG_LENGTH:
        message = f"tag is {len(tag)} characters long; the maximum is {MAX_TAG_LENGTH}"
        return ImageRefError(colon + 1, message, None)
    if (bad := _BAD_TAG_CHAR.search(tag)) is not None:
        message = f"invalid character `{bad.group()}` in tag `{tag}`"
        return ImageRefError(colon + 1 + bad.start(), message, None)
    if tag[0] in ".-":
        message = f"tag must start with a letter, digit or `_`: `{tag}`"
        return ImageRefError(colon + 1, message, None)
    return None


def _check_digest(ref: str, at: int) -> ImageRefError | None:
    digest = ref[at + 1 :]
    if not digest:
        return ImageRefError(at, "`@` must be followed by a digest", _fixed(ref, ref[:at]))
    algorithm, colon, hex_ = digest.partition(":")
    if not colon:
        known = [a for a in DIGEST_HEX_LENGTHS if digest.startswith(a)]
        fix = f"{ref[: at + 1]}{known[0]}:{digest[len(known[0]) :]}" if known else ref
        message = "digest is missing the `:` between algorithm and hex (`sha256:<hex>`)"
        return ImageRefError(at + 1, message, _fixed(ref, fix))
    if algorithm not in DIGEST_HEX_LENGTHS:
        message = f"unknown digest algorithm `{algorithm}`; expected sha256, sha384 or sha512"
        fix = f"{ref[: at + 1]}{algorithm.lower()}:{hex_}"
        return ImageRefError(at + 1, message, _fixed(ref, fix))
    hex_start = at + len(algorithm) + 2
    if (bad := _NON_HEX.search(hex_)) is not None:
        message = f"invalid character `{bad.group()}` in {algorithm} digest; expected hex"
        return ImageRefError(hex_start + bad.start(), message, None)
    expected = DIGEST_HEX_LENGTHS[algorithm]
    if len(hex_) != expected:
        message = f"{algorithm} digest needs {expected} hex characters, got {len(hex_)}"
        return ImageRefError(hex_start, message, None)
    if hex_ != hex_.lower():
        upper = hex_start + next(i for i, char in enumerate(hex_) if char.isupper())
        fix = ref[:hex_start] + hex_.lower()
        return ImageRefError(upper, "digest hex must be lowercase", _fixed(ref, fix))
    return None
