"""Waiting for an asynchronous import to finish; both backends share the loop."""

from __future__ import annotations

import time
from collections.abc import Callable

from validator.registry.base import PublishFailed, RegistryModel, Status

FAILED = (Status.FAILED, Status.BUILDING_FAILED)


def wait_until_published(
    get: Callable[[str], RegistryModel | None], model_id: str, timeout: float, interval: float
) -> RegistryModel:
    """Poll `get` until `published`; PublishFailed names the model on failure or timeout."""
    deadline = time.monotonic() + timeout
    while True:
        model = get(model_id)
        if model is None:
            raise PublishFailed(f"model {model_id} disappeared while waiting for it to publish")
        if model.status is Status.PUBLISHED:
            return model
        name = f"{model.spec.name} {model.spec.version} ({model_id})"
        if model.status in FAILED:
            raise PublishFailed(
                f"model {name} ended {model.status.value}; see its events in the console"
            )
        if time.monotonic() >= deadline:
            raise PublishFailed(f"model {name} still {model.status.value} after {timeout:g} s")
        time.sleep(min(interval, max(0.0, deadline - time.monotonic())))
