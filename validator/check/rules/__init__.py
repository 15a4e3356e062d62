"""Every rule family, imported in id order; importing a family registers its rules."""

from validator.check.rules import (
    config,
    config_apis,
    config_health,
    config_image,
    deployment,
    file,
    identity,
    image,
    repository,
    structure,
)

FAMILIES = (
    file,
    structure,
    identity,
    image,
    config,
    config_image,
    config_apis,
    config_health,
    deployment,
    repository,
)
