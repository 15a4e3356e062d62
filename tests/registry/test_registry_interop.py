"""An independent client drives `registry serve`: otcextensions' `modelartsv1` model proxy.

Installed by the `[interop]` extra (CI installs it: `.ci/run`). Without it the test is
skipped, unless MODELARTS_GITOPS_INTEROP=1 says it must run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from registry_helpers import PROJECT, TOKEN, config

from validator.server.serving import RunningServer, start_server

if os.environ.get("MODELARTS_GITOPS_INTEROP") != "1":
    pytest.importorskip("otcextensions", reason="pip install -e '.[interop]'")

# openstacksdk warns about its own deprecated internals; that is not this project's concern.
pytestmark = pytest.mark.filterwarnings("ignore::PendingDeprecationWarning:openstack")
IMAGE = "swr.eu-de.otc.t-systems.com/ml-team/interop:1.0.0"
CONFIG = {"model_type": "Image", "model_algorithm": "object_detection"}


@pytest.fixture
def proxy(tmp_path: Path) -> Any:
    import openstack
    from keystoneauth1 import session
    from keystoneauth1.token_endpoint import Token
    from otcextensions import sdk

    server: RunningServer = start_server(tmp_path / "interop.db", config(publish_delay=0.0))
    endpoint = f"{server.url}/v1/{PROJECT}"
    connection = openstack.connection.Connection(
        session=session.Session(auth=Token(endpoint, TOKEN)),
        modelartsv1_endpoint_override=endpoint,
    )
    sdk.register_otc_extensions(connection)
    yield connection.modelartsv1
    connection.close()
    server.close()


def test_otcextensions_creates_lists_gets_and_deletes(proxy: Any) -> None:
    created = proxy.create_model(
        model_name="interop",
        model_version="1.0.0",
        source_location=IMAGE,
        model_type="Image",
        install_type=["real-time"],
        description="made by otcextensions",
        initial_config=json.dumps(CONFIG),
    )
    assert created.id
    got = proxy.get_model(created.id)
    assert (got.name, got.version, got.status) == ("interop", "1.0.0", "published")
    assert got.source_location == IMAGE
    assert got.install_type == ["realtime"]  # the reference's spelling in answers
    assert {k: v for k, v in got.config.items() if k in CONFIG} == CONFIG  # decoded JSON
    assert got.is_tunable is False
    assert [m.name for m in proxy.models()] == ["interop"]
    assert [m.id for m in proxy.models(name="inter", model_type="Image")] == [created.id]
    assert proxy.find_model("interop").id == created.id
    proxy.delete_model(created.id)
    assert list(proxy.models()) == []
    assert proxy.find_model("interop", ignore_missing=True) is None


def test_otcextensions_sees_modelarts_errors(proxy: Any) -> None:
    from openstack import exceptions

    body = {"model_name": "dup", "model_version": "1.0.0", "source_location": IMAGE,
            "model_type": "Image"}  # fmt: skip
    proxy.create_model(**body)
    with pytest.raises(exceptions.HttpException) as caught:
        proxy.create_model(**body)
    assert caught.value.status_code == 409
    with pytest.raises(exceptions.HttpException) as missing:
        proxy.get_model("no-such-model")
    assert missing.value.status_code == 404
