"""Fixtures for ORM tests against the embedded server, reached in-process (no sockets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.wsgi_adapter import WSGIAdapter

BASE_URL = "http://vtiger.test"


def make_client(emulator: Emulator) -> Client:
    """A client of `emulator` with its own session, as a second user process would have."""
    session = requests.Session()
    session.mount(f"{BASE_URL}/", WSGIAdapter(emulator.wsgi_app))
    return Client(BASE_URL, emulator.username, emulator.access_key, session=session, retries=0)


def query_requests(emulator: Emulator) -> int:
    """How many `query` operations the server has answered so far."""
    return sum(1 for record in emulator.request_log if record.operation == "query")


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    server = Emulator()
    yield server
    server.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    with make_client(emulator) as connected:
        yield connected
