"""Figures measured over HTTP: iteration overhead, latency-bound export."""

from __future__ import annotations

import math

import requests

from generated.contact import Contact
from tests.benchmarks.harness import Figure, interleaved_medians
from tests.benchmarks.served import (
    Served,
    captured,
    raw_login,
    replay,
    server_process,
    with_session,
)
from vtorm.client import Client

LATENCY = 0.020
PREFETCH = 8


def iteration_overhead(ctx: Served, repeat: int) -> list[Figure]:
    """`list(Contact.objects.all())` vs replaying its exact requests by hand.

    The requests are captured from the in-process emulator's log; both loops then run
    against the same seeded data served from its own process (see `latency_export`).
    """
    sequence = captured(ctx.emulator, lambda: list(Contact.objects.using(ctx.client).all()))
    allowed = math.ceil(ctx.contacts / 100) + 1
    with server_process(ctx.contacts) as info:
        session = requests.Session()
        raw_sequence = with_session(sequence, raw_login(session, info))
        url = info["url"]
        with Client(info["url"], info["username"], info["access_key"]) as client:
            query = Contact.objects.all().using(client)
            client.login()
            sent = client.request_count
            records = list(query.all())
            assert client.request_count - sent == len(sequence)  # the same requests
            assert len(replay(session, url, raw_sequence)) == len(records) == ctx.contacts
            vtorm_s, raw_s = interleaved_medians(
                lambda: list(query.all()),
                lambda: replay(session, url, raw_sequence),
                repeat=repeat,
            )
        session.close()
    n = ctx.contacts
    return [
        Figure(
            f"iteration: list(all()) of {n:,} contacts",
            vtorm_s,
            raw_s,
            "s",
            "ratio <= 1.10",
            vtorm_s / raw_s <= 1.10,
            note="server in its own process",
        ),
        Figure(
            f"iteration: requests for {n:,} contacts",
            len(sequence),
            allowed,
            "req",
            f"<= ceil(N/100)+1 = {allowed}",
            len(sequence) <= allowed,
        ),
    ]


def latency_export(ctx: Served, repeat: int) -> list[Figure]:
    """`iterator(prefetch=8)` vs the sequential raw loop, with 20 ms added per request.

    The server runs in its own process (same seeded data, so the same requests), as a real
    CRM would: in-process, its work would hold the client's interpreter lock.
    """
    sequence = captured(ctx.emulator, lambda: list(Contact.objects.using(ctx.client).iterator()))
    with server_process(ctx.contacts, LATENCY) as info:
        session = requests.Session()
        raw_sequence = with_session(sequence, raw_login(session, info))
        url = info["url"]
        with Client(info["url"], info["username"], info["access_key"]) as client:
            query = Contact.objects.all().using(client)
            exported = list(query.iterator(prefetch=PREFETCH))
            assert len({r.id for r in exported}) == len(exported) == ctx.contacts
            assert len(replay(session, url, raw_sequence)) == ctx.contacts
            vtorm_s, raw_s = interleaved_medians(
                lambda: list(query.iterator(prefetch=PREFETCH)),
                lambda: replay(session, url, raw_sequence),
                repeat=repeat,
            )
        session.close()
    return [
        Figure(
            f"latency export: {ctx.contacts:,} rows, 20 ms/req, prefetch={PREFETCH}",
            vtorm_s,
            raw_s,
            "s",
            "ratio <= 0.35",
            vtorm_s / raw_s <= 0.35,
            note="server in its own process",
        )
    ]
