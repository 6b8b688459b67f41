"""Helpers for ORM tests against the embedded server (fixtures: tests/conftest.py)."""

from __future__ import annotations

from tests.inprocess import make_client
from vtorm.emulator import Emulator

__all__ = ["make_client", "query_requests"]


def query_requests(emulator: Emulator) -> int:
    """How many `query` operations the server has answered so far."""
    return sum(1 for record in emulator.request_log if record.operation == "query")
