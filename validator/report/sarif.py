"""SARIF 2.1.0 for GitHub code scanning: one run, every registered rule, stable fingerprints.

Columns count Unicode code points (as the YAML marks do), so the run says
`columnKind: unicodeCodePoints`. A result's fingerprint hashes its rule, file and
message, not its line: moving a finding within the file keeps the same alert.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from validator import __version__
from validator.check.registry import Rule
from validator.check.rules_doc import rule_markdown
from validator.diagnostics import Diagnostic, Severity
from validator.report.escape import json_safe
from validator.report.names import rule_name, rules

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "modelartsGitops/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

Json = dict[str, Any]


def artifact_uri(file: str) -> str:
    """A relative URI reference: POSIX separators, percent-encoded (spaces, `:`, CJK)."""
    path = PurePath(file)
    if path.is_absolute():
        return path.as_uri()
    # A file name that is not UTF-8 reaches us with surrogate escapes: percent-encode its bytes.
    return quote(path.as_posix().encode("utf-8", "surrogateescape"), safe="/")


def fingerprint(d: Diagnostic, occurrence: int = 1) -> str:
    """sha256 of rule, file and message; `:N` tells apart identical findings in one file."""
    key = "\0".join((d.rule, PurePath(d.file).as_posix(), d.message))
    return f"{hashlib.sha256(key.encode('utf-8', 'surrogatepass')).hexdigest()}:{occurrence}"


def rule_descriptor(rule: Rule) -> Json:
    return {
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.explanation},
        "help": {"text": rule.explanation, "markdown": rule_markdown(rule)},  # as docs/rules/
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _message(d: Diagnostic) -> str:
    return f"{d.message}\nhint: {d.suggestion}" if d.suggestion else d.message


def _result(d: Diagnostic, index: dict[str, int], occurrence: int) -> Json:
    result: Json = {"ruleId": d.rule}
    if d.rule in index:
        result["ruleIndex"] = index[d.rule]
    result["level"] = LEVELS[d.severity]
    result["message"] = {"text": _message(d)}
    region = {"startLine": max(d.line, 1), "startColumn": max(d.column, 1)}
    location = {"artifactLocation": {"uri": artifact_uri(d.file)}, "region": region}
    result["locations"] = [{"physicalLocation": location}]
    result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint(d, occurrence)}
    return result


def sarif_log(diagnostics: Sequence[Diagnostic]) -> Json:
    registered = sorted(rules().values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(registered)}
    seen: Counter[str] = Counter()
    results = []
    for d in diagnostics:
        digest = fingerprint(d)
        seen[digest] += 1
        results.append(_result(d, index, seen[digest]))
    driver = {
        "name": "modelarts-gitops",
        "semanticVersion": __version__,
        "rules": [rule_descriptor(r) for r in registered],
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    out.write(json_safe(json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=False)))
    out.write("\n")
