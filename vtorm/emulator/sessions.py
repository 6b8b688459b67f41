"""Challenge tokens and webservice sessions, kept in memory like PHP's session files.

One live challenge token per user (a second getchallenge cancels the first), valid for
`CHALLENGE_LIFETIME` seconds and reusable until then. A session id is random hex of PHP's
shape (`dechex(rand())` + `uniqid()`); it dies on logout, after `idle_timeout` seconds without
use (PHP's session GC), or when `expire_all()` is called (fault injection).
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from vtorm.wire import CHALLENGE_LIFETIME

__all__ = ["Challenge", "Session", "Sessions"]

#: PHP's default `session.gc_maxlifetime`: how long an unused session survives.
DEFAULT_IDLE_TIMEOUT = 1440.0


@dataclass(frozen=True)
class Challenge:
    """A getchallenge token and its lifetime (epoch seconds)."""

    token: str
    server_time: int
    expire_time: int


@dataclass
class Session:
    """A logged-in webservice session."""

    user_id: int
    last_used: float


class Sessions:
    """Thread-safe challenges and sessions of one emulated server."""

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        idle_timeout: float | None = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        self.clock = clock
        self.idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._challenges: dict[int, Challenge] = {}
        self._sessions: dict[str, Session] = {}

    def challenge(self, user_id: int) -> Challenge:
        """A new token for the user, replacing any earlier one."""
        now = int(self.clock())
        token = secrets.token_hex(7)[:13]
        challenge = Challenge(token, now, now + CHALLENGE_LIFETIME)
        with self._lock:
            self._challenges[user_id] = challenge
        return challenge

    def live_token(self, user_id: int) -> str | None:
        """The user's unexpired token, if any."""
        with self._lock:
            challenge = self._challenges.get(user_id)
        if challenge is None or challenge.expire_time < self.clock():
            return None
        return challenge.token

    def open(self, user_id: int) -> str:
        """A new session for the user; returns its id."""
        session_id = f"{secrets.randbelow(2**31):x}{secrets.token_hex(7)[:13]}"
        with self._lock:
            self._sessions[session_id] = Session(user_id, self.clock())
        return session_id

    def get(self, session_id: str) -> Session | None:
        """The live session with this id (touching it); None if unknown, closed or idle."""
        now = self.clock()
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if self.idle_timeout is not None and now - session.last_used > self.idle_timeout:
                del self._sessions[session_id]
                return None
            session.last_used = now
            return session

    def rebind(self, session_id: str, user_id: int) -> None:
        """Log `user_id` into an existing session (login sent with a valid sessionName)."""
        with self._lock:
            self._sessions[session_id] = Session(user_id, self.clock())

    def close(self, session_id: str) -> None:
        """Destroy a session (logout)."""
        with self._lock:
            self._sessions.pop(session_id, None)

    def expire_all(self) -> None:
        """Forget every session, as if PHP's garbage collector had run."""
        with self._lock:
            self._sessions.clear()
