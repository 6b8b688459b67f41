"""pytest fixtures for testing code that talks to Vtiger, registered through `pytest11`.

`vtiger_server` serves a fresh, empty embedded Vtiger over real HTTP on a free loopback port
(`.url`, `.username`, `.access_key`, and `.emulator` for seeding or counting requests);
`vtiger_client` is a logged-in `vtorm.Client` for it::

    def test_create(vtiger_client):
        account = vtiger_client.create("Accounts", {"accountname": "Acme",
                                                    "assigned_user_id": "19x1"})
        assert account["account_no"] == "ACC1"

Imports happen inside the fixtures, so merely installing vtorm costs pytest nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from vtorm.client import Client
    from vtorm.emulator.server import RunningServer

__all__ = ["vtiger_client", "vtiger_server"]


@pytest.fixture
def vtiger_server() -> Iterator[RunningServer]:
    """A fresh, empty emulated Vtiger 8.0 served over HTTP for one test."""
    from vtorm.emulator import Emulator

    emulator = Emulator()
    with emulator.serve() as server:
        yield server
    emulator.close()


@pytest.fixture
def vtiger_client(vtiger_server: RunningServer) -> Iterator[Client]:
    """A `vtorm.Client` logged into `vtiger_server`."""
    from vtorm.client import Client

    client = Client(vtiger_server.url, vtiger_server.username, vtiger_server.access_key)
    client.login()
    try:
        yield client
    finally:
        client.close()
