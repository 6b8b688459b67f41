"""`vtorm.resolve_unknown` and `Model.vtiger_adopt`: settling a create of unknown outcome."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

import vtorm
from generated import Account, Contact
from vtorm import BulkError, FieldError, InvalidArgument, MultipleObjectsReturned, OutcomeUnknown
from vtorm.client import Client
from vtorm.emulator import Emulator

# They count every stored record: live mode empties the real CRM before each.
pytestmark = pytest.mark.fresh_crm


class StoredButLost:
    """A client whose creates reach the server but whose answers are lost."""

    def __init__(self, inner: Client) -> None:
        self.inner = inner
        self.user_id = inner.login()["userId"]

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        return self.inner.query(vtql)

    def retrieve(self, id: str, /) -> dict[str, Any]:
        return self.inner.retrieve(id)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.inner.create(module, element)
        raise OutcomeUnknown("create may or may not have been carried out")

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        return self.inner.revise(element)

    def delete(self, id: str, /) -> None:
        self.inner.delete(id)


def test_a_stored_create_is_adopted_with_its_id_and_stored_values(client: Client) -> None:
    ada = Contact(lastname="Lovelace", email="ada@example.com", mailingcity="London")
    with pytest.raises(OutcomeUnknown):
        ada.save(using=StoredButLost(client))
    assert ada.id is None
    assert vtorm.resolve_unknown(ada, key=("email",), using=client) is True
    stored = Contact.objects.using(client).get(email="ada@example.com")
    assert ada.id == stored.id and ada.contact_no == stored.contact_no
    assert ada == stored and ada.vtiger_changed() == []
    ada.title = "Countess"
    ada.save()  # a revise of the adopted record, through the client it was found with
    assert Contact.objects.using(client).count() == 1
    assert Contact.objects.using(client).get(id=ada.id).title == "Countess"


def test_a_create_that_never_landed_resolves_false_and_can_be_sent_again(
    client: Client,
) -> None:
    ann = Contact(lastname="Ann", email="ann@example.com")
    assert vtorm.resolve_unknown(ann, key="email", using=client) is False
    assert ann.id is None
    ann.save(using=client)
    assert vtorm.resolve_unknown(ann, key="email") is True  # has an id: nothing to look up


def test_a_bulk_errors_unknowns_are_resolved_by_a_key_of_several_fields(client: Client) -> None:
    records = [Contact(lastname=f"L{n}", firstname=f"F{n}") for n in range(5)]
    with pytest.raises(BulkError) as caught:
        Contact.objects.using(StoredButLost(client)).bulk_create(records, concurrency=2)
    assert len(caught.value.unknown) == 5 and caught.value.succeeded == []
    for record, _ in caught.value.unknown:
        assert vtorm.resolve_unknown(record, key=("firstname", "lastname"), using=client)
    assert [r.id for r in records] == [
        c.id for c in Contact.objects.using(client).order_by("lastname")
    ]


def test_a_key_matching_several_records_is_refused(client: Client) -> None:
    Contact.objects.using(client).bulk_create([Contact(lastname="Twin"), Contact(lastname="Twin")])
    twin = Contact(lastname="Twin")
    with pytest.raises(MultipleObjectsReturned, match="lastname is not a natural key"):
        vtorm.resolve_unknown(twin, key=("lastname",), using=client)
    assert twin.id is None


def test_bad_keys_are_refused_before_any_request(emulator: Emulator, client: Client) -> None:
    record = Contact(lastname="Key", email=None)
    emulator.clear_request_log()
    with pytest.raises(InvalidArgument, match="email is empty"):
        vtorm.resolve_unknown(record, key=("email",), using=client)
    with pytest.raises(FieldError, match="emial"):
        vtorm.resolve_unknown(record, key=("emial",), using=client)
    with pytest.raises(InvalidArgument, match="at least one key field"):
        vtorm.resolve_unknown(record, key=(), using=client)
    assert emulator.request_log == []


def test_adopt_refuses_another_model_or_an_unsaved_record(client: Client) -> None:
    acme = Account.objects.using(client).create(accountname="Acme")
    with pytest.raises(InvalidArgument, match="can only adopt a stored Contact"):
        Contact(lastname="X").vtiger_adopt(acme)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="can only adopt a stored Contact"):
        Contact(lastname="X").vtiger_adopt(Contact(lastname="Y"))


def test_adopt_keeps_the_values_the_stored_record_was_not_loaded_with(client: Client) -> None:
    stored = Contact.objects.using(client).create(lastname="Partial", mailingcity="Lyon")
    partial = Contact.objects.using(client).only("lastname").get(id=stored.id)
    mine = Contact(lastname="Partial", mailingcity="Paris")
    mine.vtiger_adopt(partial)
    assert mine.id == stored.id and mine.mailingcity == "Paris"
    assert mine.vtiger_changed() == ["mailingcity"]  # a save would send it
