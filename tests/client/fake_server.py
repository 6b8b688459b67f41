"""A tiny scripted Vtiger for client unit tests: real login, scripted answers for the rest.

It speaks the wire protocol (GET query string / POST form, JSON envelopes) but keeps no
records: each test queues the answers it needs, and inspects the requests it received.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import requests

from vtorm.client import Client
from vtorm.client.wsgi import WSGIAdapter

ACCESS_KEY = "s3cr3tAccessKey"
BASE_URL = "http://vtiger.test"

StartResponse = Callable[..., Any]
Answer = tuple[str, list[tuple[str, str]], bytes] | type[ConnectionError]


def envelope(result: Any) -> Answer:
    return _json({"success": True, "result": result})


def failure(code: str | int, message: str = "failed") -> Answer:
    return _json({"success": False, "error": {"message": message, "code": code}})


def http(status: str, body: bytes = b"") -> Answer:
    return (status, [("Content-Type", "text/html")], body)


DROP: Answer = ConnectionResetError


def _json(value: Any) -> Answer:
    body = json.dumps(value).encode()
    return ("200 OK", [("Content-Type", "application/json")], body)


@dataclass
class Seen:
    method: str
    operation: str
    query: dict[str, str]
    form: dict[str, str]

    @property
    def params(self) -> dict[str, str]:
        return {**self.query, **self.form}


@dataclass
class FakeVtiger:
    """Answers getchallenge/login for real; other operations pop `script[operation]`."""

    access_key: str = ACCESS_KEY
    script: dict[str, deque[Answer]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    dead_sessions: set[str] = field(default_factory=set)
    token: str = ""
    challenges: int = 0

    def queue(self, operation: str, *answers: Answer) -> None:
        self.script.setdefault(operation, deque()).extend(answers)

    def ops(self) -> list[str]:
        return [request.operation for request in self.seen]

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        query = _flat(parse_qs(environ["QUERY_STRING"], keep_blank_values=True))
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        form = _flat(parse_qs(body.decode(), keep_blank_values=True))
        operation = {**query, **form}.get("operation", "")
        request = Seen(environ["REQUEST_METHOD"], operation, query, form)
        self.seen.append(request)
        answer = self._answer(request)
        if isinstance(answer, type):
            raise answer("dropped")
        status, headers, content = answer
        start_response(status, headers)
        return [content]

    def _answer(self, request: Seen) -> Answer:
        if request.params.get("sessionName") in self.dead_sessions:
            return failure("INVALID_SESSIONID", "Session Identifier provided is Invalid")
        queued = self.script.get(request.operation)
        if queued:
            return queued.popleft()
        if request.operation == "getchallenge":
            self.challenges += 1
            self.token = f"5f2a0c1e3b{self.challenges:03d}"
            return envelope({"token": self.token, "serverTime": 1, "expireTime": 301})
        if request.operation == "login":
            return self._login(request)
        if request.operation in ("query", "query_related", "retrieve_related"):
            return envelope([])
        return envelope({"operation": request.operation})

    def _login(self, request: Seen) -> Answer:
        expected = hashlib.md5(f"{self.token}{self.access_key}".encode()).hexdigest()
        if request.form.get("accessKey") != expected:
            return failure("INVALID_USER_CREDENTIALS", "Invalid username or password")
        session = f"sess{len(self.sessions)}abcdef0123"
        self.sessions.append(session)
        return envelope(
            {"sessionName": session, "userId": "19x1", "version": "0.22", "vtigerVersion": "8.0.0"}
        )


def _flat(values: dict[str, list[str]]) -> dict[str, str]:
    return {key: items[-1] for key, items in values.items()}


def make_client(fake: FakeVtiger, **options: Any) -> Client:
    session = requests.Session()
    session.mount(f"{BASE_URL}/", WSGIAdapter(fake))
    options.setdefault("backoff", 0)
    return Client(BASE_URL, "admin", fake.access_key, session=session, **options)
