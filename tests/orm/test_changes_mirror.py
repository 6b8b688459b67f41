"""A change feed that mirrors cleanly (issue 15): re-runs deliver nothing twice, a transient
sync failure is retried, and the fallback to modifiedtime queries is reported.

The last test runs in live mode (tests/live.py) against a real Vtiger 8.0, whose sync is HTTP
500, so it exercises the fallback; it makes and deletes its own records (no reset needed).
"""

from __future__ import annotations

import time
import uuid
import warnings
from collections.abc import Iterator

import pytest

from generated import Contact
from tests.inprocess import make_client
from tests.live import LIVE
from vtorm import InvalidArgument
from vtorm.client import Client
from vtorm.emulator import Emulator, Fault
from vtorm.model import changes as changes_module
from vtorm.model.changes import Checkpoint, SyncFallbackWarning

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(changes_module, "SYNC_RETRY_DELAY", 0.0)


@pytest.fixture
def frozen() -> Iterator[Client]:
    """An embedded server whose clock stands still: every change shares one second."""
    clock = [NOW]
    emulator = Emulator(clock=lambda: clock[0])
    with make_client(emulator) as client:
        yield client
    emulator.close()


def _seed(client: Client, count: int) -> list[str]:
    client.login()
    owner = {"assigned_user_id": client.user_id}
    return [
        client.create("Contacts", {**owner, "lastname": f"M{n:03}"})["id"] for n in range(count)
    ]


def _syncs(emulator: Emulator) -> int:
    return sum(1 for record in emulator.request_log if record.operation == "sync")


def test_a_rerun_delivers_none_of_the_last_seconds_changes_again(
    frozen: Client,
) -> None:
    client = frozen
    ids = _seed(client, 150)
    feed = Contact.objects.using(client).changes()
    assert sorted(change.id for change in feed) == sorted(ids)
    stored = str(feed.checkpoint)  # what a mirror keeps between runs
    assert stored.startswith(f"{int(NOW)}:") and len(feed.checkpoint.seen) == 150
    rerun = Contact.objects.using(client).changes(since=stored)
    assert list(rerun) == []  # before: all 150 came again, as they share the last second
    assert rerun.checkpoint == feed.checkpoint


def test_a_record_changed_again_within_the_same_second_comes_again(
    frozen: Client,
) -> None:
    client = frozen
    first, second = _seed(client, 2)
    feed = Contact.objects.using(client).changes()
    assert len(list(feed)) == 2
    client.revise({"id": second, "mailingcity": "Cork"})  # same second, other content
    client.delete(first)
    again = Contact.objects.using(client).changes(since=feed.checkpoint)
    changes = [(c.id, c.deleted) for c in again]
    assert changes == [(second, False), (first, True)]
    assert [
        (c.id, c.deleted) for c in Contact.objects.using(client).changes(again.checkpoint)
    ] == []


def test_the_checkpoint_of_a_crashed_run_still_redelivers_the_rest(
    frozen: Client,
) -> None:
    client = frozen
    ids = _seed(client, 5)
    feed = Contact.objects.using(client).changes()
    for index, _change in enumerate(feed):
        if index == 2:
            break  # the consumer stops inside the page
    assert feed.checkpoint == Checkpoint(1)
    assert sorted(c.id for c in Contact.objects.using(client).changes(feed.checkpoint)) == sorted(
        ids
    )


def test_one_transient_http_500_is_retried_on_sync() -> None:
    emulator = Emulator(faults=[Fault.http_500(nth=6)])  # after login and three creates
    with make_client(emulator, retries=0) as client:
        _seed(client, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("error", SyncFallbackWarning)
            feed = Contact.objects.using(client).changes()
            assert len(list(feed)) == 3
        assert feed.sees_deletions and feed.fallback_reason is None
    emulator.close()


def test_a_sync_that_keeps_failing_falls_back_and_says_so() -> None:
    emulator = Emulator(faults=[Fault.http_500(nth=6), Fault.http_500(nth=7)])
    with make_client(emulator, retries=0) as client:
        ids = _seed(client, 3)  # requests 1-5: getchallenge, login, three creates
        feed = Contact.objects.using(client).changes()
        with pytest.warns(SyncFallbackWarning, match="Contacts: the server cannot answer sync"):
            assert sorted(c.id for c in feed) == sorted(ids)
        assert feed.sees_deletions is False and feed.fallback_reason is not None
        assert _syncs(emulator) == 2
    emulator.close()


def test_checkpoints_parse_back_and_refuse_junk() -> None:
    point = Checkpoint(1764620372, frozenset({"12x5=9f2c01", "12x9=-"}))
    assert Checkpoint.parse(str(point)) == point
    assert Checkpoint.parse("1764620372") == Checkpoint(1764620372)
    assert int(point) == 1764620372
    for junk in ("", "soon", "12:bad", "12:12x5", "-4:12x5=-"):
        with pytest.raises(InvalidArgument, match="checkpoint"):
            Checkpoint.parse(junk)


@pytest.mark.skipif(LIVE is None, reason="live mode only (VTORM_LIVE_*)")
def test_live_reruns_deliver_nothing_twice() -> None:
    name = f"Mirror{uuid.uuid4().hex[:8]}"
    assert LIVE is not None
    with LIVE.client() as client:
        objects = Contact.objects.using(client)
        start = int(time.time()) - 2
        made = [objects.create(lastname=name, firstname=str(n)) for n in range(4)]
        try:
            mine = {str(record.id) for record in made}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SyncFallbackWarning)  # 8.0 on PHP 8
                feed = objects.changes(since=start)
                first = [str(c.id) for c in feed if str(c.id) in mine]
                rerun = objects.changes(since=str(feed.checkpoint))
                second = [str(c.id) for c in rerun if str(c.id) in mine]
            assert sorted(first) == sorted(mine)
            assert second == []
        finally:
            for record in made:
                record.delete()
