"""Fixtures shared by the test packages that run the ORM against a server.

That server is the embedded one, or in live mode (tests/live.py: the VTORM_LIVE_* variables)
a real Vtiger, emptied once per module. Tests marked `embedded_only` are skipped in live mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.inprocess import make_client
from tests.live import LIVE, LiveServer, require_embedded
from vtorm.client import Client
from vtorm.emulator import Emulator

TESTS = Path(__file__).resolve().parent
# Whole packages that test the embedded server itself (their owners keep them unmarked).
EMBEDDED_ONLY_PACKAGES = {
    TESTS / "emulator": "tests the embedded server's own code (storage, VTQL parser, faults)",
    TESTS / "conformance": "replays the real server's captures against the embedded server",
}


def pytest_report_header(config: pytest.Config) -> str:
    """Say which server the run tests, so a live run is never mistaken for an embedded one."""
    if LIVE is None:
        return "vtorm server: embedded (set VTORM_LIVE_* for a real Vtiger)"
    return f"vtorm server: LIVE {LIVE.url} as {LIVE.username} (reset: {LIVE.reset_command})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In live mode, skip what only the embedded server can do, with the reason given."""
    if LIVE is None:
        return
    for item in items:
        reason = _embedded_only_reason(item)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"embedded only: {reason}"))


def _embedded_only_reason(item: pytest.Item) -> str | None:
    """Why `item` cannot run live (its `embedded_only` mark or its package), or None."""
    marker = item.get_closest_marker("embedded_only")
    if marker is not None:
        return str(marker.kwargs.get("reason") or (marker.args[0] if marker.args else "?"))
    path = Path(str(item.path)).resolve()
    for package, reason in EMBEDDED_ONLY_PACKAGES.items():
        if path.is_relative_to(package):
            return reason
    return None


@pytest.fixture(scope="module")
def live_crm() -> LiveServer:
    """The real server, emptied once for the module that first asks for it."""
    if LIVE is None:
        pytest.fail("live_crm is only for live mode", pytrace=False)
    LIVE.reset()
    return LIVE


@pytest.fixture(autouse=True)
def _fresh_crm_in_live_mode(request: pytest.FixtureRequest) -> None:
    """Live mode: empty the real CRM before a test marked `fresh_crm` (it lists every record)."""
    if LIVE is not None and request.node.get_closest_marker("fresh_crm") is not None:
        LIVE.reset()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    """A fresh, empty embedded server (live mode: the test is skipped, it needs the emulator)."""
    require_embedded()
    server = Emulator()
    yield server
    server.close()


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    """A client of `emulator` reached in-process, or in live mode of the real server."""
    if LIVE is not None:
        request.getfixturevalue("live_crm")
        with LIVE.client() as connected:
            yield connected
        return
    with make_client(request.getfixturevalue("emulator")) as connected:
        yield connected


@pytest.fixture
def other_client(request: pytest.FixtureRequest) -> Iterator[Client]:
    """A second client of the same server as `client`, with a session of its own."""
    if LIVE is not None:
        request.getfixturevalue("live_crm")
        with LIVE.client() as connected:
            yield connected
        return
    with make_client(request.getfixturevalue("emulator")) as connected:
        yield connected


@pytest.fixture
def vtiger_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The plugin's fixture (a served, empty emulator), or in live mode the emptied real server.

    Both have `.url`, `.username` and `.access_key`, which is all the plugin's `vtiger_client`
    and the tests that run live use; `.emulator` exists only on the embedded one.
    """
    if LIVE is not None:
        yield request.getfixturevalue("live_crm")
        return
    emulator = Emulator()
    with emulator.serve() as server:
        yield server
    emulator.close()
