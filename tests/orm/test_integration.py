"""The ORM against the embedded server: persistence, paging and concurrency."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from tests.orm.conftest import query_requests
from tests.orm.models import Account, Contact
from vtorm import Q
from vtorm.client import Client
from vtorm.emulator import Emulator


def test_create_read_revise_round_trip(client: Client) -> None:
    acme = Account(accountname="Acme", employees=80, annual_revenue=Decimal("149.99"))
    acme.save(using=client)
    assert acme.id is not None and acme.id.prefix == "11"
    assert acme.account_no and acme.modifiedtime is not None
    mary = Contact(lastname="O'Connor", firstname="Mary", account_id=acme.id)
    mary.save(using=client)

    found = Contact.objects.using(client).get(lastname="O'Connor")
    assert (found.id, found.account_id, found.firstname) == (mary.id, acme.id, "Mary")
    loaded = Account.objects.using(client).get(id=acme.id)
    assert loaded.annual_revenue == Decimal("149.99") and loaded.employees == 80

    found.mailingcity = "Cork"
    found.save()
    assert Contact.objects.using(client).get(mailingcity="Cork").id == mary.id


def test_values_read_and_saved_back_are_byte_identical(client: Client) -> None:
    acme = Account(accountname="Byte Co", annual_revenue=Decimal("149.99"), emailoptout=True)
    acme.save(using=client)
    assert acme.id is not None
    row = client.retrieve(acme.id)
    loaded = Account.objects.using(client).get(id=acme.id)
    wire = loaded.vtiger_wire()
    assert {k: wire[k] for k in wire if row.get(k)} == {k: row[k] for k in wire if row.get(k)}
    assert row["annual_revenue"] == "149.99000000"


def test_update_fields_and_refresh(client: Client) -> None:
    record = Contact(lastname="Smith", firstname="John")
    record.save(using=client)
    record.firstname = "Jack"
    record.mailingcity = "Dublin"
    record.save(update_fields=["mailingcity"])
    record.refresh()
    assert (record.firstname, record.mailingcity) == ("John", "Dublin")


def test_delete_removes_the_record(client: Client) -> None:
    record = Contact(lastname="Gone")
    record.save(using=client)
    record_id = record.id
    assert record_id is not None
    record.delete()
    assert not Contact.objects.using(client).filter(id=record_id).exists()


def test_two_clients_editing_different_fields_both_survive(
    client: Client, other_client: Client
) -> None:
    first, second = client, other_client
    created = Contact(lastname="Shared", firstname="Ann", mailingcity="Cork")
    created.save(using=first)
    assert created.id is not None
    mine = Contact.objects.using(first).get(id=created.id)
    theirs = Contact.objects.using(second).get(id=created.id)
    mine.firstname = "Anne"
    theirs.mailingcity = "Galway"
    mine.save()
    theirs.save()
    final = Contact.objects.using(first).get(id=created.id)
    assert (final.firstname, final.mailingcity) == ("Anne", "Galway")
    assert (theirs.firstname, theirs.mailingcity) == ("Anne", "Galway")


def seed_contacts(client: Client, count: int) -> list[str]:
    """Create `count` contacts P00000, P00001, ... through the client; their ids in order."""
    owner = client.user_id or "19x1"
    element = {"assigned_user_id": owner}
    return [
        client.create("Contacts", {**element, "lastname": f"P{n:05}"})["id"] for n in range(count)
    ]


@pytest.mark.embedded_only(reason="counts the queries in the emulator's request log")
def test_iterating_1234_records_pages_by_id(emulator: Emulator, client: Client) -> None:
    client.login()
    ids = seed_contacts(client, 1234)
    emulator.clear_request_log()
    seen = [str(c.id) for c in Contact.objects.using(client).all()]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 1234
    assert query_requests(emulator) <= math.ceil(1234 / 100) + 1


def test_scan_survives_concurrent_creates_and_deletes(client: Client, other_client: Client) -> None:
    client.login()
    ids = seed_contacts(client, 450)
    deleted = set(ids[50:60]) | set(ids[300:320])  # some already seen, some ahead
    untouched = set(ids) - deleted
    seen: list[str] = []
    other = other_client
    for index, contact in enumerate(Contact.objects.using(client).iterator()):
        assert contact.id is not None
        seen.append(contact.id)
        if index == 150:
            for record_id in deleted:
                other.delete(record_id)
            seed_contacts(other, 25)
    assert len(seen) == len(set(seen))
    assert untouched <= set(seen)
    assert not set(ids[300:320]) & set(seen)


@pytest.mark.fresh_crm
def test_ordered_slices_and_count(client: Client) -> None:
    client.login()
    seed_contacts(client, 230)
    query = Contact.objects.using(client).filter(lastname__startswith="P0").order_by("-lastname")
    assert query.count() == 230
    names = [c.lastname for c in query[100:205]]
    assert names == [f"P{n:05}" for n in range(129, 24, -1)]
    assert query.first() is not None and query.last() is not None
    assert (
        Contact.objects.using(client).filter(Q(lastname="P00001") | Q(lastname="P00002")).count()
        == 2
    )


@pytest.mark.fresh_crm
def test_prefetched_export_yields_every_record_once_in_order(client: Client) -> None:
    client.login()
    ids = seed_contacts(client, 345)
    exported = [str(c.id) for c in Contact.objects.using(client).iterator(prefetch=4)]
    assert exported == ids


@pytest.mark.fresh_crm
def test_reference_emptiness_follows_the_server(client: Client) -> None:
    acme = Account(accountname="Acme")
    acme.save(using=client)
    assert acme.id is not None
    Contact(lastname="Linked", account_id=acme.id).save(using=client)
    Contact(lastname="Loose").save(using=client)
    contacts = Contact.objects.using(client)
    assert [c.lastname for c in contacts.filter(account_id__isnull=False)] == ["Linked"]
    # An empty reference is stored as 0, so != also matches it (as on the real server).
    assert [c.lastname for c in contacts.exclude(account_id=acme.id)] == ["Loose"]
