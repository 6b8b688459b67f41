"""Figures without a server round trip per step: construction, materialisation, codegen,
emulator cold start."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from generated.contact import Contact
from tests.benchmarks.harness import (
    Figure,
    interleaved_item_medians,
    median_seconds,
)
from tests.benchmarks.peers import django_builder, peewee_builder
from tests.benchmarks.served import Served


def vtorm_builder() -> Any:
    """The issue's query, built and compiled to VTQL by vtorm."""
    manager = Contact.objects

    def build() -> object:
        query = (
            manager.filter(lastname__startswith="Sm", account_id="11x42")
            .exclude(leadsource="Web")  # type: ignore[arg-type]  # the issue's query, verbatim
            .order_by("-modifiedtime")[100:150]
        )
        return query.explain()

    return build


def _interleaved(builders: list[Any], *, repeat: int, number: int) -> list[float]:
    """Median seconds per call of each builder, measured in alternating rounds (load drift
    on a shared machine then hits all alike)."""
    samples: list[list[float]] = [[] for _ in builders]
    for _ in range(max(repeat, 5)):
        for builder, times in zip(builders, samples, strict=True):
            times.append(median_seconds(builder, repeat=1, number=number))
    return [statistics.median(times) for times in samples]


def query_construction(repeat: int, number: int = 500) -> list[Figure]:
    """Build + compile the same query in vtorm, peewee and Django."""
    ours, peewee, django = _interleaved(
        [vtorm_builder(), peewee_builder(), django_builder()], repeat=repeat, number=number
    )
    return [
        Figure(
            "query construction vs peewee",
            ours * 1e6,
            peewee * 1e6,
            "us",
            "ratio <= 0.20",
            ours / peewee <= 1 / 5,
        ),
        Figure(
            "query construction vs Django",
            ours * 1e6,
            django * 1e6,
            "us",
            "ratio <= 0.143",
            ours / django <= 1 / 7,
        ),
    ]


def materialisation(ctx: Served, repeat: int) -> list[Figure]:
    """Parsed rows -> Contact models, vs `json.loads` of the same rows."""
    # 50 distinct pages, as a scan sees them (one page repeated would sit in CPU caches).
    statements = [
        f"SELECT * FROM Contacts ORDER BY id LIMIT {offset}, 100;" for offset in range(0, 5000, 100)
    ]
    pages = [ctx.client.query(statement) for statement in statements]
    texts = [json.dumps(page) for page in pages]
    make = Contact.vtiger_from_wire_page  # what every query uses, one page at a time
    count = sum(len(page) for page in pages)
    # Page by page, as a query parses and builds each page; at least 21 runs (about 2 s).
    pairs = list(zip(pages, texts, strict=True))
    build_s, parse_s = interleaved_item_medians(make, json.loads, pairs, repeat=max(repeat, 21))
    return [
        Figure(
            f"materialisation: rows -> models ({count:,} rows)",
            build_s / count * 1e6,
            parse_s / count * 1e6,
            "us/row",
            "ratio <= 1.00",
            build_s <= parse_s,
            note=f"{count / build_s:,.0f} rows/s vs json.loads {count / parse_s:,.0f} rows/s",
        )
    ]


def codegen(ctx: Served, repeat: int) -> list[Figure]:
    """`vtorm generate` for all standard types against the served emulator (in-process)."""
    from codegen.cli import add_arguments, run

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    with tempfile.TemporaryDirectory() as tmp:
        argv = [
            "--url", ctx.server.url, "--username", ctx.server.username,
            "--access-key", ctx.server.access_key, "--output", str(Path(tmp) / "models"),
        ]  # fmt: skip
        args = parser.parse_args(argv)
        out = io.StringIO()

        def generate() -> None:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                assert run(args) == 0

        seconds = median_seconds(generate, repeat=max(3, repeat // 2))
        written = len(list((Path(tmp) / "models").glob("*.py")))
    return [
        Figure(
            f"codegen: vtorm generate, all types ({written} files)",
            seconds,
            0.0,
            "s",
            "< 1.5 s",
            seconds < 1.5,
        )
    ]


_COLD_START = """
import time
start = time.perf_counter()
import vtorm
imported = time.perf_counter()
from vtorm.emulator import Emulator
emulator = Emulator()
emulator.app
print(time.perf_counter() - start, imported - start)
"""


def cold_start(repeat: int) -> list[Figure]:
    """Import + standard schema + database, in a fresh interpreter (startup excluded).

    Measured as an installed package runs: with its modules' bytecode compiled (this
    machine sets PYTHONDONTWRITEBYTECODE, under which every start would compile vtorm from
    source). The bytecode goes to a temporary PYTHONPYCACHEPREFIX, written by a first,
    untimed run. The note splits off the import of the `vtorm` package itself.
    """
    totals, imports = [], []
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        command = [sys.executable, "-c", _COLD_START]
        subprocess.run(command, capture_output=True, text=True, check=True, env=env)
        for _ in range(repeat):
            done = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
            total, imported = (float(part) for part in done.stdout.split())
            totals.append(total)
            imports.append(imported)
    seconds = statistics.median(totals)
    package = statistics.median(imports)
    return [
        Figure(
            "emulator: cold start, standard schema",
            seconds * 1000,
            0.0,
            "ms",
            "<= 150 ms",
            seconds <= 0.15,
            note=f"of which importing the vtorm package: {package * 1000:.0f} ms",
        )
    ]
