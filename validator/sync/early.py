"""The registry read while the gate's workers check the files.

A plan needs the registry's owned models, and which names are owned is known for sure
only once the gate has loaded every import. Waiting for it leaves this process idle
while worker processes parse; reading then costs the plan as much again. So, while they
parse, this process reads git history and guesses each file's name (one regex over its
first bytes: a fraction of what the light index of load/index.py costs, and a guess is
all this needs), and fetches the models those names and `owns:` cover. After the gate,
the read is used when it covered every name the gate found; otherwise the registry is
read again, as it would have been. The read runs on a thread
of its own: a gate that refuses does not wait for a remote read (its findings come first,
as they always did, however slow the registry), and its errors wait for the gate's
verdict. A serial gate has no workers to overlap with: then the registry is read after it.

The embedded registry needs no names: one query reads every row whatever the filter, so
it is read whole, and no file is read for names. A refused plan waits for that query (see
`settle`), because the caller closes the registry next, and closing an SQLite connection
under a running query crashes the process.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from validator.registry.base import Registry, RegistryModel
from validator.settings import Settings
from validator.sync.ownership import History, read_history
from validator.sync.plan import owned

THREAD_NAME = "early-read"
# A top-level `name:` with a plain or quoted value: a guess, see `guess_name`.
_NAME = re.compile(rb"""^name *: *(["']?)([\w.-]+)\1 *(?:#.*)?\r?$""", re.MULTILINE)
GUESS_LIMIT = 1 << 16  # the first bytes of a file: a name comes near the top


def guess_name(file: Path) -> str | None:
    """The model name `file` most likely declares, read cheaply (one regex over its first
    bytes), or None. Only a guess of what to fetch early: once the gate has parsed every
    file, a name it found that the guesses missed makes the registry read again, and a
    wrong guess fetches a model that is then filtered out."""
    try:
        with open(file, "rb") as stream:
            found = _NAME.search(stream.read(GUESS_LIMIT))
    except OSError:
        return None
    return None if found is None else found[2].decode("ascii")  # \w is ASCII in bytes


class EarlyRead:
    def __init__(self, settings: Settings, registry: Registry) -> None:
        self._settings = settings
        self._registry = registry
        self._history: History | None = None
        self._names: set[str] = set()  # what the early read covered (with history and owns)
        self._whole = False  # every model was read: it covered every name
        self._models: list[RegistryModel] | None = None
        self._error: Exception | None = None
        self._thread: threading.Thread | None = None

    def start(self, files: Sequence[Path]) -> Callable[[], None]:
        """Start the read (the gate calls this once its workers are forked); the function
        returned waits for it."""
        self._thread = threading.Thread(
            target=self.read, args=(files,), name=THREAD_NAME, daemon=True
        )
        self._thread.start()
        return self.wait

    def wait(self) -> None:
        if self._thread is not None:
            self._thread.join()

    def settle(self) -> None:
        """Before a refused plan's caller closes the registry: wait for an embedded read
        (one query, which closing the database under would crash) and leave a remote one
        running (closing its HTTP session is safe, and the gate's findings come first)."""
        if not self._registry.remote:
            self.wait()

    def read(self, files: Sequence[Path]) -> None:
        settings = self._settings
        try:
            self._history = read_history(settings.root, settings.models_dir)
            if not self._registry.remote:
                self._models, self._whole = self._registry.list(), True
                return
            names = {name for name in map(guess_name, files) if name is not None}
            self._names = names | self._history.names
            covered, owns = self._names, settings.owns
            self._models = self._registry.list(match=lambda name: owned(name, covered, owns))
        except Exception as exc:  # raised by history() or models(), after the gate's verdict
            self._error = exc

    def history(self) -> History:
        self.wait()
        if self._error is not None:
            raise self._error
        if self._history is None:  # the gate never called read(): read it now
            self._history = read_history(self._settings.root, self._settings.models_dir)
        return self._history

    def models(self, desired: Iterable[str], match: Callable[[str], bool]) -> list[RegistryModel]:
        """The owned models: from the early read when it covered every `desired` name."""
        self.wait()
        if self._error is not None:
            raise self._error
        if self._models is not None and (self._whole or self._names.issuperset(desired)):
            return [model for model in self._models if match(model.spec.name)]
        return self._registry.list(match=match)
