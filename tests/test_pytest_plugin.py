"""The pytest plugin: marker and ini settings, fixtures, and what a test's server is made of."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from vtorm import Client, get_default_client
from vtorm.emulator import Fault, User
from vtorm.emulator.server import RunningServer
from vtorm.pytest_plugin import VtigerSettings

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.vtiger(demo=True, users=["alice"])


@pytest.mark.vtiger(users=[User("bob")], faults=[Fault.http_500(nth=2)])
def test_the_closest_marker_wins_key_by_key(vtiger_settings: VtigerSettings) -> None:
    assert vtiger_settings.demo is True  # from the module's pytestmark
    assert vtiger_settings.users == (User("bob"),)  # the test's own marker
    assert vtiger_settings.faults == (Fault.http_500(nth=2),)


def test_names_become_users_who_can_log_in(
    vtiger_default: Client, vtiger_login: Callable[[str], Client]
) -> None:
    assert get_default_client() is vtiger_default
    alice = vtiger_login("alice")
    assert alice.user_id == "19x5"
    demo_accounts = vtiger_default.query("SELECT count(*) FROM Accounts;")
    assert int(demo_accounts[0]["count"]) > 0


@pytest.mark.vtiger(faults=[Fault.http_500(nth=1)])
def test_faults_count_from_the_tests_first_request(
    vtiger_server: RunningServer, vtiger_client: Client
) -> None:
    vtiger_client.query("SELECT count(*) FROM Contacts;")  # retried once
    assert vtiger_server.emulator is not None
    log = vtiger_server.emulator.request_log
    assert [(r.operation, r.status) for r in log][-2:] == [("query", 500), ("query", 200)]
    assert [r.status for r in log if r.operation == "login"] == [200]


PROJECT_TEST = """
import pytest
from vtorm import get_default_client
from vtorm.errors import ConfigurationError

def test_ini_schema_and_demo(vtiger_default):
    assert "Vehicles" in vtiger_default.list_types()["types"]
    assert vtiger_default.query("SELECT count(*) FROM Accounts;")[0]["count"] != "0"

@pytest.mark.vtiger(demo=False)
def test_marker_overrides_ini(vtiger_client):
    assert vtiger_client.query("SELECT count(*) FROM Accounts;") == [{"count": "0"}]

def test_ini_users_and_sharing(vtiger_client, vtiger_login):
    vtiger_client.create("Contacts", {"lastname": "Private", "assigned_user_id": "19x1"})
    alice, carol = vtiger_login("alice"), vtiger_login("carol")
    assert alice.query("SELECT count(*) FROM Contacts;") == [{"count": "0"}]
    assert carol.user_id == "19x6"

def test_default_is_restored_after_each_test():
    with pytest.raises(ConfigurationError):
        get_default_client()

@pytest.mark.vtiger(colour="blue")
def test_unknown_option(vtiger_client):
    pass

@pytest.mark.vtiger(faults=["http_500"])
def test_wrong_kind(vtiger_client):
    pass
"""


@pytest.mark.slow  # a pytest run in a subprocess: about 3 s
def test_ini_settings_in_a_users_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent("""
        [tool.pytest.ini_options]
        vtiger_schema = "tests.sample_project.crm"
        vtiger_demo = true
        vtiger_users = ["alice", "carol:Sales Manager"]
        vtiger_sharing = ["Contacts=private"]
    """)
    )
    (tmp_path / "test_project.py").write_text(PROJECT_TEST)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert "4 passed, 2 errors" in result.stdout, result.stdout + result.stderr
    assert "unknown option(s) colour" in result.stdout
    assert "faults= takes Fault values, got 'http_500'" in result.stdout
