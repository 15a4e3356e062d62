"""MA2xx: identity and metadata — name, version, description, labels, docs.

MA207, the file path, is in `path.py`.

The limits are ModelArts' own (console and CreateModel API); a value outside
them is refused when the import is submitted, so it is an error here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache
from typing import Any

from validator.check.registry import rule
from validator.check.subject import Spec
from validator.diagnostics import Finding, Severity, kind_of

# One name character. The CJK ranges cost 1.8 ms to compile (the class is expanded code
# point by code point): an ASCII name, the common one, is matched without them.
NAME_CHAR = r"[A-Za-z0-9_\u3400-\u4dbf\u4e00-\u9fff-]"
_ASCII_NAME = re.compile(r"[A-Za-z0-9_-]*")


def name_text(name: str) -> bool:
    """True when every character of `name` is a NAME_CHAR."""
    if name.isascii():
        return _ASCII_NAME.fullmatch(name) is not None
    return _name_text().fullmatch(name) is not None


@cache
def _name_text() -> re.Pattern[str]:
    return re.compile(NAME_CHAR + "*")


FORBIDDEN = "&!'\"<>="
LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
DOC_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
URL = re.compile(r"https?://[^\s/$.?#][^\s]*")


def _type_error(field: str, value: Any, wanted: str) -> Finding:
    return Finding((field,), f"`{field}` must be {wanted}, not {kind_of(value)}")


@rule("MA201", "name is 1-64 letters, CJK characters, digits, - or _")
def name_format(spec: Spec) -> Iterator[Finding]:
    """
    The model name (API `model_name`) has 1 to 64 characters: letters, CJK
    characters, digits, hyphens and underscores, as the ModelArts console
    requires. Spaces, dots and slashes are refused.
    """
    name = spec.data.get("name")
    if name is None:
        return
    if not isinstance(name, str):
        written = spec.document.raw_text(("name",)) or str(name)  # `true`, not `True`
        yield Finding(
            ("name",), f"name must be text, not {kind_of(name)}", f'quote it: "{written}"'
        )
        return
    if not name:
        yield Finding(("name",), "name is empty")
    elif len(name) > 64:
        yield Finding(("name",), f"name is {len(name)} characters; the limit is 64")
    bad = [] if name_text(name) else sorted({c for c in name if not re.fullmatch(NAME_CHAR, c)})
    if bad:
        shown = ", ".join(f"`{c}`" if c.strip() else "a space" for c in bad)
        fixed = "".join(c for c in name.strip().replace(" ", "-") if re.fullmatch(NAME_CHAR, c))
        yield Finding(
            ("name",),
            f"name `{name}` contains {shown}; "
            "only letters, CJK characters, digits, - and _ are allowed",
            f"name: {fixed}" if fixed else None,
        )


@rule("MA206", "name starts with a letter", Severity.WARNING)
def name_starts_with_letter(spec: Spec) -> Iterator[Finding]:
    """
    The ModelArts SDK refuses names that do not start with a letter, although
    the console accepts them. Starting with a letter keeps every client working.
    """
    name = spec.data.get("name")
    if isinstance(name, str) and name and not name[0].isalpha():
        yield Finding(
            ("name",), f"name `{name}` does not start with a letter; the ModelArts SDK refuses it"
        )


def _part(digits: str) -> int:
    """A version part's value; one too long for int() (4,300 digits) is simply over 99."""
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= 3 else 1000


@lru_cache(maxsize=8)  # MA202 and MA207 ask for each file's version; the answers are immutable
def version_problem(version: str) -> tuple[str, str | None] | None:
    """What is wrong with a version string, and the fixed version when one is obvious."""
    parts = version.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        # `v1.0.0` -> 1.0.0: the numbers after a `v` prefix, not the two zeros alone
        digits = [p for p in version.lstrip("vV").split(".") if p.isascii() and p.isdigit()]
        fixed = (
            ".".join(([str(_part(p)) for p in digits] + ["0", "0", "0"])[:3]) if digits else None
        )
        return f"version `{version}` is not three numbers D.D.D", fixed
    numbers = [_part(p) for p in parts]
    fixed = ".".join(str(n) for n in numbers)
    for part, number in zip(parts, numbers, strict=True):
        if number > 99:
            return f"version `{version}`: `{part}` is over 99; each part is 0-99", None
        if part != str(number):
            return f"version `{version}`: `{part}` has a leading zero", fixed
    return None


