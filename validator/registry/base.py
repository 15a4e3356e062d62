"""What every registry backend offers, and the values that cross that boundary."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol


def canonical_json(value: object) -> str:
    """One spelling per meaning: sorted keys, no spaces, text as it is. Equal data, equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class Status(enum.StrEnum):
    """ModelArts model statuses (ListModels `model_status`)."""

    PUBLISHING = "publishing"
    PUBLISHED = "published"
    FAILED = "failed"
    BUILDING = "building"
    BUILDING_FAILED = "building_failed"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """The content of one model import, as the ModelArts create API takes it.

    Only documented CreateModel fields. `initial_config` is the config.json
    serialised canonically (sorted keys, no spaces) so equal configs compare equal.
    """

    name: str
    version: str
    source_location: str
    source_copy: bool = True
    model_type: str = "Image"
    install_type: tuple[str, ...] = ("real-time", "batch")
    description: str | None = None
    model_docs: tuple[tuple[str, str], ...] = ()  # (doc_name, doc_url)
    model_algorithm: str | None = None
    initial_config: str | None = None
    workspace_id: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.version)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a created model came from; the local registry stores it, ModelArts cannot."""

    commit: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class RegistryModel:
    """One model version as a registry holds it."""

    model_id: str
    spec: ModelSpec
    status: Status
    created_at: float = 0.0  # seconds since the epoch
    in_use: bool = False  # backs a service: cannot be deleted (ModelArts.3009)
    provenance: Provenance = field(default_factory=Provenance)
    # ModelSpec fields the registry's answer left out or empty: unknown there, not different.
    unknown: frozenset[str] = frozenset()


class RegistryError(Exception):
    """A registry refused or failed a request. The message is one clear line, no secrets."""

    def __init__(self, message: str, code: str | None = None) -> None:
        from validator.registry.scrub import scrub

        super().__init__(scrub(message))  # a server may echo the request, token and all
        self.code = code


class ModelInUse(RegistryError):
    """Delete refused: the model backs a service (ModelArts.3009)."""


class AlreadyExists(RegistryError):
    """Create refused: (name, version) exists (ModelArts.3002)."""


class PublishFailed(RegistryError):
    """The model reached `failed` / `building_failed`, or did not publish in time."""


class Registry(Protocol):
    """A model registry. Models are immutable per (name, version): create and delete only."""

    # Reads cross a network, one ShowModel per model: a plan reads such a registry early
    # only for the names the light index gives (sync/early.py); a local one, whole.
    remote: bool

    def list(
        self,
        names: Iterable[str] | None = None,
        *,
        match: Callable[[str], bool] | None = None,
    ) -> list[RegistryModel]:
        """Every model version, or those whose name is in `names` and passes `match`.

        `match` lets a backend skip the details of models nobody asked for (the HTTP
        backend then sends ShowModel only for the names that pass).
        """
        ...

    def get(self, model_id: str) -> RegistryModel | None: ...

    def create(self, spec: ModelSpec, provenance: Provenance | None = None) -> str:
        """Start an import; returns the model id. Raises AlreadyExists."""
        ...

    def delete(self, model_id: str) -> None:
        """Raises ModelInUse when a service uses it; deleting a missing id is not an error."""
        ...

    def wait_until_published(self, model_id: str, timeout: float) -> RegistryModel:
        """Poll until `published`; raises PublishFailed on failure or timeout."""
        ...

    def services_using(self, model_ids: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """The names of the services that use each of `model_ids` (ids no service uses are left
        out). Asked before a delete or a replace."""
        ...

    def deleted_versions(
        self, keys: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], Provenance]:
        """Of `keys`, those a sync created that have been deleted since, with their provenance.
        Only a registry that records provenance can tell; others answer {}."""
        ...

    def close(self) -> None: ...
