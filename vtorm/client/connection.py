"""The process-wide default client that model managers use when given none.

    with vtorm.connect():          # VTIGER_URL, VTIGER_USERNAME, VTIGER_ACCESS_KEY
        Contact.objects.filter(lastname="Smith")

Leaving the `with` block logs out and puts back the previous default.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from vtorm.client import Client
from vtorm.errors import ConfigurationError

__all__ = ["connect", "get_default_client", "set_default_client"]

_lock = threading.Lock()
_default: Client | None = None


def connect(
    url: str | None = None,
    username: str | None = None,
    access_key: str | None = None,
    **options: Any,
) -> Client:
    """Create a client and make it the default; arguments left out come from VTIGER_URL,
    VTIGER_USERNAME and VTIGER_ACCESS_KEY. Use it as a context manager to log out on exit.

    `options` are `Client`'s keyword arguments (timeout, verify, retries, session, backoff).
    """
    if url is None and username is None and access_key is None:
        client = Client.from_env(**options)
    else:
        client = Client(
            url if url is not None else _from_env("VTIGER_URL", "url"),
            username if username is not None else _from_env("VTIGER_USERNAME", "username"),
            access_key if access_key is not None else _from_env("VTIGER_ACCESS_KEY", "access_key"),
            **options,
        )
    previous = set_default_client(client)
    client._on_close.append(lambda: _restore(client, previous))
    return client


def get_default_client() -> Client:
    """The client managers use when they are given none."""
    client = _default
    if client is None:
        raise ConfigurationError(
            "No Vtiger connection: call vtorm.connect(url, username, access_key) first, "
            "or set VTIGER_URL, VTIGER_USERNAME and VTIGER_ACCESS_KEY and call vtorm.connect()"
        )
    return client


def set_default_client(client: Client | None) -> Client | None:
    """Make `client` the default (None clears it); returns the previous default."""
    global _default
    if client is not None and not isinstance(client, Client):
        raise ConfigurationError(f"the default client must be a vtorm.Client, not {client!r}")
    with _lock:
        previous, _default = _default, client
    return previous


def _restore(closing: Client, previous: Client | None) -> None:
    """Put back the previous default if `closing` is still the default."""
    global _default
    with _lock:
        if _default is closing:
            _default = previous


def _from_env(variable: str, argument: str) -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConfigurationError(f"Pass {argument}= to vtorm.connect() or set {variable}")
    return value
