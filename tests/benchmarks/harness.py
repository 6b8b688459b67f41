"""Timing and reporting helpers shared by the benchmark figures."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


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
