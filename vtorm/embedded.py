"""A client of a fresh embedded server in this process: what the `--demo` commands talk to.

It joins the emulator and the HTTP client, so it sits with the entry points: codegen never
imports the emulator, it is handed this (by `vtorm generate --demo`) and reads the server's
schema over the webservice like any CRM's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from vtorm.client import Client
from vtorm.client.wsgi import wsgi_session
from vtorm.emulator import Emulator

__all__ = ["EMBEDDED_URL", "embedded_client"]

#: The made-up address the in-process embedded server answers on.
EMBEDDED_URL = "http://vtorm-demo.invalid"


@contextmanager
def embedded_client() -> Iterator[Client]:
    """A logged-in-on-demand client of a new, empty embedded Vtiger (WSGI, no socket)."""
    emulator = Emulator()
    session = wsgi_session(emulator.wsgi_app, EMBEDDED_URL)
    try:
        with Client(
            EMBEDDED_URL, emulator.username, emulator.access_key, session=session
        ) as client:
            yield client
    finally:
        emulator.close()
