"""The embedded server's own speed: 100-row pages served over HTTP (against a real Vtiger
on the same machine when VTORM_LIVE_URL, VTORM_LIVE_USERNAME and VTORM_LIVE_ACCESS_KEY are
set), pages served in-process through the WSGI adapter, and the project's fast test run.

Pages are `SELECT * FROM Contacts LIMIT <offset>, 100;` over ten offsets, so no answer is
served twice in a row. The client is a `requests.Session` reading each answer's body: what
is timed is the server, not the client's JSON parsing (each server's first answer is parsed
and checked for 100 rows). The emulator runs in its own process over HTTP, as the real CRM
does, so it does not compete with the client for the interpreter lock.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

from tests.benchmarks.harness import Figure, interleaved_medians, median_seconds
from tests.benchmarks.seeding import seed_contacts
from tests.benchmarks.served import raw_login, server_process
from vtorm.client.wsgi import wsgi_session
from vtorm.emulator import Emulator

LIVE_VARIABLES = ("VTORM_LIVE_URL", "VTORM_LIVE_USERNAME", "VTORM_LIVE_ACCESS_KEY")
CONTACTS = 1_000
ROOT = Path(__file__).resolve().parents[2]


def _statements() -> list[str]:
    return [f"SELECT * FROM Contacts LIMIT {offset}, 100;" for offset in range(0, CONTACTS, 100)]


def _pager(session: requests.Session, url: str, session_name: str) -> Callable[[int], None]:
    """Serves `n` pages, cycling through the offsets; checks the first answer's rows."""
    params = [{"operation": "query", "sessionName": session_name, "query": statement}
              for statement in _statements()]  # fmt: skip
    first = json.loads(session.get(url, params=params[0], timeout=60).content)
    assert len(first["result"]) == 100, first

    def serve(n: int) -> None:
        for index in range(n):
            answer = session.get(url, params=params[index % len(params)], timeout=60)
            assert answer.status_code == 200 and answer.content.startswith(b'{"success":true')

    return serve


def _live() -> dict[str, str] | None:
    values = [os.environ.get(name, "").strip() for name in LIVE_VARIABLES]
    if not all(values):
        return None
    url = values[0] if values[0].endswith(".php") else values[0].rstrip("/") + "/webservice.php"
    return {"url": url, "username": values[1], "access_key": values[2]}


def http_pages(repeat: int) -> list[Figure]:
    """Pages/s over loopback HTTP: the emulator in its own process, and the real server."""
    batch, real_batch = 50, 10
    with server_process(CONTACTS) as info, requests.Session() as http:
        emulator = _pager(http, info["url"], raw_login(http, info))
        live = _live()
        if live is None:
            seconds = median_seconds(lambda: emulator(batch), repeat=repeat) / batch
            rate = 1 / seconds
            return [
                Figure(
                    "emulator over HTTP: 100-row pages/s (no real server configured)",
                    rate,
                    0.0,
                    "pages/s",
                    ">= 200 pages/s",
                    rate >= 200,
                    note=f"{seconds * 1000:.1f} ms a page; set {', '.join(LIVE_VARIABLES)} "
                    "to compare with a real server",
                )
            ]
        with requests.Session() as real_http:
            real = _pager(real_http, live["url"], raw_login(real_http, live))
            ours, theirs = interleaved_medians(
                lambda: emulator(batch), lambda: real(real_batch), repeat=max(5, repeat // 2)
            )
    rate, real_rate = batch / ours, real_batch / theirs
    return [
        Figure(
            "emulator over HTTP vs the real server: 100-row pages/s",
            rate,
            real_rate,
            "pages/s",
            "ratio >= 10 (and >= 200 pages/s)",
            rate / real_rate >= 10 and rate >= 200,
            note=f"emulator {1000 / rate:.1f} ms a page, real server {1000 / real_rate:.1f} ms "
            f"({live['url']})",
        )
    ]


def wsgi_pages(repeat: int) -> list[Figure]:
    """Pages/s through `vtorm.client.wsgi.wsgi_session` (the WSGI adapter): no sockets, same
    process, as the pytest plugin's clients and `vtorm demo` reach the server."""
    emulator = Emulator()
    seed_contacts(emulator, CONTACTS)
    url = "http://emulator.test/webservice.php"
    batch = 100
    with wsgi_session(emulator.wsgi_app, "http://emulator.test") as http:
        info = {"url": url, "username": emulator.username, "access_key": emulator.access_key}
        serve = _pager(http, url, raw_login(http, info))
        seconds = median_seconds(lambda: serve(batch), repeat=repeat) / batch
    emulator.close()
    return [
        Figure(
            "emulator in-process (WSGI adapter): 100-row pages/s",
            1 / seconds,
            0.0,
            "pages/s",
            ">= 1,000 pages/s",
            1 / seconds >= 1000,
            note=f"{seconds * 1000:.2f} ms a page",
        )
    ]


def test_suite() -> list[Figure]:
    """Wall time of `pytest -m "not slow"`, as a developer runs it (one run, about a minute);
    the load average around it says how busy the shared machine was."""
    before = os.getloadavg()[0]
    started = time.perf_counter()
    # on the embedded server, as a developer's run: the live-mode settings that the emulator
    # figures read would turn it into a run against that real CRM
    env = {name: value for name, value in os.environ.items() if not name.startswith("VTORM_LIVE")}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-m", "not slow", "-p", "no:randomly"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    after = os.getloadavg()[0]
    lines = done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or ["(none)"]
    failed = [line.removeprefix("FAILED ") for line in lines if line.startswith("FAILED ")]
    summary = lines[-1] + (f" (failed: {'; '.join(failed)})" if failed else "")
    return [
        Figure(
            'test suite: pytest -m "not slow"',
            seconds,
            0.0,
            "s",
            "< 60 s on 2 cores",
            seconds < 60 and done.returncode == 0,
            note=f"{summary}; load average {before:.1f} before, {after:.1f} after, "
            f"{os.cpu_count()} cores",
        )
    ]
