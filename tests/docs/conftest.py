"""The world every docs page's examples run in: a fresh embedded Vtiger with the demo CRM.

Each page gets its own server (so one page's creates and deletes never leak into another),
served over real HTTP on loopback and `vtorm.connect(...)`ed as the default client, exactly as
a reader would set it up. The namespace starts empty: examples import what they use.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vtorm
from vtorm.emulator import Emulator, demo_data


@pytest.fixture
def docs_namespace() -> Iterator[dict[str, object]]:
    """A clean globals dict for one page, with the default client pointing at a demo CRM."""
    emulator = Emulator()
    demo_data.seed_demo(emulator.backend)
    try:
        with (
            emulator.serve() as server,
            vtorm.connect(server.url, server.username, server.access_key),
        ):
            yield {"__name__": "docs_example"}
    finally:
        emulator.close()
