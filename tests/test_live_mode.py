"""The live-mode switch (tests/live.py): all four variables or none, never half a configuration."""

from __future__ import annotations

import pytest

from tests.live import LIVE, LIVE_VARIABLES, LiveServer, live_from_env, unique

FULL = {
    "VTORM_LIVE_URL": "http://127.0.0.1:8080",
    "VTORM_LIVE_USERNAME": "admin",
    "VTORM_LIVE_ACCESS_KEY": "Key0123",
    "VTORM_LIVE_RESET": "reset-the-crm",
}


def test_without_the_variables_the_suite_stays_embedded() -> None:
    assert live_from_env({}) is None
    assert live_from_env({name: "  " for name in LIVE_VARIABLES}) is None


def test_all_four_variables_name_the_live_server() -> None:
    live = live_from_env({**FULL, "VTORM_LIVE_URL": " http://127.0.0.1:8080 "})
    assert live == LiveServer("http://127.0.0.1:8080", "admin", "Key0123", "reset-the-crm")


@pytest.mark.parametrize("missing", LIVE_VARIABLES)
def test_half_a_configuration_stops_the_run_naming_what_is_missing(missing: str) -> None:
    environ = {name: value for name, value in FULL.items() if name != missing}
    with pytest.raises(pytest.UsageError, match=f"{missing} not set"):
        live_from_env(environ)


def test_unique_names_only_change_in_live_mode() -> None:
    first, second = unique("Acme"), unique("Acme")
    if LIVE is None:
        assert first == second == "Acme"
    else:
        assert first != second and first.startswith("Acme ")


def test_a_failing_reset_fails_the_test_with_its_output() -> None:
    live = LiveServer("http://127.0.0.1:1", "admin", "k", "echo no database >&2; exit 3")
    with pytest.raises(pytest.fail.Exception, match=r"exited with 3 .*no database"):
        live.reset()
