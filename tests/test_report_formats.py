"""Reporters: golden outputs, the official SARIF schema, GitHub limits and escaping, JUnit.

Refresh the golden files with `pytest --update-golden` and review the diff.
tests/data/sarif-schema-2.1.0.json is the OASIS SARIF 2.1.0 schema with Errata 01
(oasis-tcs/sarif-spec `sarif-2.1/schema/sarif-schema-2.1.0.json`, commit e058381).
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for

import validator.check.rules  # noqa: F401  (registers the real rules before any patching)
from validator.check import registry
from validator.check.registry import Rule
from validator.diagnostics import Diagnostic, Severity
from validator.report import FORMATS, reporter
from validator.report.github import (
    annotation_lines,
    escape_data,
    escape_property,
    summary_markdown,
)
from validator.report.sarif import FINGERPRINT_KEY, artifact_uri, fingerprint

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
BERT, RESNET = "models/bert/2.0.0.yaml", "models/resnet/1.0.2.yaml"
ODD, CJK = "models/odd,dir:x/1.0.0.yaml", "models/图像/1.0.0.yaml"
ESCAPING = "tag `latest` moves: 100% of pulls differ,\nlike swr.eu-de.otc.t-systems.com/t/i:latest"
DIAGNOSTICS = sorted(
    [
        Diagnostic(BERT, 4, 3, "MA101", E, "unknown key `procotol`", "did you mean `protocol`?"),
        Diagnostic(BERT, 4, 21, "MA101", E, "unknown key `timout`", "did you mean `timeout`?"),
        Diagnostic(BERT, 9, 3, "MA502", W, "edge deployment is not offered on every cloud"),
        Diagnostic(
            RESNET, 3, 10, "MA202", E, "version `01.2.3` has a leading zero", 'quote "1.2.3"'
        ),
        Diagnostic(RESNET, 6, 10, "MA305", W, ESCAPING),
        Diagnostic(RESNET, 6, 10, "MA306", INFO, "not pinned by digest", "use @sha256:<digest>"),
        Diagnostic(ODD, 2, 10, "MA202", E, "version `1.0` | <b> & co"),
        Diagnostic(CJK, 7, 10, "MA306", INFO, "not pinned by digest"),
    ]
)
CHECKED = (BERT, "models/clean/1.0.0.yaml", CJK, ODD, RESNET)
FIXED_RULES = {
    r.id: r
    for r in (
        Rule("MA101", "no unknown keys", E, "Keys outside the schema are typos.", "file"),
        Rule("MA202", "version is D.D.D", E, "Versions are D.D.D,\nno leading zeros.", "file"),
        Rule("MA305", "the tag is not latest", E, "`latest` moves; pin a tag.", "file"),
        Rule("MA306", "the image is pinned by digest", INFO, "A digest never moves.", "file"),
        Rule("MA502", "edge is not offered everywhere", W, "Edge is cloud-specific.", "file"),
    )
}


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def fixed_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """Golden files should not change when someone rewords a real rule."""
    monkeypatch.setattr(registry, "RULES", FIXED_RULES)


def render(
    name: str, diagnostics: Sequence[Diagnostic] = DIAGNOSTICS, checked: Sequence[str] = CHECKED
) -> str:
    out = io.StringIO()
    reporter(name)(diagnostics, len(checked), out, checked=checked)
    return out.getvalue()


@pytest.mark.usefixtures("fixed_rules")
@pytest.mark.parametrize(
    ("name", "golden"),
    [
        ("text", "report.txt"),
        ("json", "report.json"),
        ("sarif", "report.sarif"),
        ("github", "report.github.txt"),
        ("junit", "report.junit.xml"),
        ("gitlab", "report.gitlab.json"),
    ],
)
def test_golden(name: str, golden: str, request: pytest.FixtureRequest) -> None:
    actual, path = render(name), GOLDEN / golden
    if request.config.getoption("--update-golden"):
        path.write_text(actual, encoding="utf-8", newline="\n")
    if not path.exists():
        pytest.fail(f"{path} is missing; run pytest --update-golden and review it")
    assert actual == path.read_text(encoding="utf-8")


def test_formats_are_registered_and_work_without_checked() -> None:
    assert FORMATS == ("text", "json", "github", "sarif", "junit", "gitlab")
    for name in FORMATS:
        reporter(name)(DIAGNOSTICS, 3, io.StringIO())
    with pytest.raises(ValueError, match="unknown format"):
        reporter("xml")


@pytest.fixture(scope="module")
def sarif_schema() -> Validator:
    schema = json.loads((HERE / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = validator_for(schema)  # the file declares its draft (draft-04 in Errata 01)
    cls.check_schema(schema)
    return cls(schema)


def _schema_errors(validator: Validator, log: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


def test_sarif_with_real_rules_matches_the_official_schema(sarif_schema: Validator) -> None:
    log = json.loads(render("sarif"))
    assert _schema_errors(sarif_schema, log) == []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(registry.RULES)
    assert run["columnKind"] == "unicodeCodePoints"
    for r in rules:  # GitHub requires these, non-empty
        assert r["name"] and r["shortDescription"]["text"]
        assert r["fullDescription"]["text"] and r["help"]["text"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"] and result["partialFingerprints"][FINGERPRINT_KEY]
        assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    assert {"error", "warning", "note"} == {r["level"] for r in run["results"]}


def test_sarif_golden_matches_the_official_schema(sarif_schema: Validator) -> None:
    log = json.loads((GOLDEN / "report.sarif").read_text(encoding="utf-8"))
    assert _schema_errors(sarif_schema, log) == []


def test_sarif_unregistered_rule_has_no_rule_index(sarif_schema: Validator) -> None:
    log = json.loads(render("sarif", [Diagnostic("a.yaml", 1, 1, "config", E, "bad")]))
    assert "ruleIndex" not in log["runs"][0]["results"][0]
    assert _schema_errors(sarif_schema, log) == []


def test_fingerprint_ignores_the_line_and_separates_repeats() -> None:
    here = Diagnostic(RESNET, 3, 10, "MA202", E, "leading zero")
    moved = Diagnostic(RESNET, 30, 1, "MA202", E, "leading zero")
    assert fingerprint(here) == fingerprint(moved)
    assert fingerprint(here) != fingerprint(Diagnostic(BERT, 3, 10, "MA202", E, "leading zero"))
    assert fingerprint(here) != fingerprint(Diagnostic(RESNET, 3, 10, "MA202", E, "other"))
    log = json.loads(render("sarif", [here, moved]))
    prints = [r["partialFingerprints"][FINGERPRINT_KEY] for r in log["runs"][0]["results"]]
    assert prints[0].endswith(":1") and prints[1].endswith(":2")


def test_artifact_uri_is_a_relative_posix_uri_reference() -> None:
    assert artifact_uri(RESNET) == RESNET
    assert artifact_uri("models/a b/图.yaml") == "models/a%20b/%E5%9B%BE.yaml"
    assert artifact_uri(ODD) == "models/odd%2Cdir%3Ax/1.0.0.yaml"


def test_github_escaping() -> None:
    assert escape_data("100%\r\nok: a,b") == "100%25%0D%0Aok: a,b"
    assert escape_property("dir:x,y/100%\n") == "dir%3Ax%2Cy/100%25%0A"
    line = annotation_lines([Diagnostic(ODD, 6, 10, "MA305", W, ESCAPING, "pin it")])[0]
    assert line.startswith("::warning file=models/odd%2Cdir%3Ax/1.0.0.yaml,line=6,col=10,")
    message = "tag `latest` moves: 100%25 of pulls differ,%0Alike swr.eu-de.otc.t-systems.com"
    assert line.endswith(f",title=MA305::{message}/t/i:latest%0Ahint: pin it")
    assert "\n" not in line


def test_github_annotations_are_capped_per_severity() -> None:
    many = [Diagnostic("m.yaml", n, 1, "MA202", s, f"n{n}") for s in Severity for n in range(1, 13)]
    lines = annotation_lines(many)
    kinds = [line.split(" ", 1)[0] for line in lines]
    assert kinds.count("::error") == 10 and kinds.count("::warning") == 10
    assert kinds.count("::notice") == 10  # 9 info findings and the count of the rest
    assert lines[-1].startswith("::notice title=modelarts-gitops::7 more findings")


def test_github_summary_is_appended(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    render("github")
    render("github", [], ["models/clean/1.0.0.yaml"])
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("# earlier step\n## modelarts-gitops\n")
    assert written.count("## modelarts-gitops") == 2
    assert "| models/odd,dir:x/1.0.0.yaml:2:10 | MA202 | error |" in written
    assert "version `1.0` \\| &lt;b&gt; &amp; co" in written
    assert written.endswith("1 file checked: no problems\n")


def test_github_summary_unwritable_is_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory
    assert render("github").splitlines()[-1].startswith("::warning title=modelarts-gitops::")


def test_github_summary_is_cut_below_the_limit() -> None:
    many = [Diagnostic("m.yaml", n, 1, "MA202", E, "x" * 100) for n in range(1, 1001)]
    text = summary_markdown(many, 1, limit=5000)
    assert len(text.encode()) <= 5000
    assert text.rstrip().endswith("more not shown (job summary size limit); see the log._")
    assert "1 file checked: 1000 errors" in summary_markdown(many, 1)


def test_junit_counts_names_and_clean_files() -> None:
    root = ET.fromstring(render("junit"))
    cases = root.findall("testsuite/testcase")
    names = [(c.get("classname"), c.get("name")) for c in cases]
    assert len(names) == len(set(names)) == int(root.get("tests", "")) == 8
    failures = [c for c in cases if c.find("failure") is not None]
    assert int(root.get("failures", "")) == len(failures) == 5
    assert ("models/clean/1.0.0.yaml", "all rules") in names
    info = next(c for c in cases if c.get("classname") == CJK)
    assert info.find("failure") is None
    assert "MA306 info" in (info.findtext("system-out") or "")
    two_columns = next(c for c in cases if c.get("name", "").startswith("MA101"))
    assert len((two_columns.findtext("failure") or "").splitlines()) == 4  # 2 lines + 2 hints


def test_junit_survives_characters_xml_cannot_carry() -> None:
    bad = Diagnostic("x.yaml", 1, 1, "MA009", E, "NUL \x00 and \x1b here")
    failure = ET.fromstring(render("junit", [bad], ["x.yaml"])).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "NUL \\x00 and \\x1b here"
