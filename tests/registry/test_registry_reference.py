"""The HTTP client against answers shaped exactly like the API reference's examples.

The bodies in tests/registry/contract/ are the reference's own example responses
(opentelekomcloud-docs/modelarts, api-ref/source/ai_application_management/).
"""

from __future__ import annotations

import json

import pytest
from canned import Answer, CannedFactory, Request, example
from registry_helpers import PROJECT, spec

from validator.registry.answers import ADDED_CONFIG_KEYS
from validator.registry.base import ModelInUse, ModelSpec, Status, canonical_json
from validator.sync.apply import _adopt as adopt
from validator.sync.plan import Action, Change, differences, not_compared, plan

SHOW = example("show_model.json")
LIST = example("list_models.json")
MODEL_ID = SHOW["model_id"]
BASE = f"/v1/{PROJECT}/models"


def reference(request: Request) -> Answer:
    if request.method == "GET" and request.path == BASE:
        return Answer(body=LIST)
    if request.method == "GET" and request.path == f"{BASE}/{MODEL_ID}":
        return Answer(body=SHOW)
    return Answer(404, {"error_code": "ModelArts.3001", "error_msg": "Model does not exist."})


def test_show_model_reads_config_apis_and_the_example_spelling(canned: CannedFactory) -> None:
    _, client = canned(reference)
    model = client.get(MODEL_ID)
    assert model is not None
    config = json.loads(SHOW["config"])
    for key in ADDED_CONFIG_KEYS:  # ModelArts adds these; they are not the configuration
        config.pop(key)
    assert model.spec.initial_config == canonical_json(config)
    assert json.loads(model.spec.initial_config)["apis"][0]["url"] == "/"
    assert model.spec.install_type == ("real-time", "batch", "edge")  # `realtime` normalised
    assert model.spec.model_type == "TensorFlow"
    assert model.spec.source_copy is True  # absent: the documented default
    assert model.status is Status.PUBLISHED
    assert model.created_at == 0.0  # the example has no create_at
    # The example has no description, model_algorithm or model_docs: unknown, not empty.
    assert model.unknown == {"description", "model_algorithm", "model_docs"}


def example_spec() -> ModelSpec:
    """What a file would declare for the example model, with fields the answer lacks."""
    config = {k: v for k, v in json.loads(SHOW["config"]).items() if k not in ADDED_CONFIG_KEYS}
    return spec(
        "mnist",
        "1.0.0",
        source_location=SHOW["source_location"],
        model_type="TensorFlow",
        install_type=("real-time", "batch", "edge"),
        description="a description the answer does not carry",
        model_algorithm="image_classification",
        initial_config=canonical_json(config),
    )


def test_a_desired_state_equal_to_the_example_plans_no_change(canned: CannedFactory) -> None:
    _, client = canned(reference)
    model = client.get(MODEL_ID)
    assert model is not None
    wanted = example_spec()
    assert differences(wanted, model.spec, model.unknown) == ()
    assert not_compared(wanted, model.unknown) == {"description", "model_algorithm"}
    made = plan({wanted.key: wanted}, [model])
    assert not made.has_changes
    assert made.uncompared == ("description", "model_algorithm")
    # Without the unknown fields, the plan would have called them conflicts.
    assert set(differences(wanted, model.spec)) == {"description", "model_algorithm"}


def test_a_create_that_exists_adopts_the_example_like_the_plan_does(
    canned: CannedFactory,
) -> None:
    """After "already exists", the version is adopted by the plan's own comparison: the
    fields the answer lacks are unknown there too, not a conflict."""
    _, client = canned(reference)
    wanted = example_spec()
    change = Change(Action.CREATE, *wanted.key, desired=wanted)
    assert adopt(change, client) == f"already present as {MODEL_ID}"


def test_config_change_is_seen_through_show_model(canned: CannedFactory) -> None:
    _, client = canned(reference)
    model = client.get(MODEL_ID)
    assert model is not None
    wanted = spec("mnist", "1.0.0", initial_config='{"model_type":"TensorFlow"}')
    assert "initial_config" in differences(wanted, model.spec, model.unknown)


def test_list_example_without_statuses_fetches_details(canned: CannedFactory) -> None:
    server, client = canned(reference)
    models = client.list()
    assert [(m.model_id, m.spec.key) for m in models] == [(MODEL_ID, ("mnist", "1.0.0"))]
    assert server.count("GET") == 2  # one page (1 < limit), one ShowModel


def test_list_asks_for_the_largest_documented_page(canned: CannedFactory) -> None:
    server, client = canned(reference, page_size=1000)
    client.list(match=lambda name: False)
    listing = server.requests[0]
    assert listing.query["limit"] == "1000"
    assert listing.query["offset"] == "0"
    assert server.count("GET") == 1  # nothing owned: no ShowModel at all


def test_delete_example_with_a_refusal_is_model_in_use(canned: CannedFactory) -> None:
    answer = example("delete_model.json")
    _, client = canned(lambda request: Answer(body=answer))
    with pytest.raises(ModelInUse) as caught:
        client.delete("e527d311-a947-46da-a6e0-66c49945dfaa")
    assert caught.value.code == "ModelArts.3009"
    assert "has been used to deploy a service" in str(caught.value)
