"""Memory: streaming N rows through `iterator()`, or N creates through `bulk_create_iter()`
from a generator, keeps the client's peak flat in N."""

from __future__ import annotations

import itertools
import tracemalloc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

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


class _InstantServer:
    """A backend answering each create at once with what a server stores (id, number,
    timestamps): the bulk machinery's memory alone, without an HTTP server to wait for.
    (A client keeps nothing per request, and 100,000 creates over HTTP take minutes.)"""

    user_id = "19x1"

    def __init__(self) -> None:
        self._crmids = itertools.count(1)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        crmid = next(self._crmids)
        stamp = "2026-12-01 20:00:00"
        return {
            **element, "id": f"12x{crmid}", "contact_no": f"CON{crmid}",
            "createdtime": stamp, "modifiedtime": stamp,
        }  # fmt: skip

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        raise AssertionError("bulk_create sends no query")

    def retrieve(self, id: str, /) -> dict[str, Any]:
        raise AssertionError("bulk_create sends no retrieve")

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        raise AssertionError("bulk_create sends no revise")

    def delete(self, id: str, /) -> None:
        raise AssertionError("bulk_create sends no delete")


def _peak_bulk(count: int) -> tuple[float, int]:
    """Peak traced growth while `count` generated records stream through bulk_create_iter."""

    def generated() -> Iterator[Contact]:
        for n in range(count):
            yield Contact(lastname=f"Stream {n}", email=f"stream.{n}@example.com")

    outcomes = Contact.objects.using(_InstantServer()).bulk_create_iter(generated())
    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    created = 0
    for outcome in outcomes:
        assert outcome.ok and outcome.record.id is not None, outcome
        created += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak - base, created


def bulk_memory(records: int) -> list[Figure]:
    """Peak growth creating `records` records from a generator vs a fifth of them."""
    small = records // 5
    peak_small, created_small = _peak_bulk(small)
    peak_full, created_full = _peak_bulk(records)
    assert (created_small, created_full) == (small, records)
    return [
        Figure(
            f"memory: bulk_create_iter() peak growth, {records:,} vs {small:,} creates",
            peak_full / MB,
            peak_small / MB,
            "MB",
            "< 40 MB, ratio <= 1.5",
            peak_full / MB < 40 and peak_full / peak_small <= 1.5,
            note="tracemalloc; records from a generator, a backend that answers at once",
        )
    ]
