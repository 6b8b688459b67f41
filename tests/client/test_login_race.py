"""Concurrent logins as one user succeed; a wrong access key still fails at the first attempt."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from vtorm.client import Client
from vtorm.client.login import LOGIN_ATTEMPTS, LoginGate, may_retry_login
from vtorm.emulator import Emulator
from vtorm.errors import AuthenticationFailed

from .fake_server import BASE_URL, Answer, FakeVtiger, Seen, make_client

KEY = "kT9s2Lq0ZxAccessKey"


class RivalFake(FakeVtiger):
    """A fake where another process's getchallenge lands right after ours, `rivals` times."""

    rivals: int = 0

    def _answer(self, request: Seen) -> Answer:
        answer = super()._answer(request)
        if request.operation == "getchallenge" and self.rivals > 0:
            self.rivals -= 1
            self.challenges += 1  # the rival's token replaces ours on the server
            self.token = f"rival{self.challenges:08d}"
        return answer


def isolated(client: Client, tmp_path: Path) -> Client:
    """The client with a gate of its own (no proof or lock shared with other tests)."""
    client._gate = LoginGate(client.url, client.username, lock_dir=str(tmp_path))
    return client


def test_a_wrong_key_fails_at_the_first_attempt(tmp_path: Path) -> None:
    fake = FakeVtiger()
    session = make_client(fake)._http  # the fake server, reached in-process
    client = isolated(Client(BASE_URL, "admin", "another key", session=session), tmp_path)
    started = time.perf_counter()
    with pytest.raises(AuthenticationFailed) as caught:
        client.login()
    assert caught.value.code == "INVALID_USER_CREDENTIALS"
    assert fake.ops() == ["getchallenge", "login"] and client.request_count == 2
    assert time.perf_counter() - started < 1


def test_a_wrong_key_fails_at_once_on_the_embedded_server(
    emulator: Emulator, tmp_path: Path
) -> None:
    with emulator.serve() as server:
        client = isolated(Client(server.url, server.username, "not the key", backoff=0), tmp_path)
        with pytest.raises(AuthenticationFailed):
            client.login()
        assert client.request_count == 2
        assert [r.operation for r in emulator.request_log] == ["getchallenge", "login"]


def test_a_renewal_that_loses_a_race_to_another_machine_tries_again(tmp_path: Path) -> None:
    fake = RivalFake()
    client = isolated(make_client(fake), tmp_path)
    client.login()  # the key is proven
    fake.rivals = 3
    client.login()
    assert fake.ops().count("login") == 1 + 4 and client.is_logged_in


def test_a_vanished_token_is_retried_even_before_the_key_is_proven(tmp_path: Path) -> None:
    fake = FakeVtiger()
    fake.queue("login", *[_no_token()] * 2)
    client = isolated(make_client(fake), tmp_path)
    client.login()
    assert fake.ops() == ["getchallenge", "login"] * 3


def test_retries_are_bounded_when_the_key_stops_working(tmp_path: Path) -> None:
    fake = FakeVtiger()
    client = isolated(make_client(fake), tmp_path)
    client.login()
    fake.access_key = "changed on the server"
    with pytest.raises(AuthenticationFailed):
        client.login()
    assert fake.ops().count("login") == 1 + LOGIN_ATTEMPTS


def test_without_the_machine_lock_a_failure_is_treated_as_a_possible_race() -> None:
    assert may_retry_login("INVALID_USER_CREDENTIALS", proven=False, host_locked=False, attempt=1)
    assert not may_retry_login(
        "INVALID_USER_CREDENTIALS", proven=True, host_locked=True, attempt=LOGIN_ATTEMPTS
    )
    assert not may_retry_login("ACCESSKEY_UNDEFINED", proven=True, host_locked=False, attempt=1)


def test_the_gate_lock_file_excludes_another_holder(tmp_path: Path) -> None:
    first = LoginGate("http://a.test/webservice.php", "admin", lock_dir=str(tmp_path))
    second = LoginGate("http://a.test/webservice.php", "admin", lock_dir=str(tmp_path))
    order: list[str] = []
    with first.held() as locked:
        assert locked
        thread = threading.Thread(target=_hold, args=(second, order))
        thread.start()
        time.sleep(0.1)
        order.append("first done")
    thread.join()
    assert order == ["first done", "second in"]


def test_threads_with_their_own_clients_all_log_in(emulator: Emulator) -> None:
    outcomes: Counter[str] = Counter()
    with emulator.serve() as server:
        threads = [
            threading.Thread(target=_log_in_repeatedly, args=(server.url, outcomes, 10))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert outcomes == Counter(ok=80)


_WORKER = textwrap.dedent(
    """
    import json, sys
    from vtorm.client import Client
    from vtorm.errors import AuthenticationFailed
    url, key, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    print("ready", flush=True)
    sys.stdin.readline()
    ok = failed = 0
    for _ in range(count):
        client = Client(url, "admin", key, backoff=0)
        try:
            client.login()
            ok += 1
        except AuthenticationFailed:
            failed += 1
        client.close()
    print(json.dumps({"ok": ok, "failed": failed}), flush=True)
    """
)


@pytest.mark.slow
def test_sixteen_processes_log_in_twenty_times_each_without_a_failure(
    emulator: Emulator,
) -> None:
    with emulator.serve() as server:
        totals = run_login_workers(server.url, KEY, processes=16, logins=20)
    assert totals == {"ok": 320, "failed": 0}


def run_login_workers(url: str, key: str, *, processes: int, logins: int) -> dict[str, int]:
    """Start the workers, release them together, and add up their outcomes."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, url, key, str(logins)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    totals = {"ok": 0, "failed": 0}
    for worker in workers:
        out, _ = worker.communicate(timeout=120)
        for name, value in json.loads(out.strip().splitlines()[-1]).items():
            totals[name] += value
    return totals


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    server = Emulator(access_key=KEY)
    yield server
    server.close()


def _log_in_repeatedly(url: str, outcomes: Counter[str], count: int) -> None:
    for _ in range(count):
        with Client(url, "admin", KEY, backoff=0) as client:
            try:
                client.login()
                outcomes["ok"] += 1
            except AuthenticationFailed:
                outcomes["failed"] += 1


def _hold(gate: LoginGate, order: list[str]) -> None:
    with gate.held():
        order.append("second in")


def _no_token() -> tuple[str, list[tuple[str, str]], bytes]:
    body = {"success": False, "error": {"code": "INVALID_AUTH_TOKEN", "message": "expired"}}
    return ("200 OK", [("Content-Type", "application/json")], json.dumps(body).encode())
