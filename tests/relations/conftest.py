"""Fixtures for relation tests: the embedded server reached in-process (no sockets)."""

from __future__ import annotations

from vtorm.emulator import Emulator


def operations(emulator: Emulator, name: str) -> int:
    """How many `name` operations the server has answered so far."""
    return sum(1 for record in emulator.request_log if record.operation == name)
