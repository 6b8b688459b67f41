"""Fetching a compiled query page by page, past the server's 100-row cap.

Pages stop at the first empty one, not at a short one: Vtiger 8.4 silently drops rows the
user may not see, so a short page is no proof of the end. Without an explicit order a scan
walks by id (`... AND id > 'last' ORDER BY id`), so records created or deleted meanwhile
cause no skips or duplicates; ordered scans page by offset.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from vtorm.backend import Backend
from vtorm.compiler import CompiledQuery, Group
from vtorm.ids import RecordId
from vtorm.wire import MAX_QUERY_ROWS

__all__ = ["pages", "prefetched_pages"]

Row = dict[str, Any]


def pages(
    backend: Backend,
    compiled: CompiledQuery,
    low: int = 0,
    high: int | None = None,
    page_size: int = MAX_QUERY_ROWS,
) -> Iterator[list[Row]]:
    """Raw rows `low..high` of a compiled query, one list per request (or merged chunk)."""
    if not compiled.groups:
        return iter(())
    if len(compiled.groups) == 1:
        return _scan(backend, compiled, compiled.groups[0], low, high, page_size)
    return _merged(backend, compiled, low, high, page_size)


def _merged(
    backend: Backend, compiled: CompiledQuery, low: int, high: int | None, page_size: int
) -> Iterator[list[Row]]:
    """Split statements' rows merged in id order, each record once, then sliced."""
    scans = [
        (row for page in _scan(backend, compiled, group, 0, None, page_size) for row in page)
        for group in compiled.groups
    ]
    merged = heapq.merge(*scans, key=lambda row: RecordId(row["id"]).crmid)
    unique = itertools.islice(_dedupe_by_id(merged), low, high)
    while chunk := list(itertools.islice(unique, page_size)):
        yield chunk


def _dedupe_by_id(rows: Iterator[Row]) -> Iterator[Row]:
    previous = None
    for row in rows:
        if row["id"] != previous:
            previous = row["id"]
            yield row


def _scan(
    backend: Backend,
    compiled: CompiledQuery,
    group: Group,
    low: int,
    high: int | None,
    page_size: int,
) -> Iterator[list[Row]]:
    """One statement's pages: the first by offset, then by id keyset or further offsets."""
    offset, after = low, None
    remaining = None if high is None else high - low
    while remaining is None or remaining > 0:
        limit = page_size if remaining is None else min(page_size, remaining)
        rows = backend.query(compiled.page(group, offset=offset, limit=limit, after=after))
        if not rows:
            return
        yield rows[:limit]
        if remaining is not None:
            remaining -= min(len(rows), limit)
        if compiled.keyset:
            offset, after = 0, RecordId(rows[-1]["id"])
        else:
            offset += limit


def prefetched_pages(
    backend: Backend,
    compiled: CompiledQuery,
    low: int,
    high: int | None,
    total: int,
    *,
    page_size: int = MAX_QUERY_ROWS,
    prefetch: int = 4,
) -> Iterator[list[Row]]:
    """Pages of a single-statement query with up to `prefetch` requests in flight.

    `total` (from `count()`) fixes the offsets `low, low+100, ...` in advance, so the pages
    can be requested in parallel and still be yielded in order. A sequential scan then
    continues after them until an empty page, for rows the count did not see. Offset
    pages are not keyset pages: a record deleted during the export can shift a later one
    into an already fetched page (a skip); dedicated exports should not run during writes.
    """
    (group,) = compiled.groups
    end = low + total if high is None else min(high, low + total)

    def fetch(offset: int) -> list[Row]:
        limit = min(page_size, end - offset)
        return backend.query(compiled.page(group, offset=offset, limit=limit))[:limit]

    offsets = iter(range(low, end, page_size))
    with ThreadPoolExecutor(max_workers=prefetch, thread_name_prefix="vtorm-page") as pool:
        queue: deque[Future[list[Row]]] = deque(
            pool.submit(fetch, offset) for offset in itertools.islice(offsets, prefetch)
        )
        while queue:
            rows = queue.popleft().result()
            following = next(offsets, None)
            if following is not None:
                queue.append(pool.submit(fetch, following))
            yield rows
    if high is None or end < high:
        yield from _scan(backend, compiled, group, end, high, page_size)
