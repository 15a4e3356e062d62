"""Run the online image rules over the imports being checked.

Each distinct image is asked about once, on `images.concurrency` threads, whatever the
number of imports that use it; the rules then read the answers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from validator.check.imageref import ImageRef, parse_image
from validator.check.registry import checks
from validator.check.subject import Spec
from validator.diagnostics import Located
from validator.images.cache import ImageCache
from validator.images.client import RegistryClient
from validator.images.credentials import Credentials
from validator.images.facts import ImageFacts, OnlineSpec
from validator.images.inspect import Inspector
from validator.settings import Settings

Key = tuple[str, str, str | None, str | None]  # host[:port], repository path, tag, digest


def reference_key(image: object) -> Key | None:
    """What to ask the registry for, or None for a reference the offline rules reject."""
    parsed = parse_image(image) if isinstance(image, str) else None
    if not isinstance(parsed, ImageRef) or parsed.host is None:
        return None  # malformed (MA301) or no registry host (MA302)
    host = parsed.host if parsed.port is None else f"{parsed.host}:{parsed.port}"
    return host.lower(), parsed.path, parsed.tag, parsed.digest


def online_located(specs: Sequence[Spec], settings: Settings) -> list[Located]:
    from validator.check.run import run_rule

    keys = {spec.file: reference_key(spec.image) for spec in specs}
    facts = inspect_all({k for k in keys.values() if k is not None}, settings)
    located: list[Located] = []
    for spec in specs:
        key = keys[spec.file]
        if key is None:
            continue
        host, path, tag, digest = key
        subject = OnlineSpec(spec, str(spec.image), f"{host}/{path}", tag, digest, facts[key])
        for rule in checks("online"):
            located.extend(run_rule(rule, subject, spec.document))
    return located


def inspect_all(keys: set[Key], settings: Settings) -> dict[Key, ImageFacts]:
    if not keys:
        return {}
    policy = settings.images
    client = RegistryClient(policy, Credentials(os.environ))
    cache = ImageCache(settings.root, policy.tag_ttl)
    inspector = Inspector(client, cache)
    ordered = sorted(keys, key=lambda k: (k[0], k[1], k[2] or "", k[3] or ""))
    try:
        with ThreadPoolExecutor(max_workers=min(policy.concurrency, len(ordered))) as pool:
            found = list(pool.map(lambda key: inspector.facts(*key), ordered))
    finally:
        client.close()
        cache.save()
    return dict(zip(ordered, found, strict=True))
