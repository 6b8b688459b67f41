"""The embedded server, seeded and served over loopback HTTP, and the raw-loop baseline.

The baseline is what a careful hand-written client does: a `requests.Session` sending the
exact requests vtorm sent (captured from the emulator's request log) and `json.loads` of
each answer, so every ratio isolates vtorm's own overhead.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
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


@contextmanager
def server_process(contacts: int, latency: float = 0.0) -> Iterator[dict[str, str]]:
    """A seeded emulator in its own process: yields its url, username and access_key."""
    command = [sys.executable, "-m", "tests.benchmarks.server_process", str(contacts)]
    process = subprocess.Popen(
        [*command, str(latency)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        info: dict[str, str] = json.loads(process.stdout.readline())
        yield info
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def raw_login(session: requests.Session, info: dict[str, str]) -> str:
    """The hand-written login (getchallenge, then md5(token + key)): the session name."""
    url, username = info["url"], info["username"]
    challenge = session.get(url, params={"operation": "getchallenge", "username": username})
    token = challenge.json()["result"]["token"]
    digest = hashlib.md5((token + info["access_key"]).encode()).hexdigest()
    answer = session.post(
        url, data={"operation": "login", "username": username, "accessKey": digest}
    )
    return str(answer.json()["result"]["sessionName"])


def with_session(sequence: list[Request], session_name: str) -> list[Request]:
    """The same requests under another session."""
    return [(method, {**params, "sessionName": session_name}) for method, params in sequence]
