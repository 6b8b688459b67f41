"""Incremental sync: `Contact.objects.changes(since=checkpoint)` over the `sync` operation.

Changes come page by page, as the server sends them (records changed in the same second
stay together, so a page may exceed 100). The feed's `checkpoint` moves past a page only
once every change of that page has been consumed, so a consumer that dies mid-page and
resumes from the last checkpoint it stored gets those changes again instead of losing them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, cast

from vtorm.backend import Backend, default_backend
from vtorm.errors import InvalidArgument
from vtorm.ids import RecordId
from vtorm.model import Model

__all__ = ["Change", "ChangeFeed", "SyncBackend"]

M = TypeVar("M", bound=Model)


class SyncBackend(Backend, Protocol):
    """A backend that also answers `sync` (records loaded by the feed can be saved)."""

    def sync(self, modified_time: int, module: str | None = None, /) -> Any: ...


@dataclass(frozen=True, slots=True)
class Change(Generic[M]):
    """One change: the record as it is now, or `record=None` when it was deleted."""

    id: RecordId
    record: M | None

    @property
    def deleted(self) -> bool:
        """Whether the record was deleted."""
        return self.record is None


def _epoch(since: int | dt.datetime) -> int:
    if isinstance(since, dt.datetime):
        aware = since if since.tzinfo else since.replace(tzinfo=dt.timezone.utc)
        since = int(aware.timestamp())
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise InvalidArgument(f"since must be epoch seconds >= 0 or a datetime, not {since!r}")
    return max(since, 1)  # the real server answers modifiedTime=0 with HTTP 500


class ChangeFeed(Generic[M]):
    """An iterable of `Change`s after a checkpoint; `checkpoint` is safe to store."""

    def __init__(self, model: type[M], since: int | dt.datetime, backend: SyncBackend) -> None:
        self.model = model
        self.checkpoint = _epoch(since)
        self._backend = backend

    def __iter__(self) -> Iterator[Change[M]]:
        make = self.model.vtiger_from_wire
        while True:
            page = self._backend.sync(self.checkpoint, self.model.vtiger_module)
            for row in page["updated"]:
                yield Change(RecordId(row["id"]), make(row, self._backend))
            for record_id in page["deleted"]:
                yield Change(RecordId(record_id), None)
            # Reached only when the consumer asks for more after the page's last change.
            self.checkpoint = max(self.checkpoint, int(page["lastModifiedTime"]))
            if not page["more"]:
                return


def changes(model: type[M], since: int | dt.datetime, using: SyncBackend | None) -> ChangeFeed[M]:
    """The feed of `model`'s changes after `since`, through `using` or the default client."""
    backend = using if using is not None else cast(SyncBackend, default_backend())
    return ChangeFeed(model, since, backend)
