"""Logins as one user that do not collide, and a wrong key that still fails at once.

Vtiger keeps one challenge token per user: each `getchallenge` deletes the previous one, so
when two clients log in as the same user at the same moment, the one whose token was
replaced gets `INVALID_USER_CREDENTIALS`, exactly what a wrong access key gets. The protocol
has no way to tell the two apart afterwards (a repeated `getchallenge` always hands out a new
token), so vtorm avoids the race instead of guessing:

- a `LoginGate` per (URL, user) serialises the challenge and login of every client in the
  process (a lock) and of every vtorm process on this machine (an advisory lock file);
- inside the gate a login failure is a wrong key, and fails at the first attempt, unless
  there is evidence of a race: the token vanished (`INVALID_AUTH_TOKEN` right after the
  challenge), or this key has logged in before (a renewal racing another machine), or the
  lock file could not be taken. Then the login is repeated with jitter, a bounded number of
  times.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import tempfile
import threading
import time
from collections.abc import Iterator
from typing import IO, Final

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: only the in-process lock
    fcntl = None  # type: ignore[assignment]

from vtorm.client.auth import Secret
from vtorm.wire import ErrorCode

__all__ = ["LOGIN_ATTEMPTS", "LoginGate", "gate_for", "login_delay", "may_retry_login"]

#: Challenge+login rounds at most, when a race is likely (a wrong key makes one).
LOGIN_ATTEMPTS: Final = 10
#: Seconds to wait for the machine-wide lock before logging in without it.
HOST_LOCK_WAIT: Final = 15.0
_POLL: Final = 0.005

_registry_lock = threading.Lock()
_gates: dict[tuple[str, str], LoginGate] = {}


class LoginGate:
    """One (URL, user)'s login turnstile: at most one challenge+login at a time on this host."""

    def __init__(self, url: str, username: str, lock_dir: str | None = None) -> None:
        digest = hashlib.sha256(f"{url}\0{username.lower()}".encode()).hexdigest()[:20]
        folder = lock_dir if lock_dir is not None else tempfile.gettempdir()
        self.path = os.path.join(folder, f"vtorm-login-{digest}.lock")
        self._lock = threading.Lock()
        self._proven: set[str] = set()

    @contextlib.contextmanager
    def held(self) -> Iterator[bool]:
        """Hold the gate; yields whether the machine-wide lock is held too."""
        with self._lock:
            handle = _lock_file(self.path, HOST_LOCK_WAIT)
            try:
                yield handle is not None
            finally:
                if handle is not None:
                    handle.close()  # closing the descriptor releases the flock

    def proven(self, access_key: Secret) -> bool:
        """Whether this key has logged in through this gate before."""
        return _fingerprint(access_key) in self._proven

    def prove(self, access_key: Secret) -> None:
        """Remember that this key is right (only a digest is kept)."""
        self._proven.add(_fingerprint(access_key))


def gate_for(url: str, username: str) -> LoginGate:
    """The process-wide gate of this (URL, user): every client of that user shares it."""
    key = (url, username.lower())
    with _registry_lock:
        gate = _gates.get(key)
        if gate is None:
            gate = _gates[key] = LoginGate(url, username)
        return gate


def may_retry_login(code: object, *, proven: bool, host_locked: bool, attempt: int) -> bool:
    """Whether a refused login (error `code`, 1-based `attempt`) is worth another round.

    >>> may_retry_login("INVALID_USER_CREDENTIALS", proven=False, host_locked=True, attempt=1)
    False
    >>> may_retry_login("INVALID_AUTH_TOKEN", proven=False, host_locked=True, attempt=1)
    True
    """
    if attempt >= LOGIN_ATTEMPTS:
        return False
    if code == ErrorCode.INVALID_AUTH_TOKEN:
        return True  # our fresh token is gone: another getchallenge deleted it
    if code != ErrorCode.INVALID_USER_CREDENTIALS:
        return False
    return proven or not host_locked


def login_delay(attempt: int, rng: random.Random, base: float = 0.05) -> float:
    """Seconds before login round `attempt + 1`: jittered, `base` doubling, capped at 20x.

    With the default 50 ms, ten rounds wait at most about 6.5 s in all (4 s on average), so
    contenders spread out and a key that stopped working still fails within seconds.

    >>> login_delay(1, random.Random(1), base=0.0)
    0.0
    """
    ceiling = min(20 * base, base * 2.0 ** max(attempt - 1, 0))
    return rng.uniform(ceiling / 4, ceiling)


def _fingerprint(access_key: Secret) -> str:
    return hashlib.sha256(b"vtorm-login-gate\0" + access_key.reveal().encode()).hexdigest()


def _lock_file(path: str, wait: float) -> IO[bytes] | None:
    """An exclusive advisory lock on `path`, or None (no fcntl, no access, timed out)."""
    if fcntl is None:
        return None
    try:
        # Read-only and never following a link: the file only carries the lock.
        fd = os.open(path, os.O_RDONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError:
        return None
    handle = os.fdopen(fd, "rb")
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return handle
        except OSError:
            if time.monotonic() >= deadline:
                handle.close()
                return None
            time.sleep(_POLL * (1 + random.random()))
