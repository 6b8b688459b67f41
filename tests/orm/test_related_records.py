"""Reverse and many-to-many relations through query_related / add_related, on the server."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.live import unique
from tests.orm.models import Account, Campaign, Contact
from vtorm import InvalidArgument, Q, UnsupportedQuery
from vtorm.client import Client


@pytest.fixture
def acme(client: Client) -> Account:
    account = Account(accountname=unique("Acme"))  # live: Accounts refuse duplicate names
    account.save(using=client)
    for n in range(130):
        Contact(lastname=f"C{n:03}", account_id=account.id).save(using=client)
    Contact(lastname="C999 elsewhere").save(using=client)
    return account


def test_reverse_relation_pages_past_100(acme: Account) -> None:
    names = [c.lastname for c in acme.related(Contact)]
    assert names == [f"C{n:03}" for n in range(130)]


def test_related_records_filter_with_and(acme: Account) -> None:
    related = acme.related(Contact, "Contacts")
    found = [c.lastname for c in related.filter(lastname__startswith="C12")]
    assert found == [f"C{n}" for n in range(120, 130)]
    assert list(related.filter(lastname__in=[])) == []


def test_related_records_refuse_or(acme: Account) -> None:
    related = acme.related(Contact)
    with pytest.raises(UnsupportedQuery, match="only be filtered with AND"):
        related.filter(Q(lastname="C001") | Q(lastname="C002"))
    with pytest.raises(UnsupportedQuery, match="only be filtered with AND"):
        related.exclude(lastname="C001", firstname="x")
    assert len(list(related.exclude(lastname__in=["C001", "C002"]))) == 128


def test_many_to_many_add(client: Client) -> None:
    campaign = Campaign(campaignname="Spring", closingdate=dt.date(2027, 3, 1))
    campaign.save(using=client)
    ann = Contact(lastname="Ann")
    ann.save(using=client)
    members = campaign.related(Contact)
    assert list(members) == []
    members.add(ann)
    assert [c.id for c in members] == [ann.id]
    with pytest.raises(InvalidArgument, match="no id yet"):
        members.add(Contact(lastname="unsaved"))
