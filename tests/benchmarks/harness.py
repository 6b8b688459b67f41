"""Timing and reporting helpers shared by the benchmark figures."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Figure:
    """One row of the table: vtorm's number, the baseline's, and the goal for their ratio."""

    name: str
    vtorm: float
    baseline: float
    unit: str
    goal: str
    met: bool | None  # None: reported, no goal
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.vtorm / self.baseline if self.baseline else float("inf")


def median_seconds(fn: Callable[[], object], *, repeat: int = 5, number: int = 1) -> float:
    """Median wall time of `number` calls of `fn`, over `repeat` runs, after one warm-up run."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def interleaved_medians(
    first: Callable[[], object],
    second: Callable[[], object],
    *,
    repeat: int = 5,
    warmup: bool = True,
) -> tuple[float, float]:
    """Median wall times of two functions run alternately, so drift in the machine's load
    hits both alike; one warm-up run each (unless `warmup=False`, for runs of many seconds
    against a server that is already warm)."""
    if warmup:
        first()
        second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        for fn, samples in ((first, a), (second, b)):
            start = time.perf_counter()
            fn()
            samples.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def interleaved_item_medians(
    first: Callable[[T], object],
    second: Callable[[U], object],
    items: Sequence[tuple[T, U]],
    *,
    repeat: int = 5,
) -> tuple[float, float]:
    """Median wall times of `first` over every item's first half and of `second` over every
    second half, alternating item by item within each run; one warm-up run.

    For many short steps (a page each): alternating whole runs leaves tens of milliseconds
    between the two sides, and load drift on a shared machine over that gap moved the ratio
    of their medians by +-8% between invocations; alternating each item puts both under the
    same load. Items are visited in turn, so each finds the caches as a scan leaves them.
    """
    clock = time.perf_counter
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat + 1):
        first_s = second_s = 0.0
        for x, y in items:
            start = clock()
            first(x)
            middle = clock()
            second(y)
            first_s += middle - start
            second_s += clock() - middle
        a.append(first_s)
        b.append(second_s)
    return statistics.median(a[1:]), statistics.median(b[1:])


def render_table(figures: list[Figure]) -> str:
    header = ("figure", "vtorm", "baseline", "ratio", "goal", "met")
    rows = [header]
    for f in figures:
        rows.append(
            (
                f.name,
                f"{f.vtorm:.4g} {f.unit}",
                f"{f.baseline:.4g} {f.unit}" if f.baseline else "-",
                f"{f.ratio:.3f}" if f.baseline else "-",
                f.goal,
                "-" if f.met is None else "yes" if f.met else "NO",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
        for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def write_json(figures: list[Figure], path: Path) -> None:
    data = [{**asdict(f), "ratio": f.ratio if f.baseline else None} for f in figures]
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
