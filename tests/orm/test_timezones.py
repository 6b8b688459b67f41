"""Time zones: datetimes travel as the server's wall clock; vtorm reads them aware and writes
aware ones converted (issue 15).

The server tests run on an embedded server in Europe/Berlin, and in live mode (tests/live.py)
on the real one too: set VTIGER_TIMEZONE to the CRM's `$default_timezone`. They create their
own records under a unique name, delete them, and leave the rest of the CRM alone (no reset).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterator
from zoneinfo import ZoneInfo

import pytest

from generated import Contact
from tests.inprocess import make_client
from tests.live import LIVE
from tests.orm.fakes import FakeBackend
from vtorm import ConfigurationError, InvalidArgument
from vtorm.client import Client
from vtorm.client.zones import server_zone
from vtorm.emulator import Emulator
from vtorm.model.values import to_python, to_wire

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
PLUS_FIVE = dt.timezone(dt.timedelta(hours=5))
UTC = dt.timezone.utc


# -- pure conversions -----------------------------------------------------------------


def test_wire_datetimes_read_as_aware_wall_clock_of_the_server() -> None:
    moment = to_python("datetime", "2026-12-01 21:39:32", BERLIN)
    assert moment == dt.datetime(2026, 12, 1, 21, 39, 32, tzinfo=BERLIN)
    assert moment == dt.datetime(2026, 12, 1, 20, 39, 32, tzinfo=UTC)  # CET is UTC+1
    summer = to_python("datetime", "2026-07-01 12:00:00", BERLIN)
    assert summer.utcoffset() == dt.timedelta(hours=2)  # CEST
    assert to_python("datetime", "2026-07-01 12:00:00").tzinfo is UTC  # no zone given: UTC


def test_aware_datetimes_are_written_in_the_server_zone_and_naive_ones_as_they_are() -> None:
    aware = dt.datetime(2026, 12, 1, 15, 0, tzinfo=NEW_YORK)  # 20:00 UTC, 21:00 in Berlin
    assert to_wire("datetime", aware, BERLIN) == "2026-12-01 21:00:00"
    assert to_wire("datetime", aware) == "2026-12-01 20:00:00"
    assert to_wire("datetime", dt.datetime(2026, 12, 1, 15, 0), BERLIN) == "2026-12-01 15:00:00"


def test_dates_and_times_of_day_keep_no_zone() -> None:
    assert to_python("date", "2026-12-01", BERLIN) == dt.date(2026, 12, 1)
    assert to_python("time", "09:30:00", BERLIN) == dt.time(9, 30)
    assert to_wire("date", dt.date(2026, 12, 1), BERLIN) == "2026-12-01"


class BerlinFake(FakeBackend):
    timezone = BERLIN


def test_filters_write_aware_datetimes_in_the_zone_of_the_client_that_sends_them() -> None:
    since = dt.datetime(2026, 12, 1, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    query = Contact.objects.filter(modifiedtime__gte=since)
    assert "modifiedtime >= '2026-12-01 20:00:00'" in query.using(BerlinFake()).explain()
    assert "modifiedtime >= '2026-12-01 19:00:00'" in query.using(FakeBackend()).explain()
    naive = Contact.objects.filter(modifiedtime__lt=dt.datetime(2026, 12, 1, 21, 0))
    assert "modifiedtime < '2026-12-01 21:00:00'" in naive.using(BerlinFake()).explain()


def test_compiled_statements_follow_a_change_of_client() -> None:
    since = dt.datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    berlin = Contact.objects.filter(modifiedtime__range=(since, since)).using(BerlinFake())
    assert "'2026-12-01 13:00:00'" in berlin.explain()
    assert "'2026-12-01 12:00:00'" in berlin.using(FakeBackend()).explain()


def test_aware_datetimes_are_refused_where_the_server_wants_text() -> None:
    with pytest.raises(InvalidArgument, match="modifiedtime__contains"):
        Contact.objects.filter(modifiedtime__contains=dt.datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[call-arg]


def test_records_are_read_in_the_zone_of_their_client() -> None:
    backend = BerlinFake(rows=[{"lastname": "Zone", "modifiedtime": "2026-12-01 21:39:32"}])
    (contact,) = Contact.objects.using(backend).all()
    assert contact.modifiedtime == dt.datetime(2026, 12, 1, 20, 39, 32, tzinfo=UTC)
    assert contact.modifiedtime is not None and contact.modifiedtime.tzinfo is BERLIN
    assert contact.vtiger_changed() == []  # read in Berlin, compared in Berlin


# -- the client setting ----------------------------------------------------------------


def test_the_client_names_the_zone_by_argument_or_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("VTIGER_TIMEZONE", raising=False)
    assert server_zone(None) is UTC
    assert Client("http://127.0.0.1:1", "admin", "k", timezone="Europe/Berlin").timezone == BERLIN
    monkeypatch.setenv("VTIGER_TIMEZONE", "America/New_York")
    assert Client("http://127.0.0.1:1", "admin", "k").timezone == NEW_YORK
    assert server_zone(PLUS_FIVE) is PLUS_FIVE
    with pytest.raises(ConfigurationError, match="Mars/Olympus"):
        Client("http://127.0.0.1:1", "admin", "k", timezone="Mars/Olympus")
    monkeypatch.setenv("VTIGER_TIMEZONE", "Nowhere/City")
    with pytest.raises(ConfigurationError, match="VTIGER_TIMEZONE"):
        server_zone(None)


def test_a_naive_since_for_sync_is_server_time() -> None:
    from vtorm.client.envelope import epoch_seconds

    naive = dt.datetime(2026, 12, 1, 21, 0)
    assert epoch_seconds(naive, BERLIN) == int(naive.replace(tzinfo=BERLIN).timestamp())
    assert epoch_seconds(naive.replace(tzinfo=UTC), BERLIN) == int(
        naive.replace(tzinfo=UTC).timestamp()
    )


# -- against a server in another zone ----------------------------------------------------


class ShiftedClock:
    """The embedded server's clock: real time, moved on by `advance` instead of sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture(params=["embedded", "live"])
