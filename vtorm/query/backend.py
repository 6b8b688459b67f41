"""The few client operations the ORM needs, as a Protocol, and the default-client slot.

The ORM never imports the HTTP client: it talks to anything with these methods, so unit
tests pass a fake and `vtorm.Client` fits without knowing about the ORM. The slot is filled
from the other side: `vtorm.connect()` (in `vtorm.client.connection`) puts its client here,
and queries or saves given no client take it from here.

A backend may also have a `timezone` attribute (a `datetime.tzinfo`): the time zone the
server's datetimes are written in. `vtorm.Client` has one; a backend without it is UTC.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any, Protocol

from vtorm.errors import ConfigurationError

__all__ = [
    "Backend",
    "BackendWrapper",
    "current_backend",
    "default_backend",
    "restore_default_backend",
    "server_timezone",
    "set_default_backend",
]


class Backend(Protocol):
    """Raw wire operations: every record is a dict of wire names to wire values."""

    def query(self, vtql: str, /) -> list[dict[str, Any]]: ...

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]: ...

    def retrieve(self, id: str, /) -> dict[str, Any]: ...

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]: ...

    def delete(self, id: str, /) -> None: ...


def server_timezone(backend: object) -> dt.tzinfo:
    """The time zone of the server behind `backend`: its `timezone` attribute, else UTC."""
    zone = getattr(backend, "timezone", None)
    return zone if isinstance(zone, dt.tzinfo) else dt.timezone.utc


_lock = threading.Lock()
_default: Backend | None = None


class BackendWrapper:
    """A backend that passes every operation through to another one.

    The base of the per-save wrappers (the data-loss guard, the conflict check), which
    override the operations they watch; anything else (`user_id`, `login()`, `charset`, ...)
    is the wrapped client's own.
    """

    def __init__(self, backend: Backend) -> None:
        self.wrapped = backend

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        return self.wrapped.query(vtql)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        return self.wrapped.create(module, element)

    def retrieve(self, id: str, /) -> dict[str, Any]:
        return self.wrapped.retrieve(id)

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        return self.wrapped.revise(element)

    def delete(self, id: str, /) -> None:
        self.wrapped.delete(id)


def current_backend() -> Backend | None:
    """The process-wide default client, or None when there is none (no error to build)."""
    return _default


def default_backend() -> Backend:
    """The process-wide default client; `ConfigurationError` says how to set one."""
    backend = _default
    if backend is None:
        raise ConfigurationError(
            "No Vtiger connection: call vtorm.connect(url, username, access_key) first, "
            "or set VTIGER_URL, VTIGER_USERNAME and VTIGER_ACCESS_KEY and call vtorm.connect()"
        )
    return backend


def set_default_backend(backend: Backend | None) -> Backend | None:
    """Make `backend` the default (None clears it); returns the previous default."""
    global _default
    with _lock:
        previous, _default = _default, backend
    return previous


def restore_default_backend(current: Backend, previous: Backend | None) -> None:
    """Put `previous` back as the default if `current` still is the default.

    How a `with vtorm.connect()` block ends without undoing a default set meanwhile.
    """
    global _default
    with _lock:
        if _default is current:
            _default = previous
