"""The embedded server reached in-process through the WSGI adapter: no sockets, no threads."""

from __future__ import annotations

from vtorm.client import Client
from vtorm.client.wsgi import wsgi_session
from vtorm.emulator import Emulator

BASE_URL = "http://vtiger.test"


def make_client(emulator: Emulator, *, retries: int = 0) -> Client:
    """A client of `emulator` with its own session, as a second user process would have."""
    session = wsgi_session(emulator.wsgi_app, BASE_URL)
    return Client(
        BASE_URL, emulator.username, emulator.access_key, session=session, retries=retries,
        timezone=emulator.timezone,
    )  # fmt: skip
