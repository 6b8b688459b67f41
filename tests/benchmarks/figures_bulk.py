"""Writes in parallel: `bulk_create` and `QuerySet.update()` on a 20 ms link vs a `save()` loop.

The server runs in its own process with 20 ms added to every request (as for the latency
export), so its work does not compete with the client's threads for one interpreter lock.
The baseline is what one writes without bulk calls: a loop of `save()`, for the revises
over the same QuerySet fetched with the same column. Both send the same requests (checked
on every run), and the runs alternate so load drift hits both alike.

With `VTORM_LIVE_URL`, `VTORM_LIVE_USERNAME` and `VTORM_LIVE_ACCESS_KEY` set, the
`writes-real` figure does the same for 200 creates against that real CRM (it leaves them
there: reset the CRM afterwards).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable

from generated import Contact
from tests.benchmarks.harness import Figure, interleaved_medians
from tests.benchmarks.served import server_process
from vtorm.client import Client
from vtorm.query.bulk import DEFAULT_CONCURRENCY

LATENCY = 0.020
GOAL = 0.30
LIVE_VARIABLES = ("VTORM_LIVE_URL", "VTORM_LIVE_USERNAME", "VTORM_LIVE_ACCESS_KEY")
REAL_CREATES = 200


def parallel_writes(repeat: int, quick: bool) -> list[Figure]:
    """1,000 creates and 1,000 revises (200 with --quick), bulk vs sequential."""
    count = 200 if quick else 1000
    creates = _on_a_new_server(_creates, count, repeat)
    revises = _on_a_new_server(_revises, count, repeat)
    note = f"vs a save() loop, same requests; server in its own process, {repeat} runs each"
    return [
        _figure(f"writes: bulk_create, {count:,} creates, 20 ms/req", *creates, note),
        _figure(f"writes: update(), {count:,} revises, 20 ms/req", *revises, note),
    ]


def _on_a_new_server(
    measure: Callable[[Client, int, int], tuple[float, float]], count: int, repeat: int
) -> tuple[float, float]:
    """`measure` against a server process of its own: the creates' runs leave thousands of
    records behind, which would slow the revises' page scans on a shared one."""
    with (
        server_process(1, LATENCY) as info,
        Client(info["url"], info["username"], info["access_key"]) as client,
    ):
        client.login()
        return measure(client, count, repeat)


def _figure(name: str, bulk_s: float, sequential_s: float, note: str) -> Figure:
    return Figure(
        f"{name}, concurrency {DEFAULT_CONCURRENCY}",
        bulk_s,
        sequential_s,
        "s",
        f"ratio <= {GOAL:.2f}",
        bulk_s / sequential_s <= GOAL,
        note=note,
    )


def _creates(client: Client, count: int, repeat: int) -> tuple[float, float]:
    batches = itertools.count()

    def batch() -> list[Contact]:
        number = next(batches)
        return [Contact(lastname=f"Batch {number} #{n:04d}") for n in range(count)]

    def sequential() -> None:
        for record in batch():
            record.save(using=client)

    def parallel() -> None:
        Contact.objects.using(client).bulk_create(batch())

    return _alternate(client, parallel, sequential, repeat)


def _revises(client: Client, count: int, repeat: int) -> tuple[float, float]:
    Contact.objects.using(client).bulk_create(
        [Contact(lastname=f"Revise {n:04d}") for n in range(count)]
    )
    targets = Contact.objects.using(client).filter(lastname__startswith="Revise ")
    titles = (f"Title {n}" for n in itertools.count())

    def sequential() -> None:
        title = next(titles)
        for record in targets.only("title"):
            record.title = title
            record.save(update_fields=["title"])

    def parallel() -> None:
        assert targets.update(title=next(titles)) == count

    return _alternate(client, parallel, sequential, repeat)


def _alternate(
    client: Client, parallel: Callable[[], None], sequential: Callable[[], None], repeat: int
) -> tuple[float, float]:
    """Median seconds of each, run alternately; every run must send as many requests."""
    sent: dict[str, set[int]] = {"parallel": set(), "sequential": set()}

    def counted(name: str, fn: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            before = client.request_count
            fn()
            sent[name].add(client.request_count - before)

        return run

    medians = interleaved_medians(
        counted("parallel", parallel), counted("sequential", sequential),
        repeat=repeat, warmup=False,
    )  # fmt: skip
    assert sent["parallel"] == sent["sequential"] and len(sent["parallel"]) == 1, sent
    return medians


def real_server_writes(repeat: int) -> list[Figure]:
    """200 creates against the configured real CRM, the default concurrency vs a save() loop."""
    values = [os.environ.get(name, "").strip() for name in LIVE_VARIABLES]
    if not all(values):
        print(f"  writes-real: skipped ({', '.join(LIVE_VARIABLES)} not set)")
        return []
    with Client(*values) as client:
        client.login()
        bulk_s, sequential_s = _creates(client, REAL_CREATES, repeat)
    per_second = REAL_CREATES / bulk_s, REAL_CREATES / sequential_s
    return [
        Figure(
            f"writes: real server, bulk_create {REAL_CREATES} creates, "
            f"concurrency {DEFAULT_CONCURRENCY}",
            bulk_s,
            sequential_s,
            "s",
            "reported",
            None,
            note=f"{per_second[0]:.1f} vs {per_second[1]:.1f} creates/s; the PHP server is "
            f"CPU-bound on this machine; {repeat} runs each",
        )
    ]
