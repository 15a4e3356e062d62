"""Every rule family, imported in id order; importing a family registers its rules."""

from validator.check.rules import (
    config,
    deployment,
    file,
    identity,
    image,
    structure,
)

FAMILIES = (file, structure, identity, image, config, deployment)
