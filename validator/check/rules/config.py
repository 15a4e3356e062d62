"""MA4xx: the ModelArts model configuration (config.json).

`config:` is either a mapping written inline or a path to a JSON file beside
the import. A path must stay inside the repository, name a regular file, and
that file must be JSON; its problems are reported at its own line and column.
A config file shared by several imports is read and reported once.
"""

from __future__ import annotations

from validator.check.registry import declare

declare(
    "MA401",
    "the config file exists",
    """
    `config:` names a file, relative to the import file, that does not exist.
    When a JSON file with a close name sits in that folder, it is suggested.
""",
)
declare(
    "MA402",
    "the config path stays inside the repository",
    """
    The config path must be relative and must not lead outside the repository,
    neither with `..` nor through a symbolic link: the sync job and reviewers
    only see what is in the repository.
""",
)
declare(
    "MA403",
    "the config path is a regular file",
    """
    The config path names a folder or a special file instead of a JSON file.
""",
)
declare(
    "MA404",
    "the config file is a JSON object",
    """
    The config file must be valid JSON (UTF-8) whose top level is an object.
    The position is where the JSON parser stopped.
""",
)
declare(
    "MA405",
    "no key appears twice in the config file",
    """
    JSON readers keep only one of two equal keys, silently. The second
    occurrence is reported; the first one is used.
""",
)
