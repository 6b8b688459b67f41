"""`Emulator(timezone=...)`: a server whose `$default_timezone` is not UTC stores and serves
datetimes as its wall clock, and `sync` reads and answers epoch seconds in that zone, as PHP's
date() and strtotime() do (checked against real 8.0 servers in Berlin and New York)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import requests

from tests.emulator.clocked import START, Api, Clock
from tests.emulator.conftest import ACCESS_KEY
from vtorm.emulator import Emulator


@pytest.fixture
def berlin() -> Iterator[Api]:
    clock = Clock()
    emulator = Emulator(access_key=ACCESS_KEY, clock=clock, timezone="Europe/Berlin")
    with emulator.serve() as server, requests.Session() as http:
        api = Api(server.url, http)
        api.clock = clock
        api.emulator = emulator
        api.login()
        yield api
    emulator.close()


def _wall(seconds: float, zone: str) -> str:
    return dt.datetime.fromtimestamp(seconds, ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def test_datetimes_are_the_wall_clock_of_the_servers_zone(berlin: Api) -> None:
    record_id = berlin.new("Accounts", accountname="Zoned")
    row = berlin.ok(berlin.op_get("retrieve", id=record_id))
    assert row["createdtime"] == row["modifiedtime"] == _wall(START, "Europe/Berlin")
    assert row["createdtime"] != _wall(START, "UTC")


def test_sync_reads_and_answers_epoch_seconds_in_that_zone(berlin: Api) -> None:
    record_id = berlin.new("Accounts", accountname="Zoned")
    answer = berlin.ok(berlin.sync(str(START - 1)).json())
    assert [row["id"] for row in answer["updated"]] == [record_id]
    assert answer["lastModifiedTime"] == START  # strtotime() of the Berlin wall clock
    assert berlin.ok(berlin.sync(str(START)).json())["updated"] == []


def test_an_unknown_zone_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        Emulator(timezone="Mars/Olympus")
