"""`python -m tests.benchmarks [--quick] [--only NAME ...]`: run the figures, print the table.

Writes the same figures to tests/benchmarks/results.json (gitignored). Figures: iteration,
latency, construction, materialisation, codegen, memory, emulator, suite, writes, writes-real.
The emulator figures compare with a real server when VTORM_LIVE_URL, VTORM_LIVE_USERNAME and
VTORM_LIVE_ACCESS_KEY are set; writes-real needs them (it is left out unless named).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.benchmarks import (
    figures_bulk,
    figures_local,
    figures_memory,
    figures_server,
    figures_wire,
)
from tests.benchmarks.harness import Figure, render_table, write_json
from tests.benchmarks.served import Served, served

RESULTS = Path(__file__).with_name("results.json")

# name -> (needs the served 5,000 contacts, runner(context, repeat, quick))
Runner = Callable[["Served | None", int, bool], list[Figure]]


def _needs(fn: Callable[[Served, int], list[Figure]]) -> Runner:
    def run(ctx: Served | None, repeat: int, quick: bool) -> list[Figure]:
        assert ctx is not None
        return fn(ctx, repeat)

    return run


FIGURES: dict[str, tuple[bool, Runner]] = {
    "iteration": (True, _needs(figures_wire.iteration_overhead)),
    "latency": (True, _needs(figures_wire.latency_export)),
    "construction": (False, lambda ctx, repeat, quick: figures_local.query_construction(repeat)),
    "materialisation": (True, _needs(figures_local.materialisation)),
    "codegen": (True, _needs(figures_local.codegen)),
    "memory": (
        False,
        lambda ctx, repeat, quick: [
            *figures_memory.memory(20_000 if quick else 100_000),
            *figures_memory.bulk_memory(20_000 if quick else 100_000),
        ],
    ),
    "emulator": (
        False,
        lambda ctx, repeat, quick: [
            *figures_local.cold_start(repeat),
            *figures_server.http_pages(repeat),
            *figures_server.wsgi_pages(repeat),
        ],
    ),
    # One run of the fast tests (about a minute): not alternated, it has no baseline.
    "suite": (False, lambda ctx, repeat, quick: figures_server.test_suite()),
    # Five alternating runs (three with --quick): each full one takes about 70 s.
    "writes": (
        False,
        lambda ctx, repeat, quick: figures_bulk.parallel_writes(3 if quick else 5, quick),
    ),
    "writes-real": (False, lambda ctx, repeat, quick: figures_bulk.real_server_writes(3)),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer runs, 20,000 rows for memory")
    parser.add_argument(
        "--only", action="append", choices=sorted(FIGURES), metavar="NAME",
        help=f"run only this figure (repeatable): {', '.join(FIGURES)}",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=None, help="runs per median (default 7)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the JSON file to write")
    args = parser.parse_args(argv)
    repeat = args.repeat or (3 if args.quick else 7)
    wanted = args.only or [name for name in FIGURES if name != "writes-real"]
    figures: list[Figure] = []
    needs_server = any(FIGURES[name][0] for name in wanted)
    with served(5_000) if needs_server else _nothing() as ctx:
        for name in wanted:
            started = time.perf_counter()
            figures.extend(FIGURES[name][1](ctx, repeat, args.quick))
            print(f"  {name}: {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(render_table(figures))
    for figure in figures:
        if figure.note:
            print(f"- {figure.name}: {figure.note}")
    write_json(figures, args.output)
    return 0 if all(f.met is not False for f in figures) else 1


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    sys.exit(main())
