"""Fixtures shared by the test packages that run the ORM against a server.

That server is the embedded one, or in live mode (tests/live.py: the VTORM_LIVE_* variables)
a real Vtiger, emptied once per module. Tests marked `embedded_only` are skipped in live mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests.inprocess import make_client
from tests.live import LIVE, LiveServer, require_embedded
from tests.properties import FAST_LANE
from vtorm.client import Client
from vtorm.emulator import Emulator

TESTS = Path(__file__).resolve().parent
# Whole packages and modules that test the embedded server itself (left unmarked by their owners).
EMBEDDED_ONLY_PATHS = {
    TESTS / "emulator": "tests the embedded server's own code (storage, VTQL parser, faults)",
    TESTS / "conformance": "replays the real server's captures against the embedded server",
    TESTS / "sample_project": "serves its own CRM snapshot (custom fields, a Vehicles module)",
}
# The plugin fixtures that build an emulator from the `vtiger` marker (users, faults, schema).
PLUGIN_EMULATOR_FIXTURES = ("vtiger_emulator", "vtiger_login")


def pytest_configure(config: pytest.Config) -> None:
    """The fast lane (`-m "not slow"`) runs property tests with a quarter of their examples
    (tests/properties.py); the full run, and any `--hypothesis-profile` given, keep theirs."""
    if _is_fast_lane(config) and config.getoption("hypothesis_profile", None) is None:
        settings.load_profile(FAST_LANE)


def _is_fast_lane(config: pytest.Config) -> bool:
    return " ".join(str(config.getoption("markexpr", "") or "").split()) == "not slow"


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which server the run tests, so a live run is never mistaken for an embedded one,
    and how many examples property tests run."""
    if LIVE is None:
        server = "vtorm server: embedded (set VTORM_LIVE_* for a real Vtiger)"
    else:
        server = f"vtorm server: LIVE {LIVE.url} as {LIVE.username} (reset: {LIVE.reset_command})"
    share = settings.default.max_examples  # per 100: Hypothesis's default is the full run's
    if share == 100:
        return [server, "property tests: all their examples"]
    return [server, f"property tests: {share}% of their examples (plain `pytest` runs all)"]


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
    for under, reason in EMBEDDED_ONLY_PATHS.items():
        if path.is_relative_to(under):
            return reason
    if item.get_closest_marker("vtiger") is not None:
        return "its server is built from the plugin's vtiger marker (schema, users, faults, demo)"
    used = sorted(set(PLUGIN_EMULATOR_FIXTURES) & set(getattr(item, "fixturenames", ())))
    if used:
        return f"uses the plugin's emulator fixtures ({', '.join(used)})"
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


if LIVE is not None:  # embedded runs keep the plugin's own fixture, markers and all

    @pytest.fixture
    def vtiger_server(live_crm: LiveServer) -> LiveServer:
        """Live mode: the emptied real server in place of the plugin's served emulator.

        It has the `.url`, `.username` and `.access_key` the plugin's `vtiger_client` and
        `vtiger_default` use, and `.emulator` None, as a server without an emulator behind it.
        """
        return live_crm
