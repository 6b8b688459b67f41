"""The world every docs page's examples run in: a Vtiger with the demo CRM.

Each page gets its own fresh embedded server (so one page's creates and deletes never leak into
another), served over real HTTP on loopback and `vtorm.connect(...)`ed as the default client,
exactly as a reader would set it up. In live mode (tests/live.py) the pages share one real CRM,
emptied and seeded with the same demo records through the webservice once for the session (a
seed takes about a minute); the examples are written to hold on a CRM that earlier pages wrote
to. The namespace starts empty: examples import what they use.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vtorm
from tests.live import LIVE, seed_demo_over_webservice
from vtorm.emulator import Emulator, demo_data


@pytest.fixture(scope="session")
def live_demo_crm() -> None:
    """The real CRM emptied and seeded with the demo data set, once for all pages."""
    assert LIVE is not None
    LIVE.reset()
    with LIVE.client() as client:
        seed_demo_over_webservice(client)


@pytest.fixture
def docs_namespace(request: pytest.FixtureRequest) -> Iterator[dict[str, object]]:
    """A clean globals dict for one page, with the default client pointing at a demo CRM."""
    if LIVE is not None:
        request.getfixturevalue("live_demo_crm")
        with vtorm.connect(LIVE.url, LIVE.username, LIVE.access_key):
            yield {"__name__": "docs_example"}
        return
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
