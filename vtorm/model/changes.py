"""Incremental sync: `Contact.objects.changes(since=checkpoint)` over the `sync` operation.

Changes come page by page, as the server sends them (records changed in the same second
stay together, so a page may exceed 100). The feed's `checkpoint` moves past a page only
once every change of that page has been consumed, so a consumer that dies mid-page and
resumes from the last checkpoint it stored gets those changes again instead of losing them.

The server compares whole seconds, so each iteration starts one second before the
checkpoint (a record changed later within the checkpoint's second would be lost otherwise).
What that second re-sends is what the checkpoint already delivered: it records those changes
(id and a fingerprint of the row), and the feed skips them, so a re-run delivers only what is
new. A record changed again within the same second has another fingerprint and comes again.

Stock Vtiger 8.0-8.4 on PHP 8 answers `sync` with HTTP 500. After one retry the feed falls
back to `modifiedtime >= checkpoint` queries, which see updates but cannot see deletions:
`feed.sees_deletions` turns False, `feed.fallback_reason` says why, and a
`SyncFallbackWarning` is issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from vtorm.errors import InvalidArgument, ServerError, UsageError
from vtorm.ids import RecordId
from vtorm.query.backend import Backend, default_backend, server_timezone
from vtorm.query.compiler import QueryDescription, compile_query, filter_formula
from vtorm.query.pages import pages

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["Change", "ChangeFeed", "Checkpoint", "SyncBackend", "SyncFallbackWarning"]

M = TypeVar("M", bound="Model")
#: Seconds the feed waits before sending a failed `sync` again.
SYNC_RETRY_DELAY = 1.0


class SyncFallbackWarning(UserWarning):
    """The server could not answer `sync`: the feed reads modifiedtime and misses deletions."""


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


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Where a feed stands: every change before second `time` was delivered, and `seen`
    lists the changes of `time` itself that were (`id=fingerprint`, or `id=-` for a delete).

    Store `str(checkpoint)` and pass it back as `since=`: `"1764620372:12x5=9f2c...,12x9=-"`.
    """

    time: int
    seen: frozenset[str] = field(default=frozenset())

    def __str__(self) -> str:
        return f"{self.time}:{','.join(sorted(self.seen))}" if self.seen else str(self.time)

    def __int__(self) -> int:
        return self.time

    @classmethod
    def parse(cls, token: str) -> Checkpoint:
        """The checkpoint `str()` wrote; `InvalidArgument` for anything else."""
        head, _, tail = token.strip().partition(":")
        if not head.isdigit() or not head.isascii():
            raise InvalidArgument(f"{token!r} is not a checkpoint like '1764620372:12x5=9f2c'")
        seen = frozenset(key for key in tail.split(",") if key)
        if any(not _is_key(key) for key in seen):
            raise InvalidArgument(f"{token!r} is not a checkpoint like '1764620372:12x5=9f2c'")
        return cls(max(int(head), 1), seen)

    def advanced(self, second: int, delivered: Iterable[str]) -> Checkpoint:
        """This checkpoint after `delivered` changes of `second` (all earlier ones consumed)."""
        if second < self.time:
            return self  # the server echoes `since` when nothing matched
        if second == self.time:
            return Checkpoint(second, self.seen | frozenset(delivered))
        return Checkpoint(second, frozenset(delivered))


def _is_key(key: str) -> bool:
    record_id, separator, mark = key.partition("=")
    return bool(separator) and RecordId.is_valid(record_id) and (mark == "-" or mark.isalnum())


def fingerprint(row: Mapping[str, Any]) -> str:
    """`id=hash` of a wire row: the same row always gives the same key, another row another."""
    text = json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)
    return f"{row.get('id')}={hashlib.blake2b(text.encode(), digest_size=8).hexdigest()}"


def _checkpoint(since: int | dt.datetime | Checkpoint | str, zone: dt.tzinfo) -> Checkpoint:
    """`since` as a checkpoint; a naive datetime is the server's wall clock (in `zone`)."""
    if isinstance(since, Checkpoint):
        return since
    if isinstance(since, str):
        return Checkpoint.parse(since)
    if isinstance(since, dt.datetime):
        aware = since if since.utcoffset() is not None else since.replace(tzinfo=zone)
        since = int(aware.timestamp())
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        raise InvalidArgument(
            f"since must be epoch seconds >= 0, a datetime or a checkpoint, not {since!r}"
        )
    return Checkpoint(max(since, 1))  # the real server answers modifiedTime=0 with HTTP 500


