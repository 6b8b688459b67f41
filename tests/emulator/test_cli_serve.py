"""`vtorm serve` over a real socket, and the pytest fixtures users get from the plugin."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.emulator.conftest import refused
from vtorm.client import Client
from vtorm.emulator.demo_data import DEMO_COUNTS
from vtorm.emulator.server import RunningServer


def test_vtorm_serve_prints_url_user_and_key_and_serves_the_demo(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "vtorm", "serve", "--port", "0", "--access-key", "K3y",
               "--username", "boss", "--db", str(tmp_path / "crm.sqlite"), "--demo"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().strip() for _ in range(3)]
        url = lines[0].split(": ", 1)[1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/webservice.php")
        assert lines[1].split()[-1] == "boss" and lines[2].split()[-1] == "K3y"
        token = requests.get(url, params={"operation": "getchallenge", "username": "boss"},
                             timeout=10).json()["result"]["token"]  # fmt: skip
        digest = hashlib.md5((token + "K3y").encode()).hexdigest()
        login = requests.post(url, data={"operation": "login", "username": "boss",
                                         "accessKey": digest}, timeout=10).json()  # fmt: skip
        assert login["result"]["userId"] == "19x1"
        count = requests.get(url, params={"operation": "query", "sessionName":
                             login["result"]["sessionName"],
                             "query": "SELECT count(*) FROM Accounts;"}, timeout=10)  # fmt: skip
        assert count.json()["result"] == [{"count": str(DEMO_COUNTS["Accounts"])}]
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_vtorm_serve_reports_a_busy_port(vtiger_server: RunningServer) -> None:
    code, stderr = refused(["serve", "--port", str(vtiger_server.port)])
    assert code == 2
    assert "cannot listen" in stderr


def test_vtorm_serve_refuses_an_unknown_time_zone() -> None:
    code, stderr = refused(["serve", "--port", "0", "--timezone", "Mars/Olympus"])
    assert code == 2
    assert "Mars/Olympus" in stderr


def test_vtiger_server_fixture_is_fresh_and_empty(vtiger_server: RunningServer) -> None:
    emulator = vtiger_server.emulator
    assert emulator is not None
    assert vtiger_server.access_key == emulator.access_key
    response = requests.get(
        vtiger_server.url, params={"operation": "getchallenge", "username": "admin"}, timeout=10
    )
    assert response.json()["success"] is True
    with emulator.backend.store.lock:
        count = emulator.backend.store.conn.execute("SELECT count(*) FROM entity").fetchone()[0]
    assert count == 0
    assert [r.operation for r in emulator.request_log] == ["getchallenge"]
    emulator.clear_request_log()
    assert emulator.request_log == []


def test_vtiger_client_fixture_is_logged_in(vtiger_client: Client) -> None:
    created = vtiger_client.create("Accounts", {"accountname": "Fixture Ltd",
                                                "assigned_user_id": "19x1"})  # fmt: skip
    assert vtiger_client.retrieve(created["id"])["account_no"] == "ACC1"
