"""JUnit XML: one testcase per (file, rule, line), one passing "all rules" case per clean file.

`classname` is the file and `name` is `MA202 version-format line 3`, so names are unique
(GitLab keeps only the first of duplicate names). Findings on the same file, rule and line
(several columns) share one testcase. Errors and warnings are failures (`type` is the
severity). Info findings are not failures: their testcase passes and carries the text lines
in `<system-out>`. Clean files are known only from `checked` (the display paths of every
checked file); without it only files with findings appear.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import groupby
from typing import TextIO

from validator.diagnostics import Diagnostic, Severity
from validator.report.escape import visible
from validator.report.names import rule_name, rules
from validator.report.text import format_diagnostic

# Characters XML 1.0 cannot carry even escaped, beyond the controls `visible` escapes.
_NOT_XML = re.compile("[\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", visible(value, lines=True))


def _key(d: Diagnostic) -> tuple[str, int, str]:
    return d.file, d.line, d.rule


def _testcase(group: list[Diagnostic]) -> ET.Element:
    first = group[0]
    registered = rules().get(first.rule)
    label = f"{first.rule} {rule_name(registered)}" if registered else first.rule
    file = _xml_text(first.file)
    case = ET.Element("testcase", classname=file, name=f"{label} line {first.line}", file=file)
    body = _xml_text("".join(format_diagnostic(d) for d in group))
    worst = max(d.severity for d in group)
    if worst is Severity.INFO:
        ET.SubElement(case, "system-out").text = body
    else:
        messages = "; ".join(dict.fromkeys(d.message for d in group))
        failure = ET.SubElement(case, "failure", message=_xml_text(messages), type=str(worst))
        failure.text = body
    return case


def junit_xml(diagnostics: Sequence[Diagnostic], checked: Sequence[str] = ()) -> str:
    cases: list[tuple[str, int, str, ET.Element]] = []
    for key, group in groupby(sorted(diagnostics, key=_key), key=_key):
        cases.append((*key, _testcase(list(group))))
    flagged = {d.file for d in diagnostics}
    for file in dict.fromkeys(checked):
        if file not in flagged:
            path = _xml_text(file)
            clean = ET.Element("testcase", classname=path, name="all rules", file=path)
            cases.append((file, 0, "", clean))
    cases.sort(key=lambda case: case[:3])
    failures = sum(1 for *_, case in cases if case.find("failure") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    root = ET.Element("testsuites", {"name": "modelarts-gitops", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "validate", **counts, "skipped": "0"})
    suite.extend(case for *_, case in cases)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def report(
    diagnostics: Sequence[Diagnostic], files: int, out: TextIO, *, checked: Sequence[str] = ()
) -> None:
    out.write(junit_xml(diagnostics, checked) + "\n")
