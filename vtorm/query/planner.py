"""The page planner: which statements fetch rows `low..high` of a compiled query.

Pure: a compiled query and a `Window` (the slice, as query data) in, statements out. Every
path that sends a SELECT asks here (iteration, `explain()`, `count()`, `get()`/`exists()`,
prefetched exports), so the offset and limit arithmetic exists once.

A scan is a chain of `Step`s. The first starts at `low`; each next one is known only once
the previous page's rows are in: a scan by id continues after the page's last id (`id >
'12x300'`), an ordered scan at the next offset. Pages stop at the first empty one, since
the server may return short pages when it drops rows the user may not see.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from vtorm.errors import InvalidArgument
from vtorm.ids import RecordId
from vtorm.query.compiler import CompiledQuery, Group
from vtorm.wire import MAX_QUERY_ROWS

__all__ = ["Step", "Window", "explain", "first_step", "planned_steps"]


@dataclass(frozen=True, slots=True)
class Window:
    """Rows `low..high` of a query's results (`high=None`: to the end), as slicing sets it."""

    low: int = 0
    high: int | None = None

    @property
    def span(self) -> int | None:
        """How many rows the window holds at most (None: no bound)."""
        return None if self.high is None else self.high - self.low

    @property
    def bounded(self) -> bool:
        """Whether the window was sliced at all."""
        return bool(self.low) or self.high is not None

    def sliced(self, start: int, stop: int | None) -> Window:
        """This window sliced again with `[start:stop]` (both relative to this window)."""
        if start < 0 or (stop is not None and stop < 0):
            raise InvalidArgument("negative slice bounds are not supported")
        low = self.low + start
        high = self.high
        if stop is not None:
            high = self.low + stop if high is None else min(self.low + stop, high)
        return Window(low, None if high is None else max(high, low))

    def clip(self, total: int) -> int:
        """How many of `total` matching rows fall inside the window."""
        inside = max(0, total - self.low)
        span = self.span
        return inside if span is None else min(inside, span)


@dataclass(frozen=True, slots=True)
class Step:
    """One page of a scan: the statement to send, and how many of its rows belong to it.

    `remaining` counts the rows the window still wants from here on (None: no bound).
    """

    compiled: CompiledQuery
    group: Group
    offset: int
    after: RecordId | None
    limit: int
    remaining: int | None
    page_size: int

    @property
    def statement(self) -> str:
        """The VTQL text of this page."""
        return self.compiled.page(
            self.group, offset=self.offset, limit=self.limit, after=self.after
        )

    def kept(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows of this page's answer that belong to the result."""
        return rows[: self.limit]

    def next(self, rows: Sequence[dict[str, Any]]) -> Step | None:
        """The page after this one, given this one's answer; None when the scan is over.

        An empty page ends the scan, so does a full window. A scan by id goes on after the
        last id kept; an ordered scan at the next offset (a short page does not shift it:
        the rows the server hid are still there).
        """
        page = rows[: self.limit]
        if not page:
            return None
        remaining = None if self.remaining is None else self.remaining - len(page)
        if remaining is not None and remaining <= 0:
            return None
        limit = self.page_size if remaining is None else min(self.page_size, remaining)
        if self.compiled.keyset:
            after = RecordId(page[-1]["id"])
            return replace(self, offset=0, after=after, limit=limit, remaining=remaining)
        offset = self.offset + self.limit
        return replace(self, offset=offset, limit=limit, remaining=remaining)


def first_step(
    compiled: CompiledQuery, group: Group, window: Window, page_size: int = MAX_QUERY_ROWS
) -> Step | None:
    """The first page of `group`'s rows in `window`; None when the window is empty."""
    span = window.span
    if span is not None and span <= 0:
        return None
    limit = page_size if span is None else min(page_size, span)
    return Step(compiled, group, window.low, None, limit, span, page_size)


def planned_steps(
    compiled: CompiledQuery, group: Group, window: Window, page_size: int = MAX_QUERY_ROWS
) -> tuple[Step, ...]:
    """Every page of a bounded window by offset, as if each came back full.

    What an ordered slice sends, and what a prefetched export requests in parallel once a
    count has bounded it. A scan by id cannot be planned: its pages depend on the ids.
    """
    if window.high is None:
        raise InvalidArgument("only a bounded window can be planned page by page")
    end = window.high
    return tuple(
        Step(compiled, group, offset, None, min(page_size, end - offset), end - offset, page_size)
        for offset in range(window.low, end, page_size)
    )


def explain(compiled: CompiledQuery, window: Window) -> str:
    """The statements a query sends for `window`, one per line ("" when none is sent).

    An ordered, bounded window lists every page; a scan by id its first page (the later
    ones follow the ids returned); split statements the first page of each (their rows are
    merged, then sliced).
    """
    groups = compiled.groups
    if len(groups) != 1:
        steps = [first_step(compiled, group, Window()) for group in groups]
    elif window.high is not None and not compiled.keyset:
        steps = list(planned_steps(compiled, groups[0], window))
    else:
        steps = [first_step(compiled, groups[0], window)]
    return "\n".join(step.statement for step in steps if step is not None)