class ChangeFeed(Generic[M]):
    """An iterable of `Change`s after a checkpoint; `str(feed.checkpoint)` is safe to store."""

    def __init__(
        self, model: type[M], since: int | dt.datetime | Checkpoint | str, backend: SyncBackend
    ) -> None:
        self.model = model
        self.checkpoint = _checkpoint(since, server_timezone(backend))
        #: False once the feed fell back to modifiedtime queries, which cannot see deletions.
        self.sees_deletions = True
        #: Why the feed fell back (the server's error), or None while it reads `sync`.
        self.fallback_reason: str | None = None
        self._backend = backend

    def _second(self, record: M) -> int | None:
        """The epoch second `record` was last modified, if the model has modifiedtime."""
        name = self.model.vtiger_wire_names.get("modifiedtime")
        stamp = getattr(record, name, None) if name else None
        return int(stamp.timestamp()) if isinstance(stamp, dt.datetime) else None

    def _by_modifiedtime(self) -> Iterator[Change[M]]:
        """Changes read by `modifiedtime >= checkpoint` queries, oldest first (no deletions).

        Records come in modifiedtime order, so once one is consumed every earlier second is
        done: the checkpoint moves to its second and records it as seen.
        """
        name = self.model.vtiger_wire_names.get("modifiedtime")
        if name is None:
            raise UsageError(f"{self.model.__name__} has no modifiedtime field to follow")
        since = dt.datetime.fromtimestamp(self.checkpoint.time, dt.timezone.utc)
        skip = self.checkpoint.seen
        for record, key in self._modified_since(name, since):
            if key in skip:
                continue
            assert record.id is not None  # query rows always carry their id
            yield Change(record.id, record)
            second = self._second(record)
            if second is not None:
                self.checkpoint = self.checkpoint.advanced(second, (key,))

    def _modified_since(self, name: str, since: dt.datetime) -> Iterator[tuple[M, str]]:
        """Records with `name >= since` and their keys, oldest first, paged as any scan."""
        fields = self.model.vtiger_fields
        where = filter_formula(fields, (), {f"{name}__gte": since})
        zone = server_timezone(self._backend)
        description = QueryDescription(
            self.model.vtiger_module, fields, where, order_by=(name,), timezone=zone
        )
        for rows in pages(self._backend, compile_query(description)):
            keys = [fingerprint(row) for row in rows]  # before the model keeps the rows
            yield from zip(self.model.vtiger_from_wire_page(rows, self._backend), keys, strict=True)

    def _sync(self, since: int) -> Any:
        """One `sync` page, sent a second time after an HTTP 500; None if both failed."""
        for attempt in (1, 2):
            try:
                return self._backend.sync(since, self.model.vtiger_module)
            except ServerError as exc:
                if exc.http_status != 500:
                    raise
                if attempt == 2:
                    self._fall_back(exc)
                    return None
                time.sleep(SYNC_RETRY_DELAY)
        return None  # not reached

    def _fall_back(self, error: ServerError) -> None:
        self.sees_deletions = False
        self.fallback_reason = f"sync failed twice ({error.message or 'HTTP 500'})"
        warnings.warn(
            f"{self.model.vtiger_module}: the server cannot answer sync ({self.fallback_reason});"
            " reading modifiedtime instead, which does not see deletions",
            SyncFallbackWarning,
            stacklevel=3,
        )

    def __iter__(self) -> Iterator[Change[M]]:
        # The server reports `modifiedtime > since` in whole seconds, so records changed
        # later within the checkpoint's own second would be lost: start one second early;
        # what that second re-sends and the checkpoint saw already is skipped.
        since = max(self.checkpoint.time - 1, 1)
        while True:
            page = self._sync(since)
            if page is None:
                yield from self._by_modifiedtime()
                return
            yield from self._page_changes(page)
            # Reached only when the consumer asks for more after the page's last change.
            since = int(page["lastModifiedTime"])
            if not page["more"]:
                return

    def _page_changes(self, page: Mapping[str, Any]) -> Iterator[Change[M]]:
        """The changes of one page not yet delivered; the checkpoint moves once all are."""
        make, skip = self.model.vtiger_from_wire, self.checkpoint.seen
        last = int(page["lastModifiedTime"])
        delivered: list[str] = []
        for row in page["updated"]:
            key = fingerprint(row)
            if key in skip:
                continue
            record = make(row, self._backend)
            yield Change(RecordId(row["id"]), record)
            if self._second(record) == last:
                delivered.append(key)
        for record_id in page["deleted"]:
            key = f"{record_id}=-"
            if key in skip:
                continue
            yield Change(RecordId(record_id), None)
            delivered.append(key)  # a deletion's time is not sent: remember it anyway
        self.checkpoint = self.checkpoint.advanced(last, delivered)


def changes(
    model: type[M], since: int | dt.datetime | Checkpoint | str, using: Backend | None
) -> ChangeFeed[M]:
    """The feed of `model`'s changes after `since`, through `using` or the default client.

    `UsageError` if that client cannot answer `sync` (a fake backend, say).
    """
    backend = using if using is not None else default_backend()
    if not isinstance(backend, SyncBackend):
        raise UsageError(f"{type(backend).__name__} cannot answer sync, so it has no change feed")
    return ChangeFeed(model, since, backend)
