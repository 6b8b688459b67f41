"""Bulk and set writes against the embedded server: bulk_create, update(), delete(),
get_or_create, update_or_create, and what each refuses before any request."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from pydantic import ValidationError

import vtorm
from generated import Account, Contact
from tests.orm.fakes import FakeBackend, as_default
from vtorm import (
    BulkError,
    DataLossError,
    DuplicateRecord,
    FieldError,
    InvalidArgument,
    MissingFieldsError,
    OutcomeUnknown,
    ReadOnlyFieldError,
    UsageError,
)
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.errors import DataLossWarning
from vtorm.query.bulk import DEFAULT_CONCURRENCY, BulkOutcome, bulk_writes

# They count every stored record: live mode empties the real CRM before each.
pytestmark = pytest.mark.fresh_crm


class Watched:
    """A client wrapper that counts writes in flight, slows them down, and fails some.

    `fail` maps a last name to the error its create raises (after reaching the "server",
    for `OutcomeUnknown` with `stored=True`: the record then exists). With `meet`, writes wait
    (up to 5 s) until that many are in flight at once, so a peak the pool allows is reached
    however slowly its threads start on a busy machine.
    """

    def __init__(
        self,
        inner: Client,
        fail: Mapping[str, Exception] = {},
        *,
        stored: bool = False,
        pause: float = 0.004,
        meet: int = 0,
    ) -> None:
        self.inner = inner
        self.fail = dict(fail)
        self.stored = stored
        self.pause = pause
        self.meet = meet
        self.active = 0
        self.peak = 0
        self.writes = 0
        self._lock = threading.Lock()
        self._met = threading.Condition(self._lock)

    @property
    def user_id(self) -> str | None:
        return self.inner.user_id

    def login(self) -> object:
        return self.inner.login()

    def _enter(self) -> None:
        with self._lock:
            self.active += 1
            self.writes += 1
            self.peak = max(self.peak, self.active)
            if self.meet:
                self._met.notify_all()
                self._met.wait_for(lambda: self.peak >= self.meet, timeout=5)

    def _leave(self) -> None:
        with self._lock:
            self.active -= 1

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        return self.inner.query(vtql)

    def retrieve(self, id: str, /) -> dict[str, Any]:
        return self.inner.retrieve(id)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self._enter()
        try:
            time.sleep(self.pause)
            error = self.fail.get(element.get("lastname", ""))
            if error is not None:
                if self.stored:
                    self.inner.create(module, element)
                raise error
            return self.inner.create(module, element)
        finally:
            self._leave()

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        self._enter()
        try:
            time.sleep(self.pause)
            return self.inner.revise(element)
        finally:
            self._leave()

    def delete(self, id: str, /) -> None:
        self._enter()
        try:
            time.sleep(self.pause)
            self.inner.delete(id)
        finally:
            self._leave()


def people(count: int, prefix: str = "Bulk") -> list[Contact]:
    return [Contact(lastname=f"{prefix} {n:03d}", firstname="Ann") for n in range(count)]


def stored_names(client: Client) -> list[str]:
    return sorted(c.lastname for c in Contact.objects.using(client).all())


def operations(emulator: Emulator) -> list[str]:
    return [record.operation for record in emulator.request_log]


# bulk_create ----------------------------------------------------------------------------


def test_bulk_create_creates_every_record_and_returns_the_same_instances(client: Client) -> None:
    records = people(30)
    created = Contact.objects.using(client).bulk_create(records)
    assert created == records and all(a is b for a, b in zip(created, records, strict=True))
    assert all(r.id is not None and r.contact_no for r in created)
    assert len({r.id for r in created}) == 30
    assert stored_names(client) == [r.lastname for r in records]
    assert all(r.vtiger_changed() == [] for r in created)  # they hold what was stored


def test_bulk_create_keeps_at_most_concurrency_creates_in_flight(client: Client) -> None:
    watched = Watched(client, meet=3)
    Contact.objects.using(watched).bulk_create(people(24), concurrency=3)
    assert watched.writes == 24 and watched.peak == 3


def test_the_clients_concurrency_setting_is_the_default(client: Client) -> None:
    watched = Watched(client, meet=2)
    watched.concurrency = 2  # type: ignore[attr-defined]
    Contact.objects.using(watched).bulk_create(people(12))
    assert watched.peak == 2
    unset = Watched(client, meet=DEFAULT_CONCURRENCY)
    Contact.objects.using(unset).bulk_create(people(12, "More"))
    assert unset.peak == DEFAULT_CONCURRENCY


def test_concurrency_one_writes_in_order_without_threads(client: Client) -> None:
    seen: list[str] = []

    def write(record: Contact) -> None:
        seen.append(threading.current_thread().name)
        record.save(using=client)

    outcomes = list(bulk_writes(people(5), write, 1))
    assert [o.record.lastname for o in outcomes] == [f"Bulk {n:03d}" for n in range(5)]
    assert set(seen) == {threading.current_thread().name}


@pytest.mark.parametrize("bad", [0, -1, True, 2.5, "4"])
def test_a_bad_concurrency_is_refused_before_any_request(bad: object) -> None:
    with as_default(FakeBackend()) as fake:
        with pytest.raises(InvalidArgument, match="concurrency"):
            Contact.objects.bulk_create(people(2), concurrency=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="concurrency"):
            Contact.objects.all().update(concurrency=bad, mailingcity="x")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="concurrency"):
            Contact.objects.all().delete(concurrency=bad)  # type: ignore[arg-type]
    assert fake.calls == []
    with pytest.raises(InvalidArgument, match="concurrency"):
        Client("http://127.0.0.1:1", "admin", "key", concurrency=bad)  # type: ignore[arg-type]


def test_bad_records_are_refused_before_any_create_naming_the_record() -> None:
    with as_default(FakeBackend()) as fake:
        nameless = [*people(3), Contact(lastname=""), *people(2, "After")]
        with pytest.raises(MissingFieldsError, match="record 4 of the input") as missing:
            Contact.objects.bulk_create(nameless)
        assert missing.value.fields == ("lastname",)
        saved = Contact(lastname="Saved")
        saved.save()
        fake.calls.clear()
        with pytest.raises(InvalidArgument, match=r"already has id 12x1 \(record 2 of the input"):
            Contact.objects.bulk_create([Contact(lastname="New"), saved])
        with pytest.raises(InvalidArgument, match="got a Account"):
            Contact.objects.bulk_create([Account(accountname="Acme")])  # type: ignore[list-item]
    assert fake.calls == []
    assert all(r.id is None for r in nameless)


def test_a_partial_failure_creates_the_rest_and_reports_each_outcome_in_order(
    client: Client,
) -> None:
    records = people(12)
    fail: dict[str, Exception] = {
        records[3].lastname: DuplicateRecord("Duplicate(s) detected!", code=0),
        records[7].lastname: OutcomeUnknown("create may or may not have been carried out"),
    }
    with pytest.raises(BulkError) as caught:
        Contact.objects.using(Watched(client, fail)).bulk_create(records)
    error = caught.value
    assert error.items == records
    assert [type(r) for r in error.results] == [
        DuplicateRecord if n == 3 else OutcomeUnknown if n == 7 else Contact for n in range(12)
    ]
    assert error.succeeded == [r for n, r in enumerate(records) if n not in (3, 7)]
    assert [(r, type(e)) for r, e in error.failed] == [(records[3], DuplicateRecord)]
    assert [(r, type(e)) for r, e in error.unknown] == [(records[7], OutcomeUnknown)]
    assert "2 of 12 writes failed (1 with an unknown outcome)" in str(error)
    assert len(stored_names(client)) == 10
    assert records[3].id is None and records[7].id is None
    copy = pickle.loads(pickle.dumps(error))
    assert [type(r) for r in copy.results] == [type(r) for r in error.results]


def test_a_bulk_error_is_a_vtiger_error_exported_at_the_top() -> None:
    assert issubclass(vtorm.BulkError, vtorm.VtigerError)
    assert vtorm.BulkOutcome is BulkOutcome
    with pytest.raises(ValueError):
        BulkError("mismatch", items=[1, 2], results=[1])


def test_an_empty_bulk_create_sends_nothing() -> None:
    with as_default(FakeBackend()) as fake:
        assert Contact.objects.bulk_create([]) == []
        assert Contact.objects.bulk_create(iter(())) == []
    assert fake.calls == []


def test_without_a_client_bulk_create_uses_the_default(client: Client) -> None:
    with as_default(client):
        Contact.objects.bulk_create(people(3))
    assert len(stored_names(client)) == 3


# bulk_create_iter: streaming ----------------------------------------------------------


def test_streaming_draws_at_most_twice_concurrency_records_ahead(client: Client) -> None:
    drawn = 0

    def generate() -> Iterator[Contact]:
        nonlocal drawn
        for record in people(40):
            drawn += 1
            yield record

    ahead = []
    outcomes = Contact.objects.using(client).bulk_create_iter(generate(), concurrency=3)
    for number, outcome in enumerate(outcomes, start=1):
        assert outcome.ok and not outcome.unknown and outcome.record.id is not None
        assert outcome.record.lastname == f"Bulk {number - 1:03d}"
        ahead.append(drawn - number)
    assert max(ahead) <= 2 * 3 and drawn == 40
    assert len(stored_names(client)) == 40


def test_streaming_reports_failures_as_outcomes_and_goes_on(client: Client) -> None:
    records = [Contact(lastname="One"), Contact(lastname=""), Contact(lastname="Three")]
    outcomes = list(Contact.objects.using(client).bulk_create_iter(iter(records)))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert isinstance(outcomes[1].error, MissingFieldsError)
    assert stored_names(client) == ["One", "Three"]


def test_stopping_a_stream_early_sends_no_more_creates(client: Client) -> None:
    watched = Watched(client, pause=0.02)
    stream = Contact.objects.using(watched).bulk_create_iter(people(50), concurrency=2)
    first = next(stream)
    stream.close()  # the creates on the wire finish; nothing else is sent
    sent = watched.writes
    assert first.ok and sent <= 2 * 2 + 1
    time.sleep(0.1)
    assert watched.writes == sent == len(stored_names(client))


# update() -------------------------------------------------------------------------------


def test_update_revises_only_the_given_fields_of_the_matching_records(
    client: Client, emulator: Emulator
) -> None:
    Contact.objects.using(client).bulk_create([*people(5), *people(3, "Other")])
    emulator.clear_request_log()
    assert (
        Contact.objects.using(client)
        .filter(lastname__startswith="Bulk")
        .update(mailingcity="Lyon", leadsource="Cold Call")
        == 5
    )
    revised = [r.params for r in emulator.request_log if r.operation == "revise"]
    assert len(revised) == 5
    for params in revised:
        assert set(vtorm_element(params)) == {"id", "mailingcity", "leadsource"}
    cities = {c.lastname: c.mailingcity for c in Contact.objects.using(client).all()}
    assert [cities[f"Bulk {n:03d}"] for n in range(5)] == ["Lyon"] * 5
    assert [cities[f"Other {n:03d}"] for n in range(3)] == [None] * 3


def vtorm_element(params: Mapping[str, str]) -> dict[str, Any]:
    import json

    element: dict[str, Any] = json.loads(params["element"])
    return element


def test_update_counts_records_that_already_hold_the_values_but_sends_nothing_for_them(
    client: Client, emulator: Emulator
) -> None:
    Contact.objects.using(client).bulk_create(people(4))
    Contact.objects.using(client).filter(lastname="Bulk 000").update(mailingcity="Oslo")
    emulator.clear_request_log()
    assert Contact.objects.using(client).all().update(mailingcity="Oslo") == 4
    assert operations(emulator).count("revise") == 3


def test_update_to_none_clears_the_field(client: Client) -> None:
    Contact.objects.using(client).bulk_create(
        [Contact(lastname=f"C{n}", mailingcity="Rome") for n in range(3)]
    )
    assert Contact.objects.using(client).all().update(mailingcity=None) == 3
    assert {c.mailingcity for c in Contact.objects.using(client).all()} == {None}


def test_update_of_the_filtered_field_over_several_pages_misses_no_record(
    client: Client,
) -> None:
    Contact.objects.using(client).bulk_create(
        [Contact(lastname=f"P{n:03d}", title="Old") for n in range(230)], concurrency=8
    )
    queryset = Contact.objects.using(client).filter(title="Old").order_by("lastname")
    assert queryset.update(title="New", concurrency=8) == 230
    assert Contact.objects.using(client).filter(title="New").count() == 230
    assert not Contact.objects.using(client).filter(title="Old").exists()


def test_update_values_are_checked_before_any_request() -> None:
    with as_default(FakeBackend()) as fake:
        everyone = Contact.objects.all()
        with pytest.raises(FieldError, match="mailingcty"):
            everyone.update(mailingcty="Lyon")
        with pytest.raises(ReadOnlyFieldError, match="contact_no"):
            everyone.update(contact_no="CON9")
        with pytest.raises(ValidationError, match="birthday"):
            everyone.update(birthday="not a date")
        with pytest.raises(MissingFieldsError, match="lastname"):
            everyone.update(lastname="")
        with pytest.raises(InvalidArgument, match="at least one"):
            everyone.update()
        with pytest.raises(InvalidArgument, match="id"):
            everyone.update(id="12x1")
        with pytest.raises(UsageError, match="sliced"):
            everyone[:5].update(mailingcity="Lyon")
    assert fake.calls == []


def test_update_failures_raise_a_bulk_error_after_trying_every_record(client: Client) -> None:
    Contact.objects.using(client).bulk_create(people(6))

    class FailingRevise(Watched):
        def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
            if element["id"] == third:
                raise OutcomeUnknown("revise lost")
            return super().revise(element)

    third = Contact.objects.using(client).order_by("id")[2].id
    with pytest.raises(BulkError) as caught:
        Contact.objects.using(FailingRevise(client)).all().update(title="Dr")
    assert [r.id for r, _ in caught.value.unknown] == [third]
    assert len(caught.value.succeeded) == 5
    assert Contact.objects.using(client).filter(title="Dr").count() == 5


def test_update_keeps_concurrency_bounded(client: Client) -> None:
    Contact.objects.using(client).bulk_create(people(20))
    watched = Watched(client, meet=5)
    assert Contact.objects.using(watched).all().update(title="X", concurrency=5) == 20
    assert watched.peak == 5


# delete() -------------------------------------------------------------------------------


def test_delete_answers_in_djangos_shape(client: Client, emulator: Emulator) -> None:
    Contact.objects.using(client).bulk_create([*people(3), *people(2, "Keep")])
    emulator.clear_request_log()
    deleted = Contact.objects.using(client).filter(lastname__startswith="Bulk").delete()
    assert deleted == (3, {"Contacts": 3})
    assert operations(emulator).count("delete") == 3
    assert stored_names(client) == ["Keep 000", "Keep 001"]
    assert Contact.objects.using(client).filter(lastname="Nobody").delete() == (0, {})
    assert Contact.objects.using(client).none().delete() == (0, {})


def test_update_and_delete_forget_the_querysets_cached_results(client: Client) -> None:
    Contact.objects.using(client).bulk_create(people(3))
    mine = Contact.objects.using(client).filter(lastname__startswith="Bulk")
    assert [c.title for c in mine] == [None] * 3  # evaluated: the results are cached
    assert mine.update(title="Dr") == 3
    assert [c.title for c in mine] == ["Dr"] * 3
    assert mine.delete() == (3, {"Contacts": 3})
    assert not mine.exists() and list(mine) == [] and mine.count() == 0


def test_delete_over_several_pages_deletes_every_match(client: Client) -> None:
    Contact.objects.using(client).bulk_create(people(240, "Gone"), concurrency=8)
    assert Contact.objects.using(client).all().delete(concurrency=8) == (240, {"Contacts": 240})
    assert Contact.objects.using(client).count() == 0


def test_delete_of_a_slice_is_refused() -> None:
    with as_default(FakeBackend()) as fake, pytest.raises(UsageError, match="sliced"):
        Contact.objects.all()[:3].delete()
    assert fake.calls == []


# get_or_create, update_or_create, using(...).create -------------------------------------


def test_get_or_create_finds_or_creates_from_lookups_and_defaults(client: Client) -> None:
    contacts = Contact.objects.using(client)
    ada, created = contacts.get_or_create(
        lastname="Lovelace", firstname__startswith="A", defaults={"firstname": "Ada"}
    )
    assert created and ada.id is not None and (ada.firstname, ada.lastname) == ("Ada", "Lovelace")
    again, created_again = contacts.get_or_create(lastname="Lovelace", defaults={"title": "X"})
    assert not created_again and again.id == ada.id and again.title is None
    exact, _ = contacts.get_or_create(lastname__exact="Byron")
    assert exact.lastname == "Byron"
    assert contacts.count() == 2


def test_get_or_create_of_a_missing_id_is_refused(client: Client) -> None:
    with pytest.raises(InvalidArgument, match="server picks the id"):
        Contact.objects.using(client).get_or_create(id="12x999")


def test_get_or_create_with_several_matches_raises_as_get(client: Client) -> None:
    Contact.objects.using(client).bulk_create([Contact(lastname="Twin"), Contact(lastname="Twin")])
    with pytest.raises(Contact.MultipleObjectsReturned):
        Contact.objects.using(client).get_or_create(lastname="Twin")


def test_update_or_create_revises_only_the_defaults(client: Client, emulator: Emulator) -> None:
    contacts = Contact.objects.using(client)
    ada, created = contacts.update_or_create(lastname="Lovelace", defaults={"title": "Countess"})
    assert created and ada.title == "Countess"
    emulator.clear_request_log()
    same, created = contacts.update_or_create(
        lastname="Lovelace", defaults={"title": "Analyst", "mailingcity": "London"}
    )
    assert not created and same.id == ada.id
    (revise,) = [r.params for r in emulator.request_log if r.operation == "revise"]
    assert set(vtorm_element(revise)) == {"id", "title", "mailingcity"}
    assert contacts.get(id=ada.id).title == "Analyst"
    emulator.clear_request_log()
    contacts.update_or_create(lastname="Lovelace", defaults={"title": "Analyst"})
    assert "revise" not in operations(emulator)  # it already holds the value


def test_manager_using_a_client_creates_there(client: Client) -> None:
    with as_default(FakeBackend()) as fake:
        acme = Account.objects.using(client).create(accountname="Acme")
    assert fake.calls == [] and acme.id is not None
    assert Account.objects.using(client).get(id=acme.id).accountname == "Acme"


# data_loss: the same guard as save() ---------------------------------------------------


def test_an_update_the_server_would_cut_is_refused_before_any_request() -> None:
    with as_default(FakeBackend()) as fake:
        fake.add({"lastname": "Far", "mailingcity": "Lyon"})
        with pytest.raises(DataLossError, match="varchar\\(40\\)") as refused:
            Contact.objects.all().update(mailingcity="x" * 41)
        assert refused.value.changes == {"mailingcity": ("x" * 41, "x" * 40)}
        assert fake.calls == []
        with pytest.raises(InvalidArgument, match="data_loss"):
            Contact.objects.all().update(mailingcity="Rome", data_loss="maybe")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgument, match="data_loss"):
            Contact.objects.bulk_create(people(2), data_loss="maybe")  # type: ignore[arg-type]
        assert fake.calls == []
        assert Contact.objects.all().update(mailingcity="x" * 41, data_loss="allow") == 1
        assert [op for op, _ in fake.calls if op != "query"] == ["revise"]


def test_a_create_the_server_would_cut_fails_alone_and_the_others_are_created(
    client: Client,
) -> None:
    records = [*people(2), Contact(lastname="Long", mailingcity="y" * 41), *people(2, "More")]
    with pytest.raises(BulkError) as caught:
        Contact.objects.using(client).bulk_create(records)
    [(refused, error)] = caught.value.failed
    assert refused is records[2] and isinstance(error, DataLossError) and refused.id is None
    assert len(caught.value.succeeded) == 4
    with pytest.warns(DataLossWarning):
        Contact.objects.using(client).bulk_create([records[2]], data_loss="warn")
    assert records[2].id is not None
