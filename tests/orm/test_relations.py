"""Forward relations and select_related, against the fake backend."""

from __future__ import annotations

import pytest

from tests.orm.fakes import FakeBackend
from tests.orm.models import Account, Contact
from vtorm import FieldError


@pytest.fixture
def backend() -> FakeBackend:
    fake = FakeBackend()
    for n in range(3):
        fake.add({"accountname": f"Org {n}"}, prefix="11")  # ids 11x1..11x3
    for n in range(150):
        account = f"11x{n % 3 + 1}" if n % 5 else ""
        fake.add({"lastname": f"C{n:03}", "account_id": account})
    return fake


def test_accessor_fetches_once_and_caches(backend: FakeBackend) -> None:
    contact = Contact.objects.using(backend).get(id="12x5")
    before = len(backend.queries)
    account = contact.account
    assert account is not None and account.accountname == "Org 1"
    assert contact.account is account
    assert len(backend.queries) == before + 1


def test_empty_reference_is_none_without_a_request(backend: FakeBackend) -> None:
    contact = Contact.objects.using(backend).get(id="12x4")
    before = len(backend.queries)
    assert contact.account_id is None and contact.account is None
    assert len(backend.queries) == before


def test_changing_the_reference_refetches(backend: FakeBackend) -> None:
    contact = Contact.objects.using(backend).get(id="12x5")
    assert contact.account is not None
    contact.account_id = "11x3"  # type: ignore[assignment]
    assert contact.account is not None and contact.account.accountname == "Org 2"


def test_select_related_costs_one_query_per_page_and_module(backend: FakeBackend) -> None:
    contacts = list(Contact.objects.using(backend).select_related("account_id"))
    assert len(contacts) == 150
    queries = len(backend.queries)
    assert queries == 2 + 2 + 1  # 2 contact pages + 1 account query each + the empty page
    names = {c.lastname: c.account.accountname if c.account else None for c in contacts}
    assert names["C001"] == "Org 1" and names["C000"] is None
    assert len(backend.queries) == queries
    assert backend.queries[1] == (
        "SELECT * FROM Accounts WHERE id IN ('11x1', '11x2', '11x3') ORDER BY id LIMIT 3;"
    )


def test_select_related_needs_reference_fields() -> None:
    with pytest.raises(FieldError, match="lastname is not a reference"):
        Contact.objects.select_related("lastname")


def test_select_related_sees_the_model_module() -> None:
    assert Account.objects.select_related().explain() == (
        "SELECT * FROM Accounts ORDER BY id LIMIT 100;"
    )
