"""Incremental sync: `Contact.objects.changes(since=checkpoint)` over the `sync` operation.

Changes come page by page, as the server sends them (records changed in the same second
stay together, so a page may exceed 100). The feed's `checkpoint` moves past a page only
once every change of that page has been consumed, so a consumer that dies mid-page and
resumes from the last checkpoint it stored gets those changes again instead of losing them.
Each iteration starts one second before the checkpoint (the server compares whole seconds),
so a change can be delivered twice but is never skipped: apply changes idempotently.

Stock Vtiger 8.0-8.4 on PHP 8 answers `sync` with HTTP 500; the feed then falls back to
`modifiedtime > checkpoint` queries, which see updates but cannot see deletions
(`feed.sees_deletions` turns False).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from vtorm.errors import InvalidArgument, ServerError, UsageError
from vtorm.ids import RecordId
from vtorm.query.backend import Backend, default_backend
from vtorm.query.compiler import QueryDescription, compile_query, filter_formula
from vtorm.query.pages import pages

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["Change", "ChangeFeed", "SyncBackend"]

M = TypeVar("M", bound="Model")


@runtime_checkable
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
        #: False once the feed fell back to modifiedtime queries, which cannot see deletions.
        self.sees_deletions = True
        self._backend = backend

    def _by_modifiedtime(self) -> Iterator[Change[M]]:
        """Changes read by `modifiedtime > checkpoint` queries, oldest first (no deletions).

        The checkpoint moves to a second only once every record modified in it was consumed.
        """
        name = self.model.vtiger_wire_names.get("modifiedtime")
        if name is None:
            raise UsageError(f"{self.model.__name__} has no modifiedtime field to follow")
        since = dt.datetime.fromtimestamp(self.checkpoint, dt.timezone.utc).replace(tzinfo=None)
        pending: int | None = None
        for record in self._modified_after(name, since):
            stamp = getattr(record, name)
            second = int(stamp.replace(tzinfo=dt.timezone.utc).timestamp())
            if pending is not None and second > pending:
                self.checkpoint = max(self.checkpoint, pending)
            pending = second
            assert record.id is not None
            yield Change(record.id, record)
        if pending is not None:
            self.checkpoint = max(self.checkpoint, pending)

    def _modified_after(self, name: str, since: dt.datetime) -> Iterator[M]:
        """Records with `name > since`, oldest first, paged as any ordered scan."""
        fields = self.model.vtiger_fields
        where = filter_formula(fields, (), {f"{name}__gt": since})
        description = QueryDescription(self.model.vtiger_module, fields, where, order_by=(name,))
        for rows in pages(self._backend, compile_query(description)):
            yield from self.model.vtiger_from_wire_page(rows, self._backend)

    def __iter__(self) -> Iterator[Change[M]]:
        make = self.model.vtiger_from_wire
        # The server reports `modifiedtime > since` in whole seconds, so records changed
        # later within the checkpoint's own second would be lost: start one second early
        # (re-delivering a few changes, which a mirror keyed by id absorbs).
        since = max(self.checkpoint - 1, 1)
        while True:
            try:
                page = self._backend.sync(since, self.model.vtiger_module)
            except ServerError as exc:
                if exc.http_status != 500:
                    raise
                # Stock Vtiger 8.0-8.4 on PHP 8 cannot run sync at all (HTTP 500, empty body).
                self.sees_deletions = False
                yield from self._by_modifiedtime()
                return
            for row in page["updated"]:
                yield Change(RecordId(row["id"]), make(row, self._backend))
            for record_id in page["deleted"]:
                yield Change(RecordId(record_id), None)
            # Reached only when the consumer asks for more after the page's last change.
            since = int(page["lastModifiedTime"])
            self.checkpoint = max(self.checkpoint, since)
            if not page["more"]:
                return


def changes(model: type[M], since: int | dt.datetime, using: Backend | None) -> ChangeFeed[M]:
    """The feed of `model`'s changes after `since`, through `using` or the default client.

    `UsageError` if that client cannot answer `sync` (a fake backend, say).
    """
    backend = using if using is not None else default_backend()
    if not isinstance(backend, SyncBackend):
        raise UsageError(f"{type(backend).__name__} cannot answer sync, so it has no change feed")
    return ChangeFeed(model, since, backend)
