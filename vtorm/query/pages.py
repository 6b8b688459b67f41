"""Fetching a compiled query page by page, past the server's 100-row cap.

Pages stop at the first empty one, not at a short one: Vtiger 8.4 silently drops rows the
user may not see, so a short page is no proof of the end. Without an explicit order a scan
walks by id (`... AND id > 'last' ORDER BY id`), so records created or deleted meanwhile
cause no skips or duplicates; ordered scans page by offset.

A single keyset scan can overlap: as soon as a non-empty page arrives, the request for the
next one (the statement the sequential loop would send next, since it needs only the page's
last id) goes out on one background thread while the consumer turns the page into models.
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from typing import Any

from vtorm.ids import RecordId
from vtorm.query.backend import Backend
from vtorm.query.compiler import CompiledQuery
from vtorm.query.planner import Step, Window, first_step, planned_steps
from vtorm.wire import MAX_QUERY_ROWS

__all__ = ["pages", "prefetched_pages"]

Row = dict[str, Any]


def pages(
    backend: Backend,
    compiled: CompiledQuery,
    low: int = 0,
    high: int | None = None,
    page_size: int = MAX_QUERY_ROWS,
    *,
    overlap: bool = False,
) -> Generator[list[Row], None, None]:
    """Raw rows `low..high` of a compiled query, one list per request (or merged chunk).

    `overlap=True` lets a single keyset scan request the next page while the caller works
    on the current one (see `_scan`). Only for callers that send no requests of their own
    between pages, or the server would see them in another order. Split queries stay
    sequential: their merge may stop a statement's scan before its next page.
    """
    if len(compiled.groups) == 1:
        first = first_step(compiled, compiled.groups[0], Window(low, high), page_size)
        yield from _scan(backend, first, overlap=overlap and compiled.keyset)
    elif compiled.groups:
        yield from _merged(backend, compiled, low, high, page_size)


def _merged(
    backend: Backend, compiled: CompiledQuery, low: int, high: int | None, page_size: int
) -> Iterator[list[Row]]:
    """Split statements' rows merged in id order, each record once, then sliced."""
    firsts = [first_step(compiled, group, Window(), page_size) for group in compiled.groups]
    scans = [(row for page in _scan(backend, first) for row in page) for first in firsts]
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


def _scan(backend: Backend, first: Step | None, *, overlap: bool = False) -> Iterator[list[Row]]:
    """One statement's pages, from `first` on, each next step as the planner says.

    With `overlap`, the next page's request is sent before the current page is yielded
    (only when the sequential loop would send it: the page was non-empty and the slice is
    not exhausted), so it travels while the caller builds models. Its answer, or its error,
    is taken when the caller asks for that page, as before. A caller that stops early
    leaves at most that one request, already sent; closing the generator waits for it.
    """
    if first is None:
        return
    step: Step | None = first
    receive: Callable[[], list[Row]] = partial(backend.query, first.statement)
    ahead = _OneAhead(backend) if overlap else None
    try:
        while step is not None and (rows := receive()):
            page = step.kept(rows)
            step = step.next(rows)
            if step is not None:
                send = partial(backend.query, step.statement)
                receive = send if ahead is None else ahead.send(step.statement)
            yield page
    finally:
        if ahead is not None:
            ahead.close()


class _OneAhead:
    """One request in flight on a worker thread, started on first use."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._worker: ThreadPoolExecutor | None = None

    def send(self, statement: str) -> Callable[[], list[Row]]:
        """Send `statement` now; the returned call waits for its rows (or raises its error).

        Returns once the worker runs: it then holds the interpreter lock until the request
        is on the socket. Returning at once would let the caller's model building keep the
        lock, and the request would leave only after it, overlapping nothing.
        """
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vtorm-next-page")
        running = threading.Event()

        def query() -> list[Row]:
            running.set()
            return self._backend.query(statement)

        future = self._worker.submit(query)
        running.wait()
        return future.result

    def close(self) -> None:
        """Wait for a request still in flight (its answer is dropped) and end the thread."""
        if self._worker is not None:
            self._worker.shutdown(wait=True)
            self._worker = None


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

    def fetch(step: Step) -> list[Row]:
        return step.kept(backend.query(step.statement))

    steps = iter(planned_steps(compiled, group, Window(low, end), page_size))
    with ThreadPoolExecutor(max_workers=prefetch, thread_name_prefix="vtorm-page") as pool:
        queue: deque[Future[list[Row]]] = deque(
            pool.submit(fetch, step) for step in itertools.islice(steps, prefetch)
        )
        while queue:
            rows = queue.popleft().result()
            following = next(steps, None)
            if following is not None:
                queue.append(pool.submit(fetch, following))
            yield rows
    if high is None or end < high:
        yield from _scan(backend, first_step(compiled, group, Window(end, high), page_size))
