"""Fixtures that speak the raw wire protocol (requests, not vtorm.Client) to a served emulator."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from vtorm.emulator import Emulator
from vtorm.emulator.server import RunningServer

ACCESS_KEY = "TestAccessKey123"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "vtiger-reference"


class Wire:
    """Raw webservice calls: GET for GET operations, form POST for POST ones."""

    def __init__(self, url: str, http: requests.Session) -> None:
        self.url = url
        self.http = http
        http.trust_env = False  # loopback: no proxy lookups in the environment per request
        self.session_name = ""

    def get(self, **params: str) -> requests.Response:
        return self.http.get(self.url, params=params, timeout=10)

    def post(self, **params: str) -> requests.Response:
        return self.http.post(self.url, data=params, timeout=10)

    def login(self, username: str = "admin", access_key: str = ACCESS_KEY) -> dict[str, Any]:
        token = self.get(operation="getchallenge", username=username).json()["result"]["token"]
        digest = hashlib.md5((token + access_key).encode()).hexdigest()
        answer = self.post(operation="login", username=username, accessKey=digest).json()
        self.session_name = answer["result"]["sessionName"]
        return dict(answer["result"])

    def op_get(self, operation: str, **params: str) -> Any:
        return self.get(operation=operation, sessionName=self.session_name, **params).json()

    def op_post(self, operation: str, **params: str) -> Any:
        return self.post(operation=operation, sessionName=self.session_name, **params).json()

    def create(self, module: str, element: dict[str, Any]) -> Any:
        return self.op_post("create", elementType=module, element=json.dumps(element))

    def result(self, envelope: Any) -> Any:
        assert envelope["success"] is True, envelope
        return envelope["result"]


def refused(arguments: list[str]) -> tuple[int | None, str]:
    """`vtorm ARGUMENTS` run in this process, for commands that must refuse before serving:
    (exit code, stderr). Cheaper than a fresh interpreter (0.3 s each); it runs in a thread,
    so a regression that starts serving fails here after 10 s instead of hanging the run."""
    from vtorm.cli import main

    outcome: list[int] = []
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors):
        runner = threading.Thread(target=lambda: outcome.append(main(arguments)), daemon=True)
        runner.start()
        runner.join(timeout=10)
    assert not runner.is_alive(), f"vtorm {' '.join(arguments)} did not refuse: it is serving"
    return (outcome[0] if outcome else None), errors.getvalue()


def error_of(envelope: Any) -> tuple[object, str]:
    """(code, message) of a failure envelope."""
    assert envelope["success"] is False, envelope
    return envelope["error"]["code"], envelope["error"]["message"]


@pytest.fixture
def emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A fresh emulator; indirect parametrization passes constructor options."""
    options: dict[str, Any] = getattr(request, "param", {})
    emu = Emulator(access_key=ACCESS_KEY, **options)
    yield emu
    emu.close()


@pytest.fixture
def server(emulator: Emulator) -> Iterator[RunningServer]:
    with emulator.serve() as running:
        yield running


@pytest.fixture
def wire(server: RunningServer) -> Iterator[Wire]:
    with requests.Session() as http:
        yield Wire(server.url, http)


@pytest.fixture
def admin(wire: Wire) -> Wire:
    """A wire helper already logged in as admin."""
    wire.login()
    return wire
