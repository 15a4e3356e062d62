"""Retries, reconcile-before-recreate and publishing, against the server's seeded faults."""

from __future__ import annotations

import random
import time

import pytest
from registry_helpers import PROJECT, ClientFactory, ServerFactory, spec

from validator.registry.base import PublishFailed, RegistryError, Status
from validator.registry.local import LocalRegistry
from validator.server.faults import Fault, FaultConfig


def test_faulty_server_ends_with_exactly_the_models_created(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    faults = FaultConfig(seed=7, error_rate=0.2, drop_rate=0.1, throttle_rate=0.05, retry_after=0)
    server = make_server(faults=faults, publish_delay=0.0)
    client = make_client(server, create_attempts=8)
    wanted = [spec(f"model_{n}", "1.0.0") for n in range(12)]
    ids = [client.create(s) for s in wanted]

    stored = server.registry.list()  # the server's own view, no faults in the way
    assert sorted(m.spec.key for m in stored) == sorted(s.key for s in wanted)
    assert sorted(m.model_id for m in stored) == sorted(ids)
    assert {m.model_id for m in client.list()} == set(ids)
    counts = server.api.faults.counts
    assert counts[Fault.ERROR] > 0 and counts[Fault.DROP] > 0  # the faults did happen


def test_dropped_create_is_adopted_not_duplicated(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    # The server applies the POST, then closes the socket: the client cannot know.
    server = make_server(faults=FaultConfig(script=(Fault.DROP,)))
    client = make_client(server)
    model_id = client.create(spec())
    assert [m.model_id for m in server.registry.list()] == [model_id]
    assert server.api.faults.counts[Fault.DROP] == 1


def test_adoption_matches_the_workspace(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(faults=FaultConfig(script=(Fault.NONE, Fault.DROP)))
    client = make_client(server)
    default = client.create(spec())
    other = client.create(spec(workspace_id="ws-2"))  # dropped after it was applied
    assert other != default
    model = server.registry.get(other)
    assert model is not None and model.spec.workspace_id == "ws-2"
    assert len(server.registry.list()) == 2


def test_create_after_a_500_is_sent_again(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(faults=FaultConfig(script=(Fault.ERROR,)))
    client = make_client(server)
    model_id = client.create(spec())
    assert [m.model_id for m in server.registry.list()] == [model_id]


def test_create_gives_up_after_its_attempts(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(faults=FaultConfig(error_rate=1.0))
    client = make_client(server, create_attempts=2)
    with pytest.raises(RegistryError) as caught:
        client.create(spec())
    assert str(caught.value).startswith("create of model (resnet, 1.0.0) failed after 2 attempts")


def test_get_reports_the_last_error_after_retries(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    server = make_server(faults=FaultConfig(error_rate=1.0))
    with pytest.raises(RegistryError) as caught:
        make_client(server).get("some-id")
    assert str(caught.value) == (
        f"ModelArts.0010: Internal error (HTTP 500, GET /v1/{PROJECT}/models/some-id)"
    )
    assert server.api.faults.counts[Fault.ERROR] == 5  # the first try and 4 retries


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_retries_leave_the_global_random_state_alone(
    make_server: ServerFactory, make_client: ClientFactory, method: str
) -> None:
    """A retry may run on a thread of its own (the early read): its jitter must not draw
    from `random`, whose state a caller (a seeded test, hypothesis) owns."""
    server = make_server(faults=FaultConfig(script=(Fault.ERROR, Fault.ERROR)))
    client = make_client(server)
    state = random.getstate()
    if method == "POST":
        client.create(spec())
    else:
        client.list()
    assert server.api.faults.counts[Fault.ERROR] == 2
    assert random.getstate() == state


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_429_retry_after_is_honoured(
    make_server: ServerFactory, make_client: ClientFactory, method: str
) -> None:
    server = make_server(faults=FaultConfig(script=(Fault.THROTTLE,), retry_after=1))
    client = make_client(server)
    started = time.monotonic()
    if method == "POST":
        client.create(spec())  # our own loop reads Retry-After
    else:
        client.list()  # urllib3's Retry reads it
    assert time.monotonic() - started >= 1.0
    assert server.api.faults.counts[Fault.THROTTLE] == 1
    assert len(server.registry.list()) == (1 if method == "POST" else 0)


def test_latency_is_added(make_server: ServerFactory, make_client: ClientFactory) -> None:
    server = make_server(faults=FaultConfig(latency=0.1))
    started = time.monotonic()
    make_client(server).list()
    assert time.monotonic() - started >= 0.1


def test_fault_rates_are_checked() -> None:
    with pytest.raises(ValueError, match="add up to at most 1"):
        FaultConfig(error_rate=0.6, drop_rate=0.6)


def test_publish_delay_then_published(
    make_server: ServerFactory, make_client: ClientFactory
) -> None:
    client = make_client(make_server(publish_delay=0.1))
    model_id = client.create(spec())
    first = client.get(model_id)
    assert first is not None and first.status is Status.PUBLISHING
    assert client.wait_until_published(model_id, timeout=5).status is Status.PUBLISHED


@pytest.mark.parametrize(
    ("option", "final"),
    [("failed_names", "failed"), ("build_failed_names", "building_failed")],
)
def test_failed_publish_names_the_model(
    make_server: ServerFactory, make_client: ClientFactory, option: str, final: str
) -> None:
    client = make_client(make_server(**{option: frozenset({"broken"})}))
    model_id = client.create(spec("broken", "2.0.0"))
    with pytest.raises(PublishFailed) as caught:
        client.wait_until_published(model_id, timeout=5)
    assert f"model broken 2.0.0 ({model_id}) ended {final}" in str(caught.value)


def test_publish_timeout(make_server: ServerFactory, make_client: ClientFactory) -> None:
    client = make_client(make_server(publish_delay=60))
    model_id = client.create(spec())
    with pytest.raises(PublishFailed, match=r"resnet 1.0.0 .* still publishing after 0.05 s"):
        client.wait_until_published(model_id, timeout=0.05)


def test_local_asynchronous_publish(tmp_path: object) -> None:
    local = LocalRegistry(f"{tmp_path}/r.db", poll_interval=0.01)
    try:
        ok = local.create(spec("a"), publish_delay=0.05)
        bad = local.create(spec("b"), publish_delay=0.05, final_status=Status.FAILED)
        assert local.wait_until_published(ok, timeout=5).status is Status.PUBLISHED
        with pytest.raises(PublishFailed, match="ended failed"):
            local.wait_until_published(bad, timeout=5)
        with pytest.raises(PublishFailed, match="disappeared"):
            local.wait_until_published("missing", timeout=5)
    finally:
        local.close()
