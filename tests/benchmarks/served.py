"""The embedded server, seeded and served over loopback HTTP, and the raw-loop baseline.

The baseline is what a careful hand-written client does: a `requests.Session` sending the
exact requests vtorm sent (captured from the emulator's request log) and `json.loads` of
each answer, so every ratio isolates vtorm's own overhead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from tests.benchmarks.seeding import seed_contacts
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.emulator.server import RunningServer
from vtorm.wire import POST_OPERATIONS

Request = tuple[str, dict[str, str]]


@dataclass
class Served:
    """A seeded emulator, its HTTP server and a logged-in vtorm client."""

    emulator: Emulator
    server: RunningServer
    client: Client
    contacts: int


@contextmanager
def served(contacts: int) -> Iterator[Served]:
    """An emulator with `contacts` Contacts, served on a free loopback port."""
    emulator = Emulator()
    seed_contacts(emulator, contacts)
    with emulator.serve() as server:
        client = Client(server.url, server.username, server.access_key, retries=0)
        client.login()
        try:
            yield Served(emulator, server, client, contacts)
        finally:
            client.close()
            emulator.close()


def captured(emulator: Emulator, action: Any) -> list[Request]:
    """The requests `action()` made, as (method, parameters), in the order served."""
    emulator.clear_request_log()
    action()
    return [
        ("POST" if r.operation in POST_OPERATIONS else "GET", dict(r.params))
        for r in emulator.request_log
    ]


def replay(session: requests.Session, url: str, sequence: list[Request]) -> list[dict[str, Any]]:
    """The raw loop: send each request, parse the answer, collect the result rows."""
    rows: list[dict[str, Any]] = []
    for method, params in sequence:
        if method == "GET":
            response = session.get(url, params=params, timeout=30)
        else:
            response = session.post(url, data=params, timeout=30)
        result = json.loads(response.content)["result"]
        if isinstance(result, list):
            rows.extend(result)
    return rows
