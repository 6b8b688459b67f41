"""The process-wide default client that model managers use when given none.

    with vtorm.connect():          # VTIGER_URL, VTIGER_USERNAME, VTIGER_ACCESS_KEY
        Contact.objects.filter(lastname="Smith")

Leaving the `with` block logs out and puts back the previous default.

The default lives in the ORM's slot (`vtorm.query.backend`), so the ORM finds it without
importing this module or anything else of the HTTP client.
"""

from __future__ import annotations

import os
from typing import Any

from vtorm.client import Client
from vtorm.errors import ConfigurationError
from vtorm.query.backend import (
    default_backend,
    restore_default_backend,
    set_default_backend,
)

__all__ = ["connect", "get_default_client", "set_default_client"]


def connect(
    url: str | None = None,
    username: str | None = None,
    access_key: str | None = None,
    **options: Any,
) -> Client:
    """Create a client and make it the default; arguments left out come from VTIGER_URL,
    VTIGER_USERNAME and VTIGER_ACCESS_KEY. Use it as a context manager to log out on exit.

    `options` are `Client`'s keyword arguments (timeout, verify, retries, session, backoff,
    timezone).
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
    previous = set_default_backend(client)  # whatever it was, put back on close
    client._on_close.append(lambda: restore_default_backend(client, previous))
    return client


def get_default_client() -> Client:
    """The client managers use when they are given none."""
    client = default_backend()  # raises ConfigurationError, saying how to connect
    if not isinstance(client, Client):
        raise ConfigurationError(
            f"the default backend is a {type(client).__name__}, not a vtorm.Client "
            "(set through vtorm.query.backend.set_default_backend)"
        )
    return client


def set_default_client(client: Client | None) -> Client | None:
    """Make `client` the default (None clears it); returns the previous default."""
    if client is not None and not isinstance(client, Client):
        raise ConfigurationError(f"the default client must be a vtorm.Client, not {client!r}")
    previous = set_default_backend(client)
    return previous if isinstance(previous, Client) else None


def _from_env(variable: str, argument: str) -> str:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConfigurationError(f"Pass {argument}= to vtorm.connect() or set {variable}")
    return value
