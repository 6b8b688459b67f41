"""8 threads x 200 mixed requests against one served emulator: no errors, no lost writes."""

from __future__ import annotations

import json
import threading
from collections import Counter
from typing import Any

import pytest
import requests

from tests.emulator.conftest import Wire
from vtorm.emulator import Emulator
from vtorm.emulator.server import RunningServer

THREADS = 8
REQUESTS = 200


def _worker(wire: Wire, number: int, tally: Counter[str], failures: list[Any]) -> None:
    """25 rounds of 8 requests: create, retrieve, 2 revises, listtypes, describe, delete..."""
    mine: list[str] = []
    for round_ in range(REQUESTS // 8):
        name = f"T{number}-{round_}"
        answers = [wire.create("Contacts", {"lastname": name, "assigned_user_id": "19x1"})]
        if not answers[0]["success"]:
            failures.append(answers[0])
            return
        contact_id = answers[0]["result"]["id"]
        mine.append(contact_id)
        answers.append(wire.op_get("retrieve", id=contact_id))
        for step in ("a", "b"):
            element = json.dumps({"id": contact_id, "title": f"{name}-{step}"})
            answers.append(wire.op_post("revise", element=element))
        answers.append(wire.op_get("listtypes"))
        answers.append(wire.op_get("describe", elementType="Contacts"))
        victim = mine.pop(0) if round_ % 2 else None
        if victim:
            answers.append(wire.op_post("delete", id=victim))
            tally["deleted"] += 1
        else:
            answers.append(wire.op_get("retrieve", id=contact_id))
        answers.append(wire.op_get("retrieve", id=mine[-1]))
        failures.extend(a for a in answers if not a["success"])
        tally["created"] += 1
        tally["requests"] += len(answers)
    tally[f"alive-{number}"] = len(mine)


@pytest.mark.slow  # eight threads of HTTP requests: about 4 s
def test_eight_threads_of_mixed_requests(emulator: Emulator, server: RunningServer) -> None:
    wires = []
    for _ in range(THREADS):
        wire = Wire(server.url, requests.Session())
        wire.login()  # sequentially: one challenge token per user at a time, as on Vtiger
        wires.append(wire)
    tally: Counter[str] = Counter()
    failures: list[Any] = []
    tallies = [Counter[str]() for _ in range(THREADS)]
    threads = [
        threading.Thread(target=_worker, args=(wires[i], i, tallies[i], failures))
        for i in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for part in tallies:
        tally.update(part)
    assert failures == []
    assert tally["requests"] == THREADS * REQUESTS
    assert tally["created"] == THREADS * REQUESTS // 8

    store = emulator.backend.store
    with store.lock:
        rows = store.conn.execute(
            "SELECT e.deleted, r.lastname, r.title, r.contact_no FROM entity e"
            ' JOIN "rec_Contacts" r ON r.crmid = e.crmid'
        ).fetchall()
    assert len(rows) == tally["created"]
    assert sum(1 for r in rows if r["deleted"]) == tally["deleted"]
    assert sum(tally[f"alive-{i}"] for i in range(THREADS)) == len(rows) - tally["deleted"]
    # no lost writes: every record kept its last revision and a unique number
    assert all(r["title"] == f"{r['lastname']}-b" for r in rows)
    assert len({r["contact_no"] for r in rows}) == len(rows)
    for wire in wires:
        wire.http.close()
