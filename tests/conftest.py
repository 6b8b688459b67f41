"""Fixtures shared by the test packages that run the ORM against the embedded server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.inprocess import make_client
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh, empty embedded server."""
    server = Emulator()
    yield server
    server.close()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[Client]:
    """A client of `emulator`, reached in-process."""
    with make_client(emulator) as connected:
        yield connected
