"""The change feed over `sync`: pages, deletions, and checkpoints that never skip."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.orm.fakes import FakeBackend
from tests.orm.models import Contact
from vtorm import InvalidArgument, ServerError
from vtorm.model import changes as changes_module
from vtorm.model.changes import SyncFallbackWarning


@pytest.fixture
def no_retry_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feed's pause before sending a failed sync again, made instant."""
    monkeypatch.setattr(changes_module, "SYNC_RETRY_DELAY", 0.0)


class SyncingFake(FakeBackend):
    """Answers `sync` from a script of pages keyed by the checkpoint asked for."""

    def __init__(self, pages: dict[int, dict[str, Any]]) -> None:
        super().__init__()
        self.pages = pages
        self.asked: list[int] = []

    def sync(self, modified_time: int, module: str | None = None, /) -> Any:
        self.asked.append(modified_time)
        assert module == "Contacts"
        return self.pages[modified_time]


PAGES = {
    1: {
        "updated": [{"id": "12x1", "lastname": "A"}, {"id": "12x2", "lastname": "B"}],
        "deleted": ["12x9"],
        "more": True,
        "lastModifiedTime": 100,
    },
    100: {"updated": [{"id": "12x3", "lastname": "C"}], "deleted": [], "more": False,
          "lastModifiedTime": 200},
}  # fmt: skip


def test_feed_walks_every_page_and_reports_deletions() -> None:
    backend = SyncingFake(PAGES)
    feed = Contact.objects.changes(since=0, using=backend)
    changes = list(feed)
    assert [(c.id, c.deleted) for c in changes] == [
        ("12x1", False), ("12x2", False), ("12x9", True), ("12x3", False),
    ]  # fmt: skip
    assert changes[0].record is not None and changes[0].record.lastname == "A"
    assert backend.asked == [1, 100]  # 0 is sent as 1: the real server fails on 0
    assert feed.checkpoint.time == 200


def test_checkpoint_moves_only_after_a_whole_page() -> None:
    backend = SyncingFake(PAGES)
    feed = Contact.objects.changes(since=1, using=backend)
    seen = []
    with pytest.raises(RuntimeError):
        for change in feed:
            seen.append(change.id)
            if change.id == "12x9":  # the page's last change: the consumer dies on it
                raise RuntimeError("consumer crashed")
    assert feed.checkpoint.time == 1
    resumed = Contact.objects.changes(since=feed.checkpoint, using=backend)
    assert [c.id for c in resumed] == ["12x1", "12x2", "12x9", "12x3"]
    assert resumed.checkpoint.time == 200


def test_since_accepts_datetimes_and_refuses_junk() -> None:
    backend = SyncingFake({100: PAGES[100]})
    when = dt.datetime(1970, 1, 1, 0, 1, 41, tzinfo=dt.timezone.utc)  # asks from 101 - 1
    assert [c.id for c in Contact.objects.changes(since=when, using=backend)] == ["12x3"]
    with pytest.raises(InvalidArgument):
        Contact.objects.changes(since=-5, using=backend)


class BrokenSync(FakeBackend):
    """A stock PHP 8 server: sync is HTTP 500 with an empty body."""

    def sync(self, modified_time: int, module: str | None = None, /) -> Any:
        raise ServerError("empty body", operation="sync", http_status=500)


def test_a_server_without_sync_falls_back_to_modifiedtime_queries(
    no_retry_delay: None,
) -> None:
    backend = BrokenSync()
    backend.add({"lastname": "Old", "modifiedtime": "1970-01-01 00:00:50"})
    backend.add({"lastname": "New", "modifiedtime": "1970-01-01 00:01:40"})
    feed = Contact.objects.changes(since=60, using=backend)
    with pytest.warns(SyncFallbackWarning, match="does not see deletions"):
        changes = list(feed)
    assert feed.sees_deletions is False
    assert feed.fallback_reason is not None and "empty body" in feed.fallback_reason
    assert backend.queries[0] == (
        "SELECT * FROM Contacts WHERE modifiedtime >= '1970-01-01 00:01:00' "
        "ORDER BY modifiedtime, id LIMIT 100;"
    )
    assert [c.id for c in changes] == ["12x1", "12x2"]  # the fake ignores the condition
    assert feed.checkpoint.time == 100
