"""Memory: streaming N rows through `iterator()` keeps the client's peak flat in N."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager

from generated.contact import Contact
from tests.benchmarks.harness import Figure
from tests.benchmarks.served import server_process
from vtorm.client import Client

MB = 1024 * 1024


@contextmanager
def _client_of_process(count: int) -> Iterator[Client]:
    with server_process(count) as info:
        client = Client(info["url"], info["username"], info["access_key"])
        with client:
            client.login()
            yield client


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
    with _client_of_process(rows) as client:
        peak_small, seen_small = _peak_streaming(client, small)
        peak_full, seen_full = _peak_streaming(client, rows)
    assert (seen_small, seen_full) == (small, rows), (seen_small, seen_full)
    return [
        Figure(
            f"memory: iterator() peak growth, {rows:,} vs {small:,} rows",
            peak_full / MB,
            peak_small / MB,
            "MB",
            "< 40 MB, ratio <= 1.5",
            peak_full / MB < 40 and peak_full / peak_small <= 1.5,
            note="tracemalloc: the client process's Python allocations (server apart)",
        )
    ]
