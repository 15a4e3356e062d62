"""Split the action's text inputs into words as a shell would, for bash to `eval` safely.

Called as `action_words.py NAME TEXT [NAME TEXT ...]`; prints `NAME=(word ...)` with every
word quoted by `shlex.quote`, so nothing in an input is ever evaluated. Unbalanced quotes are
a workflow error annotation and exit code 2.
"""

from __future__ import annotations

import re
import shlex
import sys


def declarations(pairs: list[str]) -> str:
    lines = []
    for name, text in zip(pairs[::2], pairs[1::2], strict=True):
        if not re.fullmatch(r"[a-z_]+", name):
            raise ValueError(f"`{name}` is not a variable name")
        words = shlex.split(text)
        lines.append(f"{name}=({' '.join(shlex.quote(w) for w in words)})")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    try:
        sys.stdout.write(declarations(argv))
    except ValueError as error:
        print(f"::error title=modelarts-gitops::cannot split an input: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
