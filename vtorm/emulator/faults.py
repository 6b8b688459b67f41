"""Per-instance fault injection: what a flaky network or an unwell PHP server does to a client.

Each `Fault` fires either on one request (`nth`, 1-based, counted per emulator) or at a
`rate` (0..1) drawn from a seeded RNG, so a failing test replays exactly::

    faults = Faults([Fault.latency(0.05, rate=0.5), Fault.http_500(nth=3)], seed=7)
    Emulator(faults=faults)

Kinds: `latency` (sleep before answering), `http_500` (HTTP 500, empty body), `drop` (close
the connection without answering: `DropConnection` is raised out of the WSGI app and the
threaded server turns it into a closed socket), `malformed_json` (HTTP 200 with a cut-off
JSON body), `session_expiry` (every `after` requests all sessions are forgotten, as PHP's
session GC would, so the next call gets INVALID_SESSIONID).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["DropConnection", "Fault", "FaultKind", "Faults", "Plan"]

FaultKind = Literal["latency", "http_500", "drop", "malformed_json", "session_expiry"]


class DropConnection(ConnectionAbortedError):
    """Raised by the WSGI app: close the socket without a response.

    A `ConnectionError`, so in-process transports (vtorm.client.wsgi) report a dropped connection.
    """


@dataclass(frozen=True)
class Fault:
    """One kind of failure and when it happens."""

    kind: FaultKind
    rate: float = 0.0
    nth: int | None = None
    seconds: float = 0.0
    after: int | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"fault rate must be within 0..1, got {self.rate!r}")
        if self.nth is not None and self.nth < 1:
            raise ValueError(f"fault nth counts requests from 1, got {self.nth!r}")
        if self.kind == "session_expiry" and (self.after is None or self.after < 1):
            raise ValueError("session_expiry needs after=N (N >= 1 requests)")

    @classmethod
    def latency(cls, seconds: float, *, rate: float = 1.0, nth: int | None = None) -> Fault:
        """Wait `seconds` before answering."""
        return cls("latency", rate=0.0 if nth else rate, nth=nth, seconds=seconds)

    @classmethod
    def http_500(cls, *, rate: float = 0.0, nth: int | None = None) -> Fault:
        """Answer HTTP 500 with an empty body (nothing is executed)."""
        return cls("http_500", rate=rate, nth=nth)

    @classmethod
    def drop(cls, *, rate: float = 0.0, nth: int | None = None) -> Fault:
        """Close the connection without an answer (nothing is executed)."""
        return cls("drop", rate=rate, nth=nth)

    @classmethod
    def malformed_json(cls, *, rate: float = 0.0, nth: int | None = None) -> Fault:
        """Execute the request, then answer with a truncated JSON body."""
        return cls("malformed_json", rate=rate, nth=nth)

    @classmethod
    def session_expiry(cls, after: int) -> Fault:
        """Forget all sessions every `after` requests."""
        return cls("session_expiry", after=after)

    def fires(self, number: int, rng: random.Random) -> bool:
        """Whether this fault hits request `number` (1-based)."""
        if self.kind == "session_expiry":
            assert self.after is not None
            return number > 1 and (number - 1) % self.after == 0
        if self.nth is not None:
            return number == self.nth
        return self.rate > 0.0 and rng.random() < self.rate


@dataclass(frozen=True)
class Plan:
    """What to do to one request."""

    number: int
    delay: float = 0.0
    outcome: Literal["normal", "http_500", "drop", "malformed_json"] = "normal"
    expire_sessions: bool = False


class Faults:
    """The faults of one emulator, with their request counter and seeded RNG."""

    def __init__(self, faults: Iterable[Fault] = (), *, seed: int = 0) -> None:
        self.faults = tuple(faults)
        self._rng = random.Random(seed)
        self._count = 0
        self._lock = threading.Lock()

    def arm(self, faults: Iterable[Fault]) -> None:
        """Replace the faults and count requests from 1 again (the pytest plugin arms them
        after its own login and seeding, so `nth=1` is the test's first request)."""
        with self._lock:
            self.faults = tuple(faults)
            self._count = 0

    def plan(self) -> Plan:
        """Count one request and decide its fate."""
        with self._lock:
            self._count += 1
            number = self._count
            delay = 0.0
            outcome: Literal["normal", "http_500", "drop", "malformed_json"] = "normal"
            expire = False
            for fault in self.faults:
                if not fault.fires(number, self._rng):
                    continue
                if fault.kind == "latency":
                    delay += fault.seconds
                elif fault.kind == "session_expiry":
                    expire = True
                elif outcome == "normal":
                    outcome = fault.kind
            return Plan(number, delay, outcome, expire)
