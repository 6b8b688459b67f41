"""Fixtures for relation tests: the embedded server reached in-process (no sockets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.orm.conftest import make_client
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    server = Emulator()
    yield server
    server.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    with make_client(emulator) as connected:
        yield connected


def operations(emulator: Emulator, name: str) -> int:
    """How many `name` operations the server has answered so far."""
    return sum(1 for record in emulator.request_log if record.operation == name)
