"""Rule ids named by people: `--select`, `--ignore`, `severity`, `ignore[...]` comments.

A misspelt id must not pass silently: `--select MA999` would turn every check
off, and `ignore[MA3O5]` would suppress nothing. An id or prefix is known when
some registered rule starts with it; anything else is refused with the nearest
real id.
"""

from __future__ import annotations

import re

from validator.diagnostics import Located, closest

_SHAPE = re.compile(r"MA\d{0,3}")


def _known() -> list[str]:
    import validator.check.rules  # noqa: F401  (importing the families registers every rule)
    from validator.check.registry import RULES

    return sorted(RULES)


def rule_id_problem(text: str) -> tuple[str, str] | None:
    """What is wrong with `text` as a rule id or prefix, in words, and a hint; None if fine."""
    known = _known()
    if _SHAPE.fullmatch(text) and any(r.startswith(text) for r in known):
        return None
    if not _SHAPE.fullmatch(text):
        problem = f"`{text}` is not a rule id (MA305) or family prefix (MA3)"
    elif len(text) == 5:
        problem = f"there is no rule `{text}`"
    else:
        problem = f"no rule id starts with `{text}`"
    families = sorted({r[:3] for r in known})
    # `O` for `0` is the usual slip; compare with it mended, and only suggest a near miss
    mended = text.replace("O", "0")
    size = len(mended)
    choices = sorted({r[:size] for r in known}) if 3 <= size <= 5 else known
    close = closest(mended, choices, cutoff=0.75)
    if close is not None:
        return problem, f"did you mean `{close}`?"
    if len(text) <= 3:
        return problem, f"the families are {', '.join(families)}"
    return problem, "`modelarts-gitops rules` lists them"


def inline_problems(text: str, path: str) -> list[Located]:
    """A located warning for each id in an `ignore[...]` comment that names no rule."""
    from validator.load.document import ignore_marks

    return [
        Located(path, line, column, "MA014", *found)
        for line, column, part in ignore_marks(text)
        if (found := rule_id_problem(part.upper())) is not None
    ]
