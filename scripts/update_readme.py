"""Regenerate the README's rules table from the rule registry."""

from __future__ import annotations

from pathlib import Path

from validator.check.rules_doc import rules_markdown

README = Path(__file__).resolve().parent.parent / "README.md"
BEGIN, END = "<!-- rules:begin -->\n", "<!-- rules:end -->"

text = README.read_text(encoding="utf-8")
head, rest = text.split(BEGIN, 1)
tail = rest.split(END, 1)[1]
README.write_text(head + BEGIN + rules_markdown() + END + tail, encoding="utf-8")
print(f"updated {README.name}")