def berlin(request: pytest.FixtureRequest) -> Iterator[tuple[Client, Callable[[float], None]]]:
    """A client of a server whose `$default_timezone` is not UTC, and how to let that
    server's clock run on some seconds (the real one: wait; the embedded one: move its clock)."""
    if request.param == "live":
        if LIVE is None:
            pytest.skip("live mode only (VTORM_LIVE_*, and VTIGER_TIMEZONE for the CRM's zone)")
        with LIVE.client() as live:
            if live.timezone is UTC:
                pytest.skip("live: VTIGER_TIMEZONE names no zone other than UTC")
            yield live, time.sleep
        return
    clock = ShiftedClock()
    emulator = Emulator(timezone="Europe/Berlin", clock=clock)
    with make_client(emulator) as client:  # its timezone is the emulator's
        yield client, clock.advance
    emulator.close()


@pytest.fixture
def berlin_client(berlin: tuple[Client, Callable[[float], None]]) -> Client:
    """The client of `berlin`."""
    return berlin[0]


def _unique() -> str:
    return f"Tz{uuid.uuid4().hex[:10]}"


def test_created_records_carry_the_moment_they_were_made(berlin_client: Client) -> None:
    before = dt.datetime.now(UTC).replace(microsecond=0)
    contact = Contact.objects.using(berlin_client).create(
        lastname=_unique(), birthday=dt.date(1990, 5, 17)
    )
    after = dt.datetime.now(UTC)
    assert contact.createdtime is not None and contact.modifiedtime is not None
    assert contact.createdtime.tzinfo == berlin_client.timezone
    # The server's wall clock, read in its zone, is the moment of the create (the real
    # server's clock may be a second or two off ours).
    slack = dt.timedelta(seconds=5)
    assert before - slack <= contact.createdtime <= after + slack
    assert contact.birthday == dt.date(1990, 5, 17)
    try:
        reread = Contact.objects.using(berlin_client).get(id=contact.id)
        assert reread.modifiedtime == contact.modifiedtime
        assert reread.vtiger_changed() == []
    finally:
        contact.delete()


def test_aware_filters_in_any_offset_select_by_the_instant(
    berlin: tuple[Client, Callable[[float], None]],
) -> None:
    berlin_client, let_pass = berlin
    name = _unique()
    objects = Contact.objects.using(berlin_client)
    first = objects.create(lastname=name, firstname="first")
    let_pass(2.1)  # the server keeps whole seconds
    second = objects.create(lastname=name, firstname="second")
    try:
        assert first.modifiedtime is not None and second.modifiedtime is not None
        assert second.modifiedtime > first.modifiedtime
        # The same instant, written in New York and in UTC+5: both mean the second record.
        for zone in (NEW_YORK, PLUS_FIVE, UTC):
            since = second.modifiedtime.astimezone(zone)
            later = objects.filter(lastname=name, modifiedtime__gte=since)
            assert [c.firstname for c in later] == ["second"], zone
            earlier = objects.filter(lastname=name, modifiedtime__lt=since)
            assert [c.firstname for c in earlier] == ["first"], zone
        # A naive datetime is the server's wall clock.
        wall = second.modifiedtime.replace(tzinfo=None)
        assert [c.firstname for c in objects.filter(lastname=name, modifiedtime__gte=wall)] == [
            "second"
        ]
    finally:
        first.delete()
        second.delete()


def test_changes_since_an_aware_moment(berlin: tuple[Client, Callable[[float], None]]) -> None:
    berlin_client, let_pass = berlin
    name = _unique()
    objects = Contact.objects.using(berlin_client)
    first = objects.create(lastname=name, firstname="first")
    let_pass(2.1)
    second = objects.create(lastname=name, firstname="second")
    try:
        assert second.modifiedtime is not None
        since = (second.modifiedtime - dt.timedelta(seconds=1)).astimezone(NEW_YORK)
        names = {
            change.record.firstname
            for change in objects.changes(since=since)
            if change.record is not None and change.record.lastname == name
        }
        assert names == {"second"}
    finally:
        first.delete()
        second.delete()
