"""MA3xx: the container image reference in `source.image`, checked offline.

ModelArts imports the image from SWR (SoftWare Repository for Containers) in
the same account and region; an image it cannot pull fails the import only
after it has been submitted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from validator.check.imageref import ImageRef, ImageRefError, parse_image
from validator.check.registry import rule
from validator.check.subject import Spec
from validator.diagnostics import Finding, Severity, closest, kind_of, suggest

SWR_HOST = re.compile(r"swr\.(?P<region>[a-z0-9-]+)\.(?:otc\.t-systems\.com|myhuaweicloud\.com)")
SWR_ORG = re.compile(r"[a-z][a-z0-9._-]{0,63}")
PATH = ("source", "image")


def _image(spec: Spec) -> ImageRef | None:
    """The parsed image, or None when absent or malformed (MA301 reports that)."""
    image = spec.image
    if not isinstance(image, str):
        return None
    parsed = parse_image(image)
    return parsed if isinstance(parsed, ImageRef) else None


@rule("MA301", "the image reference is well formed")
def image_grammar(spec: Spec) -> Iterator[Finding]:
    """
    `source.image` follows the container image reference grammar:
    `host[:port]/path[:tag][@algorithm:digest]`, lower-case path components
    separated by `/`, a tag of at most 128 characters, a digest such as
    `sha256:` and 64 hex digits. Each defect is named precisely.
    """
    image = spec.image
    if image is None:
        return
    if not isinstance(image, str):
        yield Finding(PATH, f"image must be text, not {kind_of(image)}")
        return
    parsed = parse_image(image)
    if isinstance(parsed, ImageRefError):
        where = f" (at character {parsed.offset + 1})" if parsed.offset else ""
        yield Finding(PATH, f"image `{image}`: {parsed.message}{where}", parsed.suggestion)
    elif parsed.host and SWR_HOST.fullmatch(parsed.host):
        if not SWR_ORG.fullmatch(parsed.organization):
            yield Finding(
                PATH,
                f"SWR organization `{parsed.organization}` must start with a lower-case letter "
                "and have at most 64 characters",
            )
        elif "/" not in parsed.path:  # SWR paths are always <organization>/<repository>
            yield Finding(
                PATH,
                f"image `{image}` names the SWR organization `{parsed.organization}` "
                "but no repository",
                f"{parsed.host}/{parsed.organization}/<repository>{_suffix(parsed)}",
            )


@rule("MA302", "the image comes from SWR or an allowed registry")
def image_registry(spec: Spec) -> Iterator[Finding]:
    """
    ModelArts pulls model images from SWR: `swr.<region>.otc.t-systems.com`
    (Open Telekom Cloud) or `swr.<region>.myhuaweicloud.com` (Huawei Cloud).
    Other hosts can be allowed with `images.registries` in the configuration.
    A reference without a host means Docker Hub, which ModelArts cannot use.
    """
    image = _image(spec)
    if image is None:
        return
    allowed = spec.settings.images.registries
    if image.host is None:
        region = spec.settings.images.region or "eu-de"
        path = image.path.removeprefix("library/")  # Docker Hub's official images
        if "/" not in path:  # an SWR path is <organization>/<repository>
            organizations = spec.settings.images.organizations
            path = f"{organizations[0] if len(organizations) == 1 else '<organization>'}/{path}"
        fixed = f"swr.{region}.otc.t-systems.com/{path}"
        yield Finding(
            PATH,
            f"image `{image.path}` names no registry host, so it means Docker Hub",
            f"{fixed}{_suffix(image)}",
        )
    elif SWR_HOST.fullmatch(image.host.lower()) and image.host != image.host.lower():
        fixed = image.name.replace(image.host, image.host.lower(), 1) + _suffix(image)
        yield Finding(PATH, f"registry host `{image.host}` must be lower case", fixed)
    elif not SWR_HOST.fullmatch(image.host) and image.name.split("/")[0] not in allowed:
        hint = suggest(image.host, allowed) if allowed else None
        message = f"registry `{image.host}` is not an SWR endpoint (swr.<region>.otc.t-systems.com)"
        yield Finding(PATH, message + (" nor in images.registries" if allowed else ""), hint)


@rule("MA303", "the SWR region is the configured region")
def image_region(spec: Spec) -> Iterator[Finding]:
    """
    ModelArts imports images from SWR in its own region. With `images.region`
    set (or `MODELARTS_REGION`), an SWR host of another region is an error.
    """
    image, region = _image(spec), spec.settings.images.region
    match = SWR_HOST.fullmatch(image.host or "") if image else None
    if image and match and region and match["region"] != region:
        host = match[0].replace(f".{match['region']}.", f".{region}.", 1)
        yield Finding(
            PATH,
            f"image is in region `{match['region']}`; ModelArts here runs in `{region}`",
            image.name.replace(match[0], host, 1) + _suffix(image),
        )


@rule("MA304", "the SWR organization is allowed")
def image_organization(spec: Spec) -> Iterator[Finding]:
    """
    With `images.organizations` set, images must come from one of those SWR
    organizations (namespaces), so a model cannot pull from a personal one.
    """
    image, allowed = _image(spec), spec.settings.images.organizations
    if image and allowed and image.organization not in allowed:
        listed = ", ".join(allowed)
        message = f"organization `{image.organization}` is not allowed; use one of {listed}"
        close = closest(image.organization, allowed)
        if len(allowed) == 1 or close is not None:
            rest = image.path.split("/", 1)[1] if "/" in image.path else image.path
            fixed = f"{image.host}/{close or allowed[0]}/{rest}{_suffix(image)}"
            yield Finding(PATH, message, fixed)
        else:
            yield Finding(PATH, message)


@rule("MA305", "the image has a tag or digest, and the tag is not latest")
def image_tag(spec: Spec) -> Iterator[Finding]:
    """
    An image without a tag means `latest`, and `latest` changes under a
    published model version. Name a version tag, or pin a digest.
    """
    image = _image(spec)
    if image is None or image.digest:
        return
    if image.tag is None:
        yield Finding(
            PATH,
            f"image `{image.name}` has no tag, which means `latest`",
            f"{image.name}:<version>",
        )
    elif image.tag == "latest":
        yield Finding(
            PATH,
            "tag `latest` moves; name a version tag or pin a digest",
            f"{image.name}:<version>",
        )


@rule("MA306", "the image is pinned by digest", Severity.INFO)
def image_pinned(spec: Spec) -> Iterator[Finding]:
    """
    A tag can be pushed again with other content; a digest cannot. Pinning
    `@sha256:...` makes the import reproducible. Reported as info by default;
    raise it with `severity: {MA306: error}`.
    """
    image = _image(spec)
    if image is not None and image.digest is None and image.tag not in (None, "latest"):
        yield Finding(
            PATH,
            f"image `{image.name}:{image.tag}` is not pinned by digest",
            f"{image.name}@sha256:<digest>",
        )


def _suffix(image: ImageRef) -> str:
    return (f":{image.tag}" if image.tag else "") + (f"@{image.digest}" if image.digest else "")
