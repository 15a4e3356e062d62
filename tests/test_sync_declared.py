"""What each import declares (sync/desired.py): made where its documents are loaded, on the
gate's workers or serially, and never left out of the desired state when it cannot be read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run
from tests.sync_helpers import add, commit, stored
from validator.check.subject import Spec
from validator.errors import UserError
from validator.load.document import Document
from validator.settings import Settings
from validator.sync import desired
from validator.sync.desired import Declared, declare, desired_state

IMPORT = {"name": "churn", "version": "1.0.0", "source": {"image": "swr.example/a:1"}}


def spec(data: Any, config: dict[str, Any] | None, config_file: Path | None) -> Spec:
    document = Document("models/churn/1.0.0.yaml", data, {})
    held = None if config is None else Document("models/churn/config.json", config, {})
    return Spec(document, Path(document.path), Settings(), held, config_file)


def test_an_import_that_does_not_say_what_to_create_declares_none() -> None:
    item = declare(spec({"name": "churn", "version": "1.0.0"}, None, None))  # no source
    assert item == Declared(None, "models/churn/1.0.0.yaml")
    with pytest.raises(UserError) as caught:
        desired_state([declare(spec(IMPORT, None, None)), item], None)
    assert str(caught.value).startswith("models/churn/1.0.0.yaml: cannot read what this file")


def test_a_shared_config_text_follows_the_data_not_the_file() -> None:
    """Two loads of one config file (two chunks, or the file changed between them) each get
    the canonical JSON of the data they hold."""
    config = Path("models/churn/config.json")
    first = declare(spec(IMPORT, {"model_type": "Image", "x": 1}, config))
    second = declare(spec(IMPORT, {"model_type": "Image", "x": 2}, config))
    assert first.spec is not None and second.spec is not None
    assert first.spec.initial_config == '{"model_type":"Image","x":1}'
    assert second.spec.initial_config == '{"model_type":"Image","x":2}'


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_file_whose_content_cannot_be_read_refuses_the_plan(
    run: Run, repo: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    """Should a file pass the gate and still not yield its CreateModel content, the plan
    refuses: its model is not pruned as if the file were gone (workers inherit the fault)."""
    for version in ("0.1.0", "0.2.0"):
        add(repo, "churn", version)
    for name in ("alpha", "beta", "gamma", "delta"):
        add(repo, name, "1.0.0")
    commit(repo, "models")
    monkeypatch.setenv("MODELARTS_GITOPS_WORKERS", workers)
    assert run("sync").code == 0
    original = desired.model_spec

    def faulty(data: Any, config: Any, text: str | None = None) -> Any:
        if data.get("version") == "0.2.0":
            raise KeyError("source")
        return original(data, config, text)

    monkeypatch.setattr(desired, "model_spec", faulty)
    for command in (("plan", "--prune"), ("sync", "--prune", "--force")):
        result = run(*command)
        assert result.code == 1, result.out + result.err
        assert "models/churn/0.2.0.yaml: cannot read what this file declares" in result.err
    assert ("churn", "0.2.0") in stored(repo)
