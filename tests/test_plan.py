"""plan() is pure: plain values in, a plan out. Rendering is checked against golden text."""

from __future__ import annotations

from dataclasses import replace

from validator.registry.base import ModelSpec, RegistryModel, Status
from validator.sync.plan import Action, differences, fingerprint, plan
from validator.sync.plan_file import plan_json, read_plan
from validator.sync.render import render_markdown, render_text

IMAGE = "swr.eu-de.otc.t-systems.com/team/{name}:{version}"


def spec(name: str, version: str, **changes: object) -> ModelSpec:
    base = ModelSpec(
        name,
        version,
        IMAGE.format(name=name, version=version),
        initial_config='{"model_type":"Image"}',
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def model(name: str, version: str, **changes: object) -> RegistryModel:
    status = changes.pop("status", Status.PUBLISHED)
    in_use = bool(changes.pop("in_use", False))
    return RegistryModel(
        f"id-{name}-{version}", spec(name, version, **changes), status, in_use=in_use
    )  # type: ignore[arg-type]


def desired(*specs: ModelSpec) -> dict[tuple[str, str], ModelSpec]:
    return {s.key: s for s in specs}


def actions(made: object) -> list[tuple[str, str, str]]:
    return [(str(c.action), c.name, c.version) for c in made.changes]  # type: ignore[attr-defined]


def test_missing_versions_are_created_and_present_ones_left_alone() -> None:
    made = plan(desired(spec("a", "1.0.0"), spec("a", "1.1.0")), [model("a", "1.0.0")])
    assert actions(made) == [("create", "a", "1.1.0")]
    assert made.unchanged == 1


def test_deletes_need_prune_and_only_touch_owned_names() -> None:
    current = [model("a", "0.9.0"), model("b", "1.0.0"), model("team-x", "1.0.0")]
    wanted = desired(spec("a", "1.0.0"))
    assert [a for a in actions(plan(wanted, current)) if a[0] == "delete"] == []
    pruned = plan(wanted, current, prune=True)
    assert ("delete", "a", "0.9.0") in actions(pruned)
    assert ("delete", "b", "1.0.0") not in actions(pruned)
    owning = plan(wanted, current, prune=True, owns=["team-*"])
    assert ("delete", "team-x", "1.0.0") in actions(owning)


def test_other_content_is_a_conflict_never_an_update() -> None:
    current = [model("a", "1.0.0", description="old")]
    made = plan(desired(spec("a", "1.0.0", description="new")), current)
    (change,) = made.changes
    assert change.action is Action.CONFLICT
    assert change.fields == ("description",)


def test_replace_turns_a_conflict_into_delete_and_create_unless_in_use() -> None:
    wanted = desired(spec("a", "1.0.0", description="new"), spec("b", "1.0.0", description="new"))
    current = [model("a", "1.0.0"), model("b", "1.0.0", in_use=True)]
    made = plan(wanted, current, replace=True)
    assert actions(made) == [("replace", "a", "1.0.0"), ("conflict", "b", "1.0.0")]
    assert made.changes[1].note == "kept: used by a service, so it is not replaced"


def test_a_failed_import_is_a_conflict_that_replace_repairs() -> None:
    current = [model("a", "1.0.0", status=Status.BUILDING_FAILED)]
    assert actions(plan(desired(spec("a", "1.0.0")), current)) == [("conflict", "a", "1.0.0")]
    assert actions(plan(desired(spec("a", "1.0.0")), current, replace=True)) == [
        ("replace", "a", "1.0.0")
    ]


def test_meaning_not_spelling_decides_equality() -> None:
    a = spec("a", "1.0.0", install_type=("real-time", "batch"), initial_config='{"x": 1, "y": 2}')
    b = spec("a", "1.0.0", install_type=("batch", "real-time"), initial_config='{"y":2,"x":1}')
    assert differences(a, b) == ()
    assert differences(a, replace(b, workspace_id="0")) == ()
    assert differences(a, replace(b, source_copy=False)) == ("source_copy",)


def test_fingerprint_ignores_publishing_progress_but_not_content() -> None:
    publishing = [model("a", "1.0.0", status=Status.PUBLISHING)]
    published = [model("a", "1.0.0")]
    assert fingerprint(publishing) == fingerprint(published)
    assert fingerprint(published) != fingerprint([model("a", "1.0.0", description="x")])


def test_plan_file_round_trips() -> None:
    made = plan(
        desired(spec("a", "1.0.0"), spec("b", "2.0.0", description="n")),
        [model("b", "2.0.0"), model("c", "1.0.0")],
        prune=True,
        owns=["c"],
    )
    document = plan_json(made, "sqlite:///r.db")
    import json

    again, registry = read_plan(json.dumps(document), "plan.json")
    assert again == made
    assert registry == "sqlite:///r.db"


def test_text_rendering_reads_like_terraform() -> None:
    made = plan(
        desired(spec("a", "1.0.0"), spec("b", "2.0.0", description="new")),
        [model("b", "2.0.0", description="old"), model("a", "0.1.0")],
        prune=True,
    )
    assert render_text(made) == (
        "  + a 1.0.0  (create)\n"
        "      image swr.eu-de.otc.t-systems.com/team/a:1.0.0\n"
        "  ! b 2.0.0  (conflict)\n"
        '      description: "old" -> "new"\n'
        "      published versions are immutable: publish a new version, or sync --replace\n"
        "  - a 0.1.0  (delete)\n"
        "\n"
        "Plan: 1 to create, 1 to delete, 1 conflict.\n"
    )
    assert "| \\+ | `a` | `1.0.0` | create |" in render_markdown(made)


def test_no_changes_says_so() -> None:
    made = plan(desired(spec("a", "1.0.0")), [model("a", "1.0.0")])
    assert not made.has_changes
    assert (
        render_text(made) == "No changes. The registry matches the desired state (1 unchanged).\n"
    )
