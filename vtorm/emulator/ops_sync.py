"""The `sync` operation (see `sync.py` for the algorithm and its documented choices)."""

from __future__ import annotations

from vtorm.emulator.operations import Call, operation
from vtorm.emulator.sync import sync_changes


@operation("sync", "GET", ("modifiedTime", "elementType"))
def sync(call: Call) -> object:
    return sync_changes(
        call.backend, call.str("modifiedTime"), call.str("elementType"), call.user()
    )
