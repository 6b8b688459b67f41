"""Memory: streaming N rows through `iterator()` keeps the client's peak flat in N."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

from generated.contact import Contact
from tests.benchmarks.harness import Figure
from vtorm.client import Client

MB = 1024 * 1024


@contextmanager
def _server_process(count: int) -> Iterator[Client]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.benchmarks.server_process", str(count)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        info = json.loads(process.stdout.readline())
        with Client(info["url"], info["username"], info["access_key"]) as client:
            client.login()
            yield client
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def _peak_streaming(client: Client, rows: int) -> tuple[float, int]:
    """Peak traced allocation growth (bytes) while streaming `rows` records, and the count."""
    query = Contact.objects.all().using(client)[:rows]
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    seen = 0
    for _record in query.iterator():
        seen += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base, seen


def memory(rows: int) -> list[Figure]:
    """Peak growth streaming `rows` records vs streaming a fifth of them."""
    small = rows // 5
    with _server_process(rows) as client:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_small, seen_small = _peak_streaming(client, small)
        peak_full, seen_full = _peak_streaming(client, rows)
        rss_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert (seen_small, seen_full) == (small, rows), (seen_small, seen_full)
    return [
        Figure(
            f"memory: iterator() peak growth, {rows:,} vs {small:,} rows",
            peak_full / MB,
            peak_small / MB,
            "MB",
            "< 40 MB, ratio <= 1.5",
            peak_full / MB < 40 and peak_full / peak_small <= 1.5,
            note=f"tracemalloc; max RSS grew {rss_growth:.1f} MB over both runs",
        )
    ]