@rule("MA202", "version is D.D.D with parts 0-99 and no leading zeros")
def version_format(spec: Spec) -> Iterator[Finding]:
    """
    The version (API `model_version`) is three dot-separated numbers, each 0-99
    without leading zeros: `1.0.2`, not `1.0` or `01.0.2`. It must be a string:
    YAML reads an unquoted `1.10` as the number 1.1, so quote versions.
    """
    version = spec.data.get("version")
    if version is None:
        return
    if not isinstance(version, str):
        written = spec.document.raw_text(("version",)) or str(version)
        problem = version_problem(written)
        fixed = problem[1] if problem else written  # None: quoting alone would not fix it
        if isinstance(version, bool) or not isinstance(version, int | float):
            yield Finding(
                ("version",), f'version must be text such as "1.0.0", not {kind_of(version)}'
            )
            return
        message = f"version {written} is read by YAML as the number {version}; quote it"
        yield Finding(("version",), message, f'version: "{fixed}"' if fixed else None)
        return
    found = version_problem(version)
    if found:
        message, better = found
        yield Finding(("version",), message, f'version: "{better}"' if better else None)


@rule("MA203", "description is 1-100 characters without & ! ' \" < > =")
def description_format(spec: Spec) -> Iterator[Finding]:
    """
    The description (API `description`) has 1 to 100 characters and none of
    `& ! ' " < > =`, which the ModelArts API refuses.
    """
    text = spec.data.get("description")
    if text is None:
        return
    if not isinstance(text, str):
        yield _type_error("description", text, "text")
        return
    if not text:
        yield Finding(("description",), "description is empty; write one or remove the key")
    if len(text) > 100:
        yield Finding(("description",), f"description is {len(text)} characters; the limit is 100")
    bad = [c for c in FORBIDDEN if c in text]
    if bad:
        cleaned = " ".join("".join(c for c in text if c not in FORBIDDEN).split())
        shown = " ".join(bad)
        yield Finding(
            ("description",),
            f"description contains {shown}; ModelArts refuses & ! ' \" < > =",
            f"description: {cleaned}",
        )


@rule("MA204", "at most 5 unique labels, each a letter then letters, digits or _")
def labels_format(spec: Spec) -> Iterator[Finding]:
    """
    At most 5 labels, no label twice; each starts with a letter and has at
    most 64 letters, digits or underscores (ModelArts.3023).
    """
    labels = spec.data.get("labels")
    if labels is None:
        return
    if not isinstance(labels, list):
        yield _type_error("labels", labels, "a list")
        return
    if len(labels) > 5:
        yield Finding(("labels", 5), f"{len(labels)} labels; at most 5 are allowed")
    first: dict[object, int] = {}
    for index, label in enumerate(labels):
        path = ("labels", index)
        if label is None:
            continue  # the schema reports a null item
        if not isinstance(label, str):
            yield Finding(path, f"label must be text, not {kind_of(label)}")
            continue
        if label in first:
            yield Finding(path, f"label `{label}` appears twice", "remove the second one")
        first.setdefault(label, index)
        if not label[:1].isascii() or not label[:1].isalpha():
            yield Finding(path, f"label `{label}` must start with a letter")
        elif not LABEL.fullmatch(label):
            fixed = re.sub(r"[^A-Za-z0-9_]", "_", label)
            yield Finding(path, f"label `{label}` may hold only letters, digits and _", f"{fixed}")
        if len(label) > 64:
            yield Finding(path, f"label is {len(label)} characters; the limit is 64")


@rule("MA205", "at most 3 docs, each with a name and an http(s) URL")
def docs_format(spec: Spec) -> Iterator[Finding]:
    """
    At most 3 model documents (API `model_docs`); each `name` has 1 to 48
    characters (letters, digits, - and _) starting with a letter, and each
    `url` is an absolute http or https URL.
    """
    docs = spec.data.get("docs")
    if not isinstance(docs, list):
        if docs is not None:
            yield _type_error("docs", docs, "a list")
        return
    if len(docs) > 3:
        yield Finding(("docs", 3), f"{len(docs)} docs; at most 3 are allowed")
    for index, doc in enumerate(docs):
        if not isinstance(doc, dict):
            continue  # the schema reports the type
        name, url = doc.get("name"), doc.get("url")
        if isinstance(name, str) and not (DOC_NAME.fullmatch(name) and len(name) <= 48):
            yield Finding(
                ("docs", index, "name"),
                f"doc name `{name}` must be 1-48 letters, digits, - or _, starting with a letter",
            )
        elif name is not None and not isinstance(name, str):
            yield Finding(("docs", index, "name"), "doc name must be text")
        if url is not None and not (isinstance(url, str) and URL.fullmatch(url)):
            yield Finding(("docs", index, "url"), f"doc url `{url}` is not an absolute http(s) URL")
