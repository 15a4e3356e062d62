"""plan() with ownership and registry facts: plain values in, a plan out."""

from __future__ import annotations

from validator.registry.base import ModelSpec, Provenance, RegistryModel, Status
from validator.sync.diff import Diff, field_diff
from validator.sync.plan import Action, Facts, Kept, Ownership, plan


def spec(name: str, version: str = "1.0.0", config: str | None = None) -> ModelSpec:
    return ModelSpec(
        name, version, f"swr.eu-de.otc.t-systems.com/t/{name}:1", initial_config=config
    )


def model(name: str, version: str = "1.0.0", status: Status = Status.PUBLISHED) -> RegistryModel:
    return RegistryModel(f"id-{name}-{version}", spec(name, version), status)


def test_history_owns_a_removed_name_and_services_and_protect_keep() -> None:
    current = [model("gone"), model("used"), model("kept-x"), model("live"), model("foreign")]
    ownership = Ownership(history=frozenset({"gone", "used", "kept-x"}), protect=("kept-*",))
    facts = Facts(used={"id-used-1.0.0": ("api", "batch")})
    made = plan(
        {("live", "1.0.0"): spec("live")}, current, prune=True, ownership=ownership, facts=facts
    )
    assert [(c.action, c.name) for c in made.changes] == [(Action.DELETE, "gone")]
    assert made.kept == (
        Kept("kept-x", "1.0.0", "id-kept-x-1.0.0", "protected by `protect: kept-*`"),
        Kept("used", "1.0.0", "id-used-1.0.0", "used by service api, batch"),
    )
    assert made.owned_versions == 4  # "foreign" is not owned


def test_an_empty_desired_state_never_deletes() -> None:
    made = plan({}, [model("a")], prune=True, owns=["*"])
    assert made.changes == ()
    assert made.notes == ("the desired state is empty: nothing is deleted",)


def test_unknown_history_is_a_note_with_prune_only() -> None:
    ownership = Ownership(unknown="this clone is shallow")
    assert plan({}, [], ownership=ownership).notes == ()
    assert (
        plan({}, [], prune=True, ownership=ownership).notes[0].startswith("this clone is shallow")
    )


def test_missing_and_pending_versions() -> None:
    gone = Provenance("abcdef0123456789", "models/a/1.0.0.yaml")
    wanted = {("a", "1.0.0"): spec("a"), ("b", "1.0.0"): spec("b")}
    current = [model("b", status=Status.PUBLISHING)]
    made = plan(wanted, current, facts=Facts(gone={("a", "1.0.0"): gone}))
    (create,) = made.changes
    assert create.note == (
        "missing from the registry: an earlier sync created it from models/a/1.0.0.yaml"
        " at abcdef012345"
    )
    assert [m.spec.name for m in made.pending] == ["b"]


def test_field_diff_names_leaves_by_file_path() -> None:
    before = spec("a", config='{"health":{"timeout_seconds":30,"url":"/h"},"apis":[1]}')
    after = spec("a", config='{"health":{"timeout_seconds":77,"url":"/h"},"extra":true,"apis":[1]}')
    assert field_diff(after, before, ("initial_config",)) == (
        Diff("config.extra", "(absent)", "true"),
        Diff("config.health.timeout_seconds", "30", "77"),
    )
