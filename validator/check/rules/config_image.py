"""MA411-MA414: config.json fields that a custom image does not use.

A model imported from a container image brings its own runtime and packages,
and ModelArts takes the image from the import (`source.image`, API
`source_location`). `swr_location`, `runtime` and `dependencies` are for models
imported from OBS; in a custom image's config they are at best ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

from validator.check.imageref import ImageRef, parse_image
from validator.check.registry import rule
from validator.check.subject import ConfigUse, Spec
from validator.diagnostics import Finding, Severity


def source_image(spec: Spec) -> str | None:
    image = spec.image
    return image if isinstance(image, str) else None


def same_image(first: str, second: str) -> bool:
    """Same repository, and the same tag and digest where both name one."""
    a, b = parse_image(first.strip()), parse_image(second.strip())
    if not isinstance(a, ImageRef) or not isinstance(b, ImageRef):
        return first.strip() == second.strip()
    return (
        (a.host, a.port, a.path) == (b.host, b.port, b.path)
        and (a.tag is None or b.tag is None or a.tag == b.tag)
        and (a.digest is None or b.digest is None or a.digest == b.digest)
    )


@rule("MA411", "swr_location is not needed", Severity.WARNING, scope="config")
def swr_location_unused(use: ConfigUse) -> Iterator[Finding]:
    """
    `swr_location` is for an Image model imported from OBS. A container-image
    import takes the image from `source.image`, so the field is redundant; it
    is reported once per config. When it names another image than an import
    using the config, MA412 reports that instead.
    """
    value = use.data.get("swr_location")
    if value is None:
        return
    images = [image for image in map(source_image, use.users) if image is not None]
    if isinstance(value, str) and not all(same_image(value, image) for image in images):
        return  # MA412 reports each import it contradicts
    message = "swr_location is not needed: ModelArts imports the image named in source.image"
    yield Finding(("swr_location",), message, "remove swr_location", at="key")


@rule("MA412", "swr_location names the imported image")
def swr_location_differs(spec: Spec) -> Iterator[Finding]:
    """
    A config whose `swr_location` names another image than `source.image`
    describes a different model than the one imported. ModelArts imports
    `source.image`; remove `swr_location`. Reported in the config, once for
    each import it contradicts.
    """
    value = spec.config_data.get("swr_location")
    image = source_image(spec)
    if spec.config is None or not isinstance(value, str) or image is None:
        return
    if same_image(value, image):
        return
    of = f" of {spec.document.path}" if spec.config_file is not None else ""
    message = f"swr_location `{value}` is not the imported image `{image}` (source.image{of})"
    yield Finding(("swr_location",), message, "remove swr_location", document=spec.config)


@rule(
    "MA413", "runtime is ignored for a custom image", Severity.WARNING, scope="config", content=True
)
def runtime_ignored(use: ConfigUse) -> Iterator[Finding]:
    """
    `runtime` picks the Python runtime of a preconfigured AI engine. A custom
    image brings its own, so ModelArts ignores the field.
    """
    if "runtime" in use.data:
        message = "runtime is ignored for a model imported from a container image"
        yield Finding(("runtime",), message, "remove runtime", at="key")


@rule("MA414", "no dependencies for a custom image", scope="config", content=True)
def dependencies_refused(use: ConfigUse) -> Iterator[Finding]:
    """
    `dependencies` lists pip packages that ModelArts installs next to the
    inference code of an OBS model package. Dependency packages cannot be
    installed into a custom image ("The custom image does not support
    specified dependencies"): install them in the image (`RUN pip install`
    in its Dockerfile) and remove the field. An empty list is harmless.
    """
    value = use.data.get("dependencies")
    if value is None or value == []:
        return
    message = "dependencies cannot be installed into a custom image"
    hint = "install the packages in the image (RUN pip install ...) and remove dependencies"
    yield Finding(("dependencies",), message, hint, at="key")
