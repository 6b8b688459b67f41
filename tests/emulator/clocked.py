"""A served emulator whose clock the test sets, for the extra-operation tests (sync, relations)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.emulator.conftest import ACCESS_KEY, Wire
from vtorm.emulator import Emulator

#: 2026-11-28 01:51:58 UTC, when the reference capture created its records.
START = 1795830718


class Clock:
    """A settable stand-in for `time.time`."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Api(Wire):
    """Wire plus the shortcuts these tests use."""

    clock: Clock
    emulator: Emulator

    def ok(self, envelope: Any) -> Any:
        return self.result(envelope)

    def new(self, module: str, **values: Any) -> str:
        """Create a record (owner admin unless given) and return its id."""
        values.setdefault("assigned_user_id", "19x1")
        return str(self.ok(self.create(module, values))["id"])

    def revise(self, **element: Any) -> Any:
        return self.op_post("revise", element=json.dumps(element))

    def sync(self, modified_time: str, element_type: str | None = "Accounts") -> requests.Response:
        params = {"modifiedTime": modified_time}
        if element_type is not None:
            params["elementType"] = element_type
        return self.get(operation="sync", sessionName=self.session_name, **params)


@pytest.fixture(name="api")
def api_fixture() -> Iterator[Api]:
    """A logged-in raw-protocol client of a fresh emulator with a settable clock."""
    clock = Clock()
    emulator = Emulator(access_key=ACCESS_KEY, clock=clock)
    with emulator.serve() as server, requests.Session() as http:
        client = Api(server.url, http)
        client.clock = clock
        client.emulator = emulator
        client.login()
        yield client
    emulator.close()
