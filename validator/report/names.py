"""Rule metadata for reporters: the registry, loaded once, and a kebab-case name per rule."""

from __future__ import annotations

import re

from validator.check import registry


def rules() -> dict[str, registry.Rule]:
    """Every registered rule, by id; importing the family modules registers them."""
    import validator.check.rules  # noqa: F401

    return registry.RULES


def rule_name(rule: registry.Rule) -> str:
    """`version-format` from the check function, else from the summary.

    A one-word function (`schema`, which reports MA101-MA105) says too little about
    its id, and declared ids have no function: both take the summary.
    """
    function = rule.check.__name__ if rule.check is not None else ""
    source = function if "_" in function else rule.summary
    return re.sub(r"[^a-z0-9]+", "-", source.lower()).strip("-")[:255] or rule.id.lower()
