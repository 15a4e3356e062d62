"""MA307-MA313: the image, asked of its registry (`validate --check-images`).

Offline by default: these rules run only with `--check-images` or `images.check: true`,
and then ask each image's registry over the OCI distribution API v2 for the manifest
(through an image index to the linux/amd64 or linux/arm64 image) and the image config.
Answers are cached in `.modelarts-gitops/cache/images.json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from validator.check.registry import rule
from validator.diagnostics import Finding, Severity
from validator.images import PLATFORMS, PORT, SIZE_LIMIT

if TYPE_CHECKING:
    from validator.images.facts import OnlineSpec

PATH = ("source", "image")
ONLINE = "online"


@rule("MA307", "the image exists in its registry", scope=ONLINE)
def image_exists(subject: OnlineSpec) -> Iterator[Finding]:
    """
    The repository and the tag exist (for a digest-only reference, the digest). A typo
    in a tag otherwise passes every offline check and fails the import in ModelArts.
    """
    if subject.facts.missing:
        yield Finding(PATH, subject.facts.missing, subject.facts.hint)


@rule("MA308", "a pinned digest is the digest its tag points to", scope=ONLINE)
def image_digest_matches(subject: OnlineSpec) -> Iterator[Finding]:
    """
    With `name:tag@sha256:...`, ModelArts pulls the digest and ignores the tag. When the
    tag points elsewhere (it moved, or the digest is from another build), the file says
    one image and imports another. A platform manifest of the tag's index matches too.
    """
    facts, pinned = subject.facts, subject.digest
    if pinned is None or subject.tag is None or facts.tag_digest is None:
        return
    if pinned not in facts.tag_digests:
        gone = "" if facts.pinned_exists else f"; {pinned} does not exist in {subject.name}"
        yield Finding(
            PATH,
            f"pinned digest is not the one tag `{subject.tag}` points to "
            f"({facts.tag_digest}){gone}",
            f"{subject.name}:{subject.tag}@{facts.tag_digest}",
        )


@rule("MA309", "the image exposes port 8080/tcp", Severity.WARNING, scope=ONLINE)
def image_port(subject: OnlineSpec) -> Iterator[Finding]:
    """
    ModelArts forwards requests to port 8080 of the container, and the service must
    listen on 0.0.0.0:8080. An image whose config does not expose 8080/tcp was
    probably built for another port. Add `EXPOSE 8080` to the Dockerfile.
    """
    ports = subject.facts.ports
    if ports is not None and PORT not in ports and "8080" not in ports:
        exposed = ", ".join(ports) if ports else "no port"
        yield Finding(
            PATH, f"the image exposes {exposed}, not {PORT}; ModelArts sends requests to 8080"
        )


@rule("MA310", "the image is built for linux/amd64 or linux/arm64", scope=ONLINE)
def image_platform(subject: OnlineSpec) -> Iterator[Finding]:
    """
    ModelArts runs linux/amd64 (x86) and linux/arm64 (Arm) images. An image, or an
    image index, offering only other platforms cannot start.
    """
    facts = subject.facts
    if facts.platforms and facts.platform is None:
        offered = ", ".join(facts.platforms)
        wanted = " or ".join(PLATFORMS)
        yield Finding(PATH, f"the image offers {offered}; ModelArts needs {wanted}")


@rule("MA311", "the image is at most 30 GB compressed", scope=ONLINE)
def image_size(subject: OnlineSpec) -> Iterator[Finding]:
    """
    ModelArts refuses custom images larger than 30 GB. The size checked is the sum of
    the compressed layer sizes in the manifest (GB as 2^30 bytes).
    """
    size = subject.facts.size
    if size is not None and size > SIZE_LIMIT:
        shown = f"{size / (1 << 30):.1f} GB"
        yield Finding(PATH, f"the image is {shown} compressed; the ModelArts limit is 30 GB")


@rule("MA312", "the image could be checked", Severity.WARNING, scope=ONLINE)
def image_checked(subject: OnlineSpec) -> Iterator[Finding]:
    """
    The registry could not be asked: no connection, a timeout, credentials missing or
    refused, or a registry error. The message says which; it never shows a credential.
    Raise it to an error with `severity: {MA312: error}` to make the check mandatory.
    """
    if subject.facts.problem:
        yield Finding(PATH, f"image not checked: {subject.facts.problem}")


@rule("MA313", "a batch image runs /home/run.sh", Severity.INFO, scope=ONLINE)
def image_batch_boot(subject: OnlineSpec) -> Iterator[Finding]:
    """
    For batch services the custom-image specification asks for the boot file
    `/home/run.sh`, started by the image's command (`CMD ["sh", "/home/run.sh"]`).
    Reported when `batch` is a deployment type and neither Entrypoint nor Cmd runs it.
    """
    command = subject.facts.command
    types = subject.spec.data.get("deployment_types")
    if command is None or not isinstance(types, list) or "batch" not in types:
        return
    if not any("/home/run.sh" in part for part in command):
        shown = " ".join(command) or "no command"
        yield Finding(PATH, f"batch image runs `{shown}`, not /home/run.sh")
