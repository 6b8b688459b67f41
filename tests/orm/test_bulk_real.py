"""Bulk and set writes against a real Vtiger, when VTORM_LIVE_URL, VTORM_LIVE_USERNAME and
VTORM_LIVE_ACCESS_KEY name one (skipped otherwise). The records are left behind: reset the
CRM afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

import vtorm
from generated import Account, Contact
from vtorm import BulkError, DuplicateRecord
from vtorm.client import Client

VARIABLES = ("VTORM_LIVE_URL", "VTORM_LIVE_USERNAME", "VTORM_LIVE_ACCESS_KEY")
SETTINGS = [os.environ.get(name, "").strip() for name in VARIABLES]

pytestmark = pytest.mark.skipif(not all(SETTINGS), reason=f"set {', '.join(VARIABLES)}")


@pytest.fixture
def real() -> Iterator[Client]:
    with Client(*SETTINGS) as client:
        yield client


@pytest.fixture
def tag() -> str:
    return f"Bulk{uuid.uuid4().hex[:8]}"


def test_bulk_create_update_delete_on_a_real_server(real: Client, tag: str) -> None:
    contacts = Contact.objects.using(real)
    records = [
        Contact(lastname=f"{tag} {n:02d}", email=f"{tag.lower()}.{n}@example.com")
        for n in range(24)
    ]
    assert contacts.bulk_create(records) is not None
    assert all(r.id is not None and r.contact_no for r in records)
    mine = contacts.filter(lastname__startswith=tag)
    assert mine.count() == 24
    assert mine.update(mailingcity="Lyon", title="Imported") == 24
    assert {(c.mailingcity, c.title) for c in mine} == {("Lyon", "Imported")}
    assert all(c.email for c in mine)  # fields not updated are kept
    assert mine.delete() == (24, {"Contacts": 24})
    assert not mine.exists()


def test_get_or_create_and_update_or_create_on_a_real_server(real: Client, tag: str) -> None:
    accounts = Account.objects.using(real)
    acme, created = accounts.get_or_create(accountname=f"{tag} Ltd", defaults={"employees": 5})
    assert created and acme.employees == 5
    same, created = accounts.update_or_create(accountname=f"{tag} Ltd", defaults={"employees": 7})
    assert not created and same.id == acme.id
    assert accounts.get(id=acme.id).employees == 7
    assert accounts.filter(id=acme.id).delete() == (1, {"Accounts": 1})


def test_a_refused_create_is_reported_and_an_unknown_one_resolves(real: Client, tag: str) -> None:
    batch = [Account(accountname=f"{tag} Twin"), Account(accountname=f"{tag} Twin")]
    with pytest.raises(BulkError) as caught:
        Account.objects.using(real).bulk_create(batch, concurrency=1)
    [(refused, error)] = caught.value.failed
    assert refused is batch[1] and isinstance(error, DuplicateRecord)
    lost = Account(accountname=f"{tag} Twin")  # as if its create's answer had been lost
    assert vtorm.resolve_unknown(lost, key="accountname", using=real) is True
    assert lost.id == batch[0].id and lost.account_no == batch[0].account_no
    Account.objects.using(real).filter(id=batch[0].id).delete()
