"""Property tests: any JSON a registry sends is parsed or refused with one line, never a crash.

The example count is bounded for CI; MODELARTS_GITOPS_HYPOTHESIS_EXAMPLES runs longer.
"""

from __future__ import annotations

import json
import os
from typing import Any

from canned import example
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.json_values import JSON_VALUES, strings
from validator.registry import answers
from validator.registry.base import RegistryError
from validator.registry.scrub import scrub_data
from validator.registry.transport import RETRY_AFTER_MAX, decode, retry_after

EXAMPLES = int(os.environ.get("MODELARTS_GITOPS_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SHOW = example("show_model.json")
JSON = JSON_VALUES
FIELDS = st.sampled_from([*sorted(SHOW), "models", "total_count", "delete_failed_list"])


def one_line(error: RegistryError) -> None:
    assert "\n" not in str(error) and str(error)


@SETTINGS
@given(st.dictionaries(FIELDS, JSON, max_size=6))
def test_show_answers_parse_or_refuse(change: dict[str, Any]) -> None:
    try:
        model = answers.show({**SHOW, **change}, "GET x")
    except answers.MalformedAnswer as error:
        one_line(error)
    else:
        assert model.spec.name and model.model_id


@SETTINGS
@given(JSON)
def test_any_json_as_a_list_page(data: Any) -> None:
    for body in (data, {"models": data}, {"models": [data], "total_count": data}):
        try:
            items, total = answers.page(body, "GET x")
        except answers.MalformedAnswer as error:
            one_line(error)
        else:
            assert total is None or total >= 0
            assert all(item.model_id for item in items)


@SETTINGS
@given(JSON)
def test_any_json_as_a_delete_answer(data: Any) -> None:
    for body in (data, {"delete_failed_list": data}):
        try:
            answers.delete_failures(body, "DELETE x")
        except answers.MalformedAnswer as error:
            one_line(error)


@SETTINGS
@given(st.text(max_size=40))
def test_retry_after_is_always_a_bounded_number(value: str) -> None:
    wait = retry_after(value, 0.5)
    assert 0.0 <= wait <= RETRY_AFTER_MAX


SECRET_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00<>"),
    min_size=4,
    max_size=12,
).filter(lambda secret: secret not in "hidden")  # never a part of the `<hidden>` mark


@SETTINGS
@given(SECRET_TEXT, JSON, st.sampled_from(["", "x", '"', "\\", "\n", "\u00e9", "\ud800"]))
def test_scrubbed_answers_hold_no_secret(secret: str, answer: Any, around: str) -> None:
    """Wherever a secret sits in an answer (a key, a value, beside characters JSON escapes),
    the scrubbed answer holds none of it; an answer that cannot hold it comes back as is."""
    os.environ["MODELARTS_TOKEN"] = secret
    try:
        placed = {f"{around}{secret}": [answer, f"{around}{secret}{around}"], "clean": answer}
        assert not any(secret in text for text in strings(scrub_data(placed)))
        encoded = json.dumps(answer, ensure_ascii=False)
        if not any(character in encoded for character in secret):
            assert scrub_data(answer) is answer  # nothing to find: not walked, not copied
        # From the wire, the text it came as stands in for an encode: however it is spelled
        for ascii_only, slash in ((False, False), (True, False), (False, True)):
            text = json.dumps(placed, ensure_ascii=ascii_only)
            text = text.replace("/", "\\/") if slash else text
            assert not any(
                secret in s for s in strings(decode(text.encode("utf-8", "surrogatepass")))
            )
    finally:
        del os.environ["MODELARTS_TOKEN"]
