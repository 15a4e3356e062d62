"""MA0xx: reading the file.

These are reported by the loaders before any rule runs. A file with one of the
errors below is not checked further, except for MA002 and MA011, after which
the rest of the file is still checked.
"""

from __future__ import annotations

from validator.check.registry import declare
from validator.diagnostics import Severity

declare(
    "MA001",
    "the file is valid YAML",
    """
    The file could not be parsed. The position is the parser's own: where it
    noticed the problem, usually at or just after the mistake (an unclosed
    bracket, a tab used for indentation, a stray character).
""",
)
declare(
    "MA002",
    "no key appears twice in a mapping",
    """
    YAML loaders silently keep one of two equal keys (PyYAML the last, others
    the first), so a duplicated key hides a value that someone meant to set.
    The second occurrence is reported; the first one is used.
""",
)
declare(
    "MA003",
    "the top level is a mapping",
    """
    A model import is a mapping of fields (name, version, source, ...); a list
    or a single value at the top level cannot be one.
""",
)
declare(
    "MA004",
    "one YAML document per file",
    """
    One file holds one model import. A `---` line that starts a second document
    would be ignored by some tools and rejected by others; use one file per
    version instead.
""",
)
declare(
    "MA005",
    "the file is not empty",
    """
    An empty file (or one holding only comments) describes no model import.
    Delete it, or fill in the fields.
""",
)
declare(
    "MA006",
    "no YAML tags",
    """
    Tags such as `!!python/object` or `!Ref` are not part of the format; some
    loaders execute code for them. Keys must be plain text.
""",
)
declare(
    "MA007",
    "no anchors, aliases or merge keys",
    """
    Anchors (`&a`), aliases (`*a`) and merge keys (`<<`) are refused: a few
    hundred bytes of nested aliases expand into billions of values ("billion
    laughs"), which hurts every tool that reads the expanded data. Write values
    out instead.
""",
)
declare(
    "MA008",
    "the file is not larger than the size limit",
    """
    Files over `max_file_size` (default 1 MiB) are not parsed. A model import
    is about 1 KB; a huge file is a mistake or an attack.
""",
)
declare(
    "MA009",
    "the file is UTF-8",
    """
    Files must be UTF-8 (a byte order mark is accepted). Other encodings, such
    as UTF-16 or Latin-1, diff badly and are read differently by other tools.
""",
)
declare(
    "MA010",
    "nesting is not deeper than 64 levels",
    """
    Deep nesting is never needed by a model import and is a classic way to
    exhaust a parser's stack.
""",
)
declare(
    "MA011",
    "no YAML 1.1 booleans (yes/no/on/off)",
    """
    `yes`, `no`, `on`, `off`, `y` and `n` are booleans in YAML 1.1 (PyYAML)
    and strings in YAML 1.2 (most other tools). The value is kept as the
    string; write `true`/`false`, or quote it, so every tool reads the same.
""",
    Severity.WARNING,
)
declare(
    "MA012",
    "numbers are of a sensible size",
    """
    Integers longer than 40 digits are refused: converting them is slow and
    they mean nothing in a model import.
""",
)
declare(
    "MA013",
    "an import file is not a symlink to outside the repository",
    """
    A symlink under models/ that leads outside the repository is not read: in
    a pull-request check it would let a change print parts of files on the CI
    machine (say /etc/passwd) into annotations that anyone can see.
""",
)
declare(
    "MA014",
    "inline ignore comments name existing rules",
    """
    `# modelarts-gitops: ignore[MA305]` names rule ids or family prefixes. An id
    that no rule has (a typo such as `MA3O5`) would suppress nothing, silently;
    the comment is reported with the nearest real id.
""",
    Severity.WARNING,
)
