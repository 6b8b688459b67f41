"""Running what the server cannot answer alone: its pages, then the residual, then slices.

A query with a residual (`vtorm.query.residual`) scans every row of its server part (by id,
or in the server's order when that is the query's order), keeps the rows the residual
accepts, sorts them if the residual orders, and only then slices: a slice of the server's
rows would not be a slice of the result. Negative slices (`[-5:]`) of a query the server
answers cost one `count()` first, then only the rows of the slice are fetched.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

from vtorm.query.backend import Backend
from vtorm.query.compiler import Split
from vtorm.query.pages import pages
from vtorm.wire import MAX_QUERY_ROWS

__all__ = ["LOG", "describe_slices", "evaluated_rows"]

Row = dict[str, Any]
LOG = logging.getLogger("vtorm")


def evaluated_rows(
    backend: Backend,
    split: Split,
    low: int,
    high: int | None,
    tail: tuple[slice, ...],
    total: Callable[[], int],
    *,
    overlap: bool = False,
) -> Iterator[Row]:
    """The rows `[low:high]` then `[tail...]` of a split query (`total` counts the server rows).

    `overlap` as for `pages()`: only when the caller sends no requests between rows.
    """
    residual = split.residual
    if residual is None:
        yield from _sliced_server_rows(backend, split, low, high, tail, total, overlap)
        return
    LOG.debug(
        "evaluating part of a %s query in Python: %s",
        split.server.module,
        "; ".join(residual.reasons),
    )
    chunks = pages(backend, split.server, 0, None, MAX_QUERY_ROWS, overlap=overlap)
    with closing(chunks):
        rows = itertools.chain.from_iterable(chunks)
        window = itertools.islice(residual.apply(rows), low, high)
        if not tail:
            yield from window
            return
        yield from _python_slices(list(window), tail)


def _sliced_server_rows(
    backend: Backend,
    split: Split,
    low: int,
    high: int | None,
    tail: tuple[slice, ...],
    total: Callable[[], int],
    overlap: bool,
) -> Iterator[Row]:
    """A query the server answers, sliced with negative bounds: one count, then the rows."""
    if not low and high is None and len(tail) == 1:
        start, stop, _ = tail[0].indices(total())
        if stop <= start:
            return
        chunks = pages(backend, split.server, start, stop, MAX_QUERY_ROWS, overlap=overlap)
        with closing(chunks):
            yield from itertools.chain.from_iterable(chunks)
        return
    chunks = pages(backend, split.server, low, high, MAX_QUERY_ROWS, overlap=overlap)
    with closing(chunks):
        rows = list(itertools.chain.from_iterable(chunks))
    yield from _python_slices(rows, tail)


def _python_slices(rows: list[Row], tail: tuple[slice, ...]) -> list[Row]:
    for step in tail:
        rows = rows[step]
    return rows


def describe_slices(low: int, high: int | None, tail: tuple[slice, ...]) -> str:
    """`[low:high][a:b]...` as Python writes it ("" for no slice at all)."""

    def text(step: slice) -> str:
        start = "" if step.start is None else str(step.start)
        stop = "" if step.stop is None else str(step.stop)
        return f"[{start}:{stop}]"

    window = "" if not low and high is None else text(slice(low or None, high))
    return window + "".join(text(step) for step in tail)
