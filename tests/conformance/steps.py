"""What the conformance replay sends, and what the real server answered to it.

A `Step` is one request of the capture, in capture order. Steps with a `case_id` are compared
with the real answer; the others (the 125 bulk leads, the temporary account, logins) only set
up the state the later cases saw, and feed the capture-id -> emulator-id map.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The capture directory: `../shared/vtiger-reference` next to the repository root.
REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "vtiger-reference"

SESSION = "<session>"


@dataclass(frozen=True)
class Expected:
    """The real server's answer: status, and the JSON body (None when it was not JSON)."""

    http_status: int
    body: Any
    text: str | None = None  # the raw body when it was not JSON (usually "")

    @classmethod
    def from_capture(cls, response: Any, http_status: int | None = None) -> Expected:
        """Read the capture's `response` (`{"_non_json_body": ...}` marks a non-JSON body)."""
        if isinstance(response, dict) and "_non_json_body" in response:
            status = http_status or int(response.get("_http_status", 500))
            return cls(status, None, str(response["_non_json_body"]))
        return cls(http_status or 200, response)

    def result(self) -> Any:
        """The `result` of a success envelope, else None."""
        if isinstance(self.body, dict) and self.body.get("success") is True:
            return self.body.get("result")
        return None


@dataclass(frozen=True)
class Step:
    """One request to replay.

    `at` is the capture-clock time (Unix seconds) the request happened at, when known: the
    replay sets the emulator's clock to it so timestamps, sync windows and token expiry line
    up with the capture. `session` names which session replaces `<session>` ("current", or
    "previous" for the cases that reuse a session after logout).
    """

    method: str
    params: dict[str, str]
    expected: Expected | None = None
    file: str | None = None
    case_id: str | None = None
    at: int | None = None
    session: str = "current"
    login_before: bool = False
    row_count: int | None = None
    tags: tuple[str, ...] = field(default=())

    @property
    def operation(self) -> str:
        return self.params.get("operation", "").lower()


def load(relative: str) -> Any:
    """A capture file, parsed."""
    return json.loads((REFERENCE / relative).read_text("utf-8"))


def call(method: str, **params: Any) -> dict[str, str]:
    """Request parameters as strings (JSON-encode dicts and lists as the capture client did)."""
    out: dict[str, str] = {}
    for key, value in params.items():
        out[key] = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return out


def captured_request(request: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The method and parameters of a capture's `request` object."""
    return str(request["method"]).upper(), {k: str(v) for k, v in request["params"].items()}
