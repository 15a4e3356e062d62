"""Seeded fault injection for `registry serve`, so retry and reconcile paths run in tests.

One draw from `random.Random(seed)` per API request, taken in arrival order: a client that
sends its requests one at a time sees the same faults on every run.
"""

from __future__ import annotations

import enum
import random
import threading
from collections import Counter
from dataclasses import dataclass


class Fault(enum.StrEnum):
    NONE = "none"
    ERROR = "error"  # 500 with a ModelArts error body; nothing is applied
    THROTTLE = "throttle"  # 429 with Retry-After; nothing is applied
    DROP = "drop"  # close the socket without answering; a POST is applied first


@dataclass(frozen=True, slots=True)
class FaultConfig:
    """Rates are probabilities per request, tried in the order error, throttle, drop.

    `script` fixes the faults of the first requests (e.g. `(Fault.THROTTLE,)`), then the
    seeded draws take over; tests use it to make one exact case happen.
    """

    seed: int = 0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    drop_rate: float = 0.0
    retry_after: int = 1  # seconds, sent with each 429
    latency: float = 0.0  # seconds added before every API answer
    script: tuple[Fault, ...] = ()

    def __post_init__(self) -> None:
        total = self.error_rate + self.throttle_rate + self.drop_rate
        if min(self.error_rate, self.throttle_rate, self.drop_rate) < 0 or total > 1:
            raise ValueError("fault rates must be >= 0 and add up to at most 1")
        if self.latency < 0 or self.retry_after < 0:
            raise ValueError("latency and Retry-After must be >= 0")


class Faults:
    """The server's fault source; `counts` says how many of each fault it injected."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._script = list(config.script)
        self._mutex = threading.Lock()
        self.counts: Counter[Fault] = Counter()

    def draw(self) -> Fault:
        with self._mutex:
            fault = self._script.pop(0) if self._script else self._pick(self._rng.random())
            self.counts[fault] += 1
            return fault

    def _pick(self, roll: float) -> Fault:
        c = self.config
        for fault, edge in (
            (Fault.ERROR, c.error_rate),
            (Fault.THROTTLE, c.error_rate + c.throttle_rate),
            (Fault.DROP, c.error_rate + c.throttle_rate + c.drop_rate),
        ):
            if roll < edge:
                return fault
        return Fault.NONE
