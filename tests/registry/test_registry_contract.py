"""One contract, two backends: the local SQLite store and the HTTP backend against the server."""

from __future__ import annotations

import pytest
from registry_helpers import PROJECT, Backend, spec

from validator.registry.base import AlreadyExists, ModelInUse, RegistryModel, Status

FULL = spec(
    "yolo_v8",
    "2.0.1",
    source_copy=False,
    install_type=("real-time",),
    description="object detection",
    model_docs=(("guide", "https://example.com/guide"),),
    model_algorithm="object_detection",
    initial_config='{"apis":[],"model_type":"Image"}',  # canonical: sorted keys, no spaces
)


def keys(models: list[RegistryModel]) -> list[tuple[str, str]]:
    return sorted(m.spec.key for m in models)


def test_create_then_get_round_trips_the_spec(backend: Backend) -> None:
    model_id = backend.registry.create(FULL)
    model = backend.registry.get(model_id)
    assert model is not None
    assert model.model_id == model_id
    assert model.spec == FULL
    assert model.status in (Status.PUBLISHING, Status.PUBLISHED)
    assert model.created_at > 0
    assert not model.in_use


def test_wait_until_published(backend: Backend) -> None:
    model_id = backend.registry.create(spec())
    model = backend.registry.wait_until_published(model_id, timeout=5)
    assert model.status is Status.PUBLISHED
    assert model.spec == spec()


def test_create_twice_is_already_exists(backend: Backend) -> None:
    backend.registry.create(spec())
    with pytest.raises(AlreadyExists) as caught:
        backend.registry.create(spec(source_location="swr/other:v2"))
    assert caught.value.code == "ModelArts.3002"
    assert "(resnet, 1.0.0) already exists" in str(caught.value)
    if backend.kind == "http":
        assert str(caught.value) == (
            "ModelArts.3002: Model (resnet, 1.0.0) already exists"
            f" (HTTP 409, POST /v1/{PROJECT}/models)"
        )
    assert keys(backend.registry.list()) == [("resnet", "1.0.0")]


def test_other_version_and_other_workspace_are_distinct(backend: Backend) -> None:
    backend.registry.create(spec())
    backend.registry.create(spec(version="1.0.1"))
    backend.registry.create(spec(workspace_id="ws-2"))
    models = backend.registry.list()
    assert len(models) == 3
    assert {m.spec.workspace_id for m in models} == {None, "ws-2"}


def test_list_filters_by_exact_name(backend: Backend) -> None:
    for name in ("res", "resnet", "resnet_50"):
        backend.registry.create(spec(name))
    assert keys(backend.registry.list(["res"])) == [("res", "1.0.0")]
    assert keys(backend.registry.list(["resnet", "res"])) == [
        ("res", "1.0.0"),
        ("resnet", "1.0.0"),
    ]
    assert backend.registry.list(["absent"]) == []
    assert len(backend.registry.list()) == 3


def test_list_pages_through_more_models_than_a_page(backend: Backend) -> None:
    # The HTTP client's page size is 3 in these tests: 8 models take three pages.
    created = {backend.registry.create(spec("bert", f"1.0.{n}")) for n in range(5)}
    created |= {backend.registry.create(spec("gpt", f"0.{n}.0")) for n in range(3)}
    models = backend.registry.list()
    assert {m.model_id for m in models} == created
    assert len(models) == 8
    assert len(backend.registry.list(["bert"])) == 5


def test_delete_removes_and_is_idempotent(backend: Backend) -> None:
    keep = backend.registry.create(spec("keep"))
    gone = backend.registry.create(spec("gone"))
    backend.registry.delete(gone)
    assert backend.registry.get(gone) is None
    assert [m.model_id for m in backend.registry.list()] == [keep]
    backend.registry.delete(gone)  # already deleted: not an error


def test_delete_and_get_of_an_unknown_id(backend: Backend) -> None:
    missing = "00000000-0000-4000-8000-000000000000"
    assert backend.registry.get(missing) is None
    backend.registry.delete(missing)


def test_delete_of_a_model_in_use_is_refused(backend: Backend) -> None:
    model_id = backend.registry.create(spec())
    backend.mark_in_use(model_id)
    with pytest.raises(ModelInUse) as caught:
        backend.registry.delete(model_id)
    assert caught.value.code == "ModelArts.3009"
    assert model_id in str(caught.value)
    assert backend.registry.get(model_id) is not None


def test_close_releases_the_backend(backend: Backend) -> None:
    backend.registry.close()
