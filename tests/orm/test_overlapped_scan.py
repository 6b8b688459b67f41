"""Keyset scans that send the next page's request while the current page becomes models.

The overlap must be invisible: the same statements in the same order, no request the
sequential loop would not send (except the one already in flight when a consumer stops
early), errors at the same point of iteration, and no worker thread left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Generator
from typing import Any

import pytest

from generated.contact import Contact as ServedContact
from tests.orm.conftest import make_client
from tests.orm.fakes import FakeBackend
from tests.orm.models import Contact
from vtorm import InvalidArgument, ServerError
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.query.pages import pages

WORKER = "vtorm-next-page"


def people(count: int) -> FakeBackend:
    return FakeBackend(rows=[{"lastname": f"P{n:04}", "firstname": "x"} for n in range(count)])


def workers_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(WORKER)]


def served_statements(emulator: Emulator) -> list[str]:
    return [r.params["query"] for r in emulator.request_log if r.operation == "query"]


def sequential_statements(emulator: Emulator, client: Client, query: Any) -> list[str]:
    """The statements of the same scan with the overlap switched off."""
    emulator.clear_request_log()
    for _ in pages(client, query._compile(), query._window.low, query._window.high, overlap=False):
        pass
    return served_statements(emulator)


@pytest.mark.embedded_only(reason="reads the statements in the emulator's request log")
def test_served_scans_send_the_sequential_statements_in_order(emulator: Emulator) -> None:
    with make_client(emulator) as client:
        client.login()
        owner = client.user_id or "19x1"
        ids = [
            client.create("Contacts", {"assigned_user_id": owner, "lastname": f"P{n:03}"})["id"]
            for n in range(230)
        ]
        everyone = ServedContact.objects.using(client).all()
        for query in (everyone, everyone[40:215], everyone.filter(lastname__startswith="P1")):
            expected = sequential_statements(emulator, client, query)
            emulator.clear_request_log()
            found = [str(contact.id) for contact in query.all()]
            assert served_statements(emulator) == expected
            assert found == [i for i in ids[query._window.low : query._window.high] if i in found]
        assert len(expected) == 2  # P100..P199: one full page, then the empty one
        emulator.clear_request_log()
        assert len(list(everyone.values("lastname"))) == 230
        assert len(served_statements(emulator)) == 4
    assert not workers_alive()


def test_the_next_request_is_sent_before_the_current_page_is_consumed() -> None:
    backend = people(250)
    seen_second = threading.Event()

    class Watching(FakeBackend):
        def query(self, vtql: str, /) -> list[dict[str, Any]]:
            if "id > '12x100'" in vtql:
                seen_second.set()
            return backend.query(vtql)

    records = Contact.objects.using(Watching()).iterator()
    next(records)  # page 1 arrived and became models
    assert seen_second.wait(timeout=10), "page 2 was not requested while page 1 was consumed"
    assert [c.lastname for c in records][-1] == "P0249"
    assert not workers_alive()


def test_breaking_early_leaves_one_request_in_flight_and_no_thread() -> None:
    backend = people(450)
    records = Contact.objects.using(backend).iterator()
    assert isinstance(records, Generator)
    for index, _ in enumerate(records):
        if index == 150:  # inside page 2: page 3 was already requested, page 4 never
            break
    records.close()  # what `del records` or garbage collection does too
    assert not workers_alive()
    assert backend.queries == [
        "SELECT * FROM Contacts ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts WHERE id > '12x100' ORDER BY id LIMIT 100;",
        "SELECT * FROM Contacts WHERE id > '12x200' ORDER BY id LIMIT 100;",
    ]


def test_an_abandoned_iterator_stops_its_worker() -> None:
    records = Contact.objects.using(people(300)).iterator(page_size=50)
    next(records)
    del records
    assert not workers_alive()


def test_a_failing_next_page_raises_where_the_sequential_loop_would() -> None:
    class FailingThird(FakeBackend):
        def query(self, vtql: str, /) -> list[dict[str, Any]]:
            if "id > '12x200'" in vtql:
                self.calls.append(("query", vtql))
                raise ServerError("the server fell over", operation="query")
            return super().query(vtql)

    backend = FailingThird(rows=[{"lastname": f"P{n:04}"} for n in range(450)])
    consumed = 0
    with pytest.raises(ServerError, match="fell over"):
        for _ in Contact.objects.using(backend).iterator():
            consumed += 1
    assert consumed == 200
    assert len(backend.queries) == 3
    assert not workers_alive()


def test_slices_stop_without_requesting_past_their_end() -> None:
    backend = people(450)
    names = [c.lastname for c in Contact.objects.using(backend).all()[0:200]]
    assert names[-1] == "P0199" and len(names) == 200
    assert len(backend.queries) == 2  # the slice ends with page 2: no third request
    assert not workers_alive()


def test_a_model_that_fails_to_build_ends_the_worker_at_once() -> None:
    rows = [{"lastname": f"P{n:04}", "birthday": "1970-01-02"} for n in range(250)]
    rows[150]["birthday"] = "soon"
    backend = FakeBackend(rows=rows)
    with pytest.raises(InvalidArgument, match="soon") as failure:
        list(Contact.objects.using(backend).all())
    assert failure.value.__traceback__ is not None  # still holds the scan's frames
    assert not workers_alive()
    assert len(backend.queries) == 3  # page 2 failed to build while page 3 was in flight
