"""Comparing an emulator answer with the real server's, minus what cannot be equal.

What differs legitimately between two servers replaying the same requests:
- ids: the capture's ids are translated to the emulator's through `IdMap` (built from the
  create answers), so references are still checked, not just ignored;
- record numbers (`ACC3`): only their prefix is compared;
- timestamps (`createdtime`, `modifiedtime`, challenge times): only their format;
- secrets and per-login values: session names, the challenge token, the Users record's
  access key and password hashes (redacted in the capture).
Everything else (HTTP status, success flag, error code and message, row count, row order,
every value) must be equal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tests.conformance.steps import Expected

ID_PATTERN = re.compile(r"(?<![\w.])(\d+)x(\d+)(?![\w.])")
WHOLE_ID = re.compile(r"\d+x\d+")
RECORD_NUMBER = re.compile(r"([A-Z]+)(\d+)")
DATETIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")

UNMAPPED = "x<unmapped>"
TIMESTAMP_FIELDS = frozenset({"createdtime", "modifiedtime"})
EPOCH_FIELDS = frozenset({"serverTime", "expireTime"})
REDACTED = {
    "sessionName": "<session>",
    "token": "<token>",
    "accesskey": "<redacted-accesskey>",
    "user_password": "<redacted-password-hash>",
    "confirm_password": "<redacted-password-hash>",
}


class IdMap:
    """Capture ids -> emulator ids, learnt from the create answers as the replay goes."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}

    def learn(self, capture_id: Any, emulator_id: Any) -> None:
        if (
            isinstance(capture_id, str)
            and isinstance(emulator_id, str)
            and WHOLE_ID.fullmatch(capture_id)
            and WHOLE_ID.fullmatch(emulator_id)
        ):
            self._ids[capture_id] = emulator_id

    def text(self, text: str) -> str:
        """`text` with every known capture id replaced (request parameters, JSON, queries)."""
        return ID_PATTERN.sub(lambda m: self._ids.get(m.group(0), m.group(0)), text)

    def value(self, value: Any) -> Any:
        """A JSON value with every capture id translated; ids never learnt keep only their prefix.

        An id the replay could not learn (a record created by a request that failed on the real
        server, a user) becomes `<prefix>x<unmapped>`, which any emulator id of that prefix equals.
        """
        if isinstance(value, str):
            if value in self._ids:
                return self._ids[value]
            if WHOLE_ID.fullmatch(value):
                return value.partition("x")[0] + UNMAPPED
            return value
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self._ids.get(k, k): self.value(v) for k, v in value.items()}
        return value


def normalise(value: Any, key: str | None = None) -> Any:
    """`value` with the legitimately different parts replaced by stable placeholders."""
    if isinstance(value, dict):
        return {k: normalise(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v, key) for v in value]
    if key in REDACTED and isinstance(value, str) and value:
        return REDACTED[key]
    if key in TIMESTAMP_FIELDS and isinstance(value, str) and DATETIME.fullmatch(value):
        return "<datetime>"
    if key in EPOCH_FIELDS and isinstance(value, int):
        return "<epoch>"
    if key and key.endswith("_no") and isinstance(value, str):
        match = RECORD_NUMBER.fullmatch(value)
        if match:
            return f"{match.group(1)}<n>"
    return value


def differences(
    expected: Expected, status: int, text: str, body: Any, row_count: int | None = None
) -> list[str]:
    """Every way the emulator's answer (`status`, `text`, parsed `body`) differs from the capture.

    `expected` must already have its ids translated.
    """
    problems: list[str] = []
    if status != expected.http_status:
        problems.append(f"HTTP status {status}, expected {expected.http_status}")
    if expected.body is None:
        if text != expected.text:
            problems.append(f"body {text[:200]!r}, expected the non-JSON body {expected.text!r}")
        return problems
    if body is None:
        problems.append(f"body is not JSON: {text[:200]!r}")
        return problems
    if row_count is not None:
        result = body.get("result") if isinstance(body, dict) else None
        if not isinstance(result, list) or len(result) != row_count:
            got = len(result) if isinstance(result, list) else result
            problems.append(f"row count {got}, expected {row_count}")
    problems += _diff(normalise(expected.body), normalise(body), "$")
    return problems


def _diff(expected: Any, actual: Any, path: str, limit: int = 12) -> list[str]:
    """Human-readable differences between two JSON values (at most `limit`)."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        out: list[str] = []
        for key in expected:
            if key not in actual:
                out.append(f"{path}.{key}: missing (expected {_short(expected[key])})")
            else:
                out += _diff(expected[key], actual[key], f"{path}.{key}", limit)
        out += [
            f"{path}.{key}: unexpected key ({_short(actual[key])})"
            for key in actual
            if key not in expected
        ]
        return out[:limit]
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            head = f"{path}: {len(actual)} items, expected {len(expected)}"
            common = _diff(expected[: len(actual)], actual[: len(expected)], path, limit)
            return [head, *common][:limit]
        out = []
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out += _diff(e, a, f"{path}[{index}]", limit)
            if len(out) >= limit:
                break
        return out[:limit]
    if _same_unmapped_id(expected, actual):
        return []
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: {_short(actual)}, expected {_short(expected)}"]
    return []


def _same_unmapped_id(expected: Any, actual: Any) -> bool:
    """An id the replay could not learn matches any emulator id with the same prefix."""
    if not (isinstance(expected, str) and isinstance(actual, str)):
        return False
    if not expected.endswith(UNMAPPED) or not WHOLE_ID.fullmatch(actual):
        return False
    return actual.partition("x")[0] == expected[: -len(UNMAPPED)]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."
