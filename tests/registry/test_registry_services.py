"""Both backends say which services use a model, and which created versions were deleted."""

from __future__ import annotations

from registry_helpers import Backend, spec

from validator.registry.base import Provenance


def test_services_using_names_the_services_of_each_model(backend: Backend) -> None:
    used = backend.registry.create(spec("used"))
    free = backend.registry.create(spec("free"))
    assert backend.registry.services_using([used, free]) == {}
    backend.mark_in_use(used)
    found = backend.registry.services_using([used, free])
    assert list(found) == [used]
    (name,) = found[used]
    assert name.startswith("service-")


def test_deleted_versions_need_provenance(backend: Backend) -> None:
    origin = Provenance(commit="c" * 40, path="models/gone/1.0.0.yaml")
    model_id = backend.registry.create(spec("gone"), origin)
    backend.registry.delete(model_id)
    found = backend.registry.deleted_versions([("gone", "1.0.0"), ("never", "1.0.0")])
    # ModelArts stores no provenance: only the local registry can tell.
    assert found == ({("gone", "1.0.0"): origin} if backend.kind == "local" else {})
