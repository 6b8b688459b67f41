"""Concurrent logins as one user against a real Vtiger 8.0 (only when VTORM_REAL_URL is set).

VTORM_REAL_URL=http://127.0.0.1:8082 pytest tests/client/test_login_real.py
"""

from __future__ import annotations

import os

import pytest

from tests.live import LIVE
from vtorm.client import Client
from vtorm.errors import AuthenticationFailed

from .test_login_race import run_login_workers

URL = os.environ.get("VTORM_REAL_URL", "") or (LIVE.url if LIVE is not None else "")
KEY = os.environ.get("VTORM_REAL_KEY") or (LIVE.access_key if LIVE else "RealKey0123456789")
pytestmark = pytest.mark.skipif(not URL, reason="VTORM_REAL_URL is not set (nor live mode)")


@pytest.mark.slow
def test_sixteen_processes_log_in_twenty_times_each_on_the_real_server() -> None:
    assert run_login_workers(URL, KEY, processes=16, logins=20) == {"ok": 320, "failed": 0}


def test_a_wrong_key_fails_at_the_first_attempt_on_the_real_server() -> None:
    client = Client(URL, "admin", "NotTheKey0123456", backoff=0)
    with pytest.raises(AuthenticationFailed) as caught:
        client.login()
    assert caught.value.code == "INVALID_USER_CREDENTIALS" and client.request_count == 2
