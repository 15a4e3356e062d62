"""open_registry: which URL gives which backend, and the errors for the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from registry_helpers import PROJECT, TOKEN

from validator.registry.base import RegistryError
from validator.registry.factory import open_registry
from validator.registry.local import LocalRegistry
from validator.registry.modelarts import ModelArtsRegistry

ENV = {"MODELARTS_TOKEN": TOKEN}


def test_sqlite_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    registry = open_registry("sqlite:///state/registry.db", None, {})
    try:
        assert isinstance(registry, LocalRegistry)
        assert (tmp_path / "state" / "registry.db").is_file()
    finally:
        registry.close()


def test_sqlite_absolute_path(tmp_path: Path) -> None:
    registry = open_registry(f"sqlite:///{tmp_path}/abs.db", None, {})
    try:
        assert isinstance(registry, LocalRegistry)
        assert registry.path == tmp_path / "abs.db"
    finally:
        registry.close()


def test_https_endpoint_with_project() -> None:
    registry = open_registry("https://modelarts.example/", PROJECT, ENV)
    try:
        assert isinstance(registry, ModelArtsRegistry)
        assert registry.project_id == PROJECT
        assert "https://modelarts.example'" in repr(registry)
    finally:
        registry.close()


def test_project_from_the_url_or_the_environment() -> None:
    from_url = open_registry(f"http://127.0.0.1:9/v1/{PROJECT}", None, ENV)
    from_env = open_registry("http://127.0.0.1:9", None, {**ENV, "MODELARTS_PROJECT_ID": "p2"})
    try:
        assert isinstance(from_url, ModelArtsRegistry)
        assert isinstance(from_env, ModelArtsRegistry)
        assert from_url.project_id == PROJECT
        assert repr(from_url).startswith("ModelArtsRegistry('http://127.0.0.1:9', ")
        assert from_env.project_id == "p2"
    finally:
        from_url.close()
        from_env.close()


@pytest.mark.parametrize(
    ("url", "env", "message"),
    [
        ("postgres://db/x", ENV, "unsupported registry URL 'postgres://db/x'; use sqlite:///PATH"),
        ("registry.db", ENV, "use sqlite:///PATH"),
        ("sqlite:///", ENV, "names no file"),
        ("https://modelarts.example", ENV, "no project id for https://modelarts.example"),
        ("https://modelarts.example", {"MODELARTS_PROJECT_ID": "p"}, "no ModelArts credentials"),
        ("https://user:hunter2@modelarts.example", ENV, "credentials in the registry URL"),
    ],
)
def test_refused(url: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(RegistryError, match=message) as caught:
        open_registry(url, None, env)
    assert "hunter2" not in str(caught.value)
