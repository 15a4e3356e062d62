"""Every rule family, listed explicitly; importing a family registers its rules."""

from validator.check.rules import (
    config,
    config_apis,
    config_health,
    config_image,
    deployment,
    file,
    identity,
    image,
    image_online,
    path,
    repository,
    structure,
)

__all__ = [
    "config",
    "config_apis",
    "config_health",
    "config_image",
    "deployment",
    "file",
    "identity",
    "image",
    "image_online",
    "path",
    "repository",
    "structure",
]
