"""One Client shared by the bulk writers' threads: one login, one renewal per dead session,
and a connection per worker kept (not thrown away) when there are more than ten."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests

from generated import Contact
from vtorm.client import Client
from vtorm.emulator import Emulator, Fault
from vtorm.query.bulk import bulk_writes

KEY = "bulkThreadsKey0123"


@contextmanager
def served(emulator: Emulator, **options: object) -> Iterator[Client]:
    with (
        emulator.serve() as server,
        Client(server.url, server.username, KEY, backoff=0, **options) as client,  # type: ignore[arg-type]
    ):
        yield client


def logins(emulator: Emulator) -> int:
    return [r.operation for r in emulator.request_log].count("login")


def test_threads_starting_together_share_one_login() -> None:
    emulator = Emulator(access_key=KEY)
    with served(emulator) as client:
        start = threading.Barrier(8)
        failures: list[BaseException] = []

        def work() -> None:
            start.wait()
            try:
                client.list_types()
            except BaseException as error:  # collected: the test fails below
                failures.append(error)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        assert logins(emulator) == 1
    emulator.close()


@pytest.mark.slow
def test_a_session_dying_under_concurrent_writes_is_renewed_once_per_death() -> None:
    emulator = Emulator(access_key=KEY, faults=[Fault.session_expiry(after=25)])
    with served(emulator, concurrency=6) as client:
        records = [Contact(lastname=f"Threaded {n:03d}") for n in range(150)]
        Contact.objects.using(client).bulk_create(records)
        Contact.objects.using(client).all().update(title="Renewed")
        requests = len(emulator.request_log)
        assert Contact.objects.using(client).filter(title="Renewed").count() == 150
    deaths = (requests - 1) // 25
    assert deaths >= 8  # the sessions really died, again and again
    assert logins(emulator) <= deaths + 1  # not once per thread that noticed
    emulator.close()


@pytest.mark.slow
@pytest.mark.parametrize("own_session", [True, False])
def test_more_workers_than_ten_keep_their_connections(
    own_session: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="urllib3.connectionpool")
    emulator = Emulator(access_key=KEY)
    given = None if own_session else requests.Session()  # a plain one: 10 connections
    with served(emulator, concurrency=16, session=given) as client:
        client.login()
        statement = "SELECT count(*) FROM Contacts;"
        outcomes = list(bulk_writes(range(160), lambda _: client.query(statement), 16))
    emulator.close()
    assert all(outcome.ok for outcome in outcomes)
    assert ("Connection pool is full" in caplog.text) is not own_session
