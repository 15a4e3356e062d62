"""The config files that imports name, each checked once with every checked import using it.

A run that keeps every config document until the last import is loaded holds them all at
once. Users of a config file mostly sit in its folder, so when the walk leaves a folder,
the config files its imports used are checked with the users seen so far and their
documents leave the load cache. A user found later (a config file named from another
folder) reads the file again, and the config is checked again with every user: the
findings are those of one check with all users, whatever the order of the files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from validator.check.rule_run import ConfigRules
from validator.check.subject import ConfigUse, Spec
from validator.diagnostics import Located
from validator.load.imports import ConfigCache
from validator.settings import Settings


class SharedConfigs:
    """The config files the checked imports use, by path, in the order first checked.

    `again` loads a checked import once more, as its slim spec: a config file with a late
    user is checked again with the users checked before, which are not kept meanwhile.
    """

    def __init__(
        self,
        cache: ConfigCache,
        settings: Settings,
        again: Callable[[Path], Spec | None],
        rules: ConfigRules,
    ) -> None:
        self.cache = cache
        self.rules = rules
        self.settings = settings
        self.again = again
        self.users: dict[Path, list[Spec]] = {}  # config file -> its new checked users, slim
        self.checked: dict[Path, list[Path]] = {}  # config file -> the users it was checked with
        self.found: dict[Path, list[Located]] = {}  # its problems and findings, once checked
        self.folder: str | None = None

    def add(self, user: Spec) -> None:
        """A checked import that uses a config file (its slim spec)."""
        assert user.config_file is not None
        self.users.setdefault(user.config_file, []).append(user)

    def enter(self, folder: str) -> None:
        """The next import is in `folder`: leaving another one checks what its imports used."""
        if folder != self.folder:
            self.check()
            self.folder = folder

    def check(self) -> None:
        """Check the config files with new users; their documents leave the cache."""
        for path, new in self.users.items():
            again = (self.again(file) for file in self.checked.get(path, ()))
            users = [user for user in again if user is not None] + new
            config, problems, _ = self.cache.pop(path)
            found = list(problems)
            if config is not None:
                self.rules.run(ConfigUse(config, tuple(users), self.settings), found)
            self.found[path] = found
            self.checked[path] = [user.file for user in users]
        self.users.clear()

    def located(self) -> list[Located]:
        """Every config file's problems and findings, all users seen."""
        self.check()
        return [item for found in self.found.values() for item in found]
