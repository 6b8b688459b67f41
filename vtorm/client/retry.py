"""When the client may repeat a request, and how long it waits first.

Pure policy: no clock and no network. The client asks `may_repeat()` after a failure and
sleeps `delay()` seconds between attempts.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from enum import Enum
from typing import Final

from vtorm.wire import GET_OPERATIONS

__all__ = ["REPEATABLE_OPERATIONS", "Failure", "RetryPolicy", "is_repeatable"]

#: Operations that change nothing (every read), or land on the same state when sent twice
#: (update and revise write the same values again). Login only creates a spare session.
REPEATABLE_OPERATIONS: Final = GET_OPERATIONS | {
    "login",
    "update",
    "revise",
    "logout",
    "extendsession",
}


class Failure(Enum):
    """How a request failed, which decides whether it may be sent again."""

    #: The request never left this machine (connection refused, DNS, connect timeout).
    NOT_SENT = "not sent"
    #: The request may have reached the server: a dropped connection or a read timeout.
    IN_FLIGHT = "in flight"
    #: The server answered, but not with a webservice envelope (HTTP 5xx, empty, not JSON).
    BAD_ANSWER = "bad answer"


def is_repeatable(operation: str, failure: Failure) -> bool:
    """Whether sending `operation` again after `failure` cannot do a write twice."""
    return failure is Failure.NOT_SENT or operation.lower() in REPEATABLE_OPERATIONS


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: attempt n waits about `base * 2**(n-1)` seconds.

    Half of each delay is fixed and half random ("equal jitter"), so clients that failed
    together do not come back together, and no wait collapses to zero.

    >>> policy = RetryPolicy(retries=3, base=0.5, cap=8.0, rng=random.Random(1))
    >>> [round(policy.delay(n), 3) for n in (1, 2, 3)]
    [0.284, 0.924, 1.764]
    """

    retries: int = 3
    base: float = 0.5
    cap: float = 8.0
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, not {self.retries}")
        if self.base < 0 or self.cap < 0:
            raise ValueError(f"backoff must be >= 0, not base={self.base}, cap={self.cap}")

    @property
    def attempts(self) -> int:
        """How many times a request is sent at most."""
        return self.retries + 1

    def may_retry(self, operation: str, failure: Failure, attempt: int) -> bool:
        """Whether attempt number `attempt` (1-based) may be followed by another."""
        return attempt < self.attempts and is_repeatable(operation, failure)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        ceiling = min(self.cap, self.base * 2.0 ** max(attempt - 1, 0))
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)
