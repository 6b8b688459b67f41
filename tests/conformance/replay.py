"""Replaying the capture against a served emulator, over real HTTP, with plain `requests`.

The emulator's clock is driven by the replay (`CaptureClock`): each step that the capture dates
(a create's `createdtime`, an update's new `modifiedtime`, the challenge's `serverTime`) moves it,
so sync windows, `lastModifiedTime` and token lifetimes behave as they did on the real server.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import requests

from tests.conformance.normalise import IdMap
from tests.conformance.script import COMPUTED_KEY
from tests.conformance.steps import SESSION, Expected, Step, call
from vtorm.emulator import Emulator
from vtorm.emulator.schema import Schema

ACCESS_KEY = "ConformanceKey0123456789"


class CaptureClock:
    """A settable clock (Unix seconds) standing in for the real server's."""

    def __init__(self, now: float = 0.0) -> None:
        self._now = now
        self._lock = threading.Lock()

    def set(self, now: float) -> None:
        with self._lock:
            self._now = now

    def __call__(self) -> float:
        with self._lock:
            return self._now


@dataclass(frozen=True)
class Outcome:
    """What the emulator answered to one compared step, next to the (id-translated) capture."""

    step: Step
    expected: Expected
    status: int
    text: str
    body: Any


def make_emulator(schema: Schema, clock: CaptureClock) -> Emulator:
    """An emulator for the replay, running on the capture's clock."""
    # the capture's server answered an individual-tax create with HTTP 500 (inventory.json)
    return Emulator(schema, access_key=ACCESS_KEY, clock=clock, individual_tax_crash=True)


class Replay:
    """Runs steps in order against `url`, keeping sessions and the id map."""

    def __init__(self, url: str, clock: CaptureClock) -> None:
        self.url = url
        self.clock = clock
        self.ids = IdMap()
        self.http = requests.Session()
        self.http.trust_env = False  # loopback: no proxy lookups in the environment per request
        self.session = ""
        self.token = ""

    def run(self, steps: Iterable[Step]) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        for step in steps:
            if step.at is not None:
                self.clock.set(step.at)
            if step.login_before:
                self.login()
            outcome = self.send(step)
            if outcome is not None and step.case_id is not None:
                outcomes[step.case_id] = outcome
        return outcomes

    def login(self) -> None:
        """A fresh admin session (not compared)."""
        self.send(Step("GET", call("GET", operation="getchallenge", username="admin")))
        login = call("POST", operation="login", username="admin", accessKey=COMPUTED_KEY)
        self.send(Step("POST", login))

    def send(self, step: Step) -> Outcome | None:
        params = {k: self._param(k, v) for k, v in step.params.items()}
        if step.method == "GET":
            response = self.http.get(self.url, params=params, timeout=30)
        else:
            response = self.http.post(self.url, data=params, timeout=30)
        text = response.text
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = None
        self._remember(step, body)
        if step.expected is None:
            return None
        expected = Expected(
            step.expected.http_status, self.ids.value(step.expected.body), step.expected.text
        )
        return Outcome(step, expected, response.status_code, text, body)

    def _param(self, key: str, value: str) -> str:
        if value == SESSION:
            return self.session
        if key == "accessKey" and value == COMPUTED_KEY:
            return hashlib.md5((self.token + ACCESS_KEY).encode()).hexdigest()
        return self.ids.text(value)

    def _remember(self, step: Step, body: Any) -> None:
        """Keep the token and session, and learn the ids this step created."""
        result = body.get("result") if isinstance(body, dict) and body.get("success") else None
        if not isinstance(result, dict):
            return
        if step.operation == "getchallenge":
            self.token = str(result.get("token", ""))
        elif step.operation == "login" and result.get("sessionName"):
            self.session = str(result["sessionName"])
        expected = step.expected.result() if step.expected else None
        if not isinstance(expected, dict):
            return
        if step.operation in ("create", "revise"):
            self.ids.learn(expected.get("id"), result.get("id"))
            self._learn_line_items(expected.get("LineItems"), result.get("LineItems"))
        elif step.operation == "convertlead":
            for module, capture_id in expected.items():
                self.ids.learn(capture_id, result.get(module))

    def _learn_line_items(self, expected: Any, actual: Any) -> None:
        """Line-item ids (`33x7`) pair up by position, like the records that own them."""
        if isinstance(expected, list) and isinstance(actual, list):
            for want, got in zip(expected, actual, strict=False):
                if isinstance(want, dict) and isinstance(got, dict):
                    self.ids.learn(want.get("id"), got.get("id"))
