"""What a query starts with, on the QuerySet itself (the Manager's methods are QuerySet
methods): `create()`, `changes()`, `iterator(prefetch=)`, against the embedded server."""

from __future__ import annotations

import pytest

import vtorm
from tests.inprocess import BASE_URL
from tests.orm.conftest import make_client
from tests.orm.fakes import FakeBackend, as_default
from tests.orm.models import Contact
from vtorm import ConfigurationError, UsageError
from vtorm.client import Client
from vtorm.client.wsgi import wsgi_session
from vtorm.emulator import Emulator
from vtorm.query.backend import default_backend
from vtorm.query.queryset import QuerySet


def test_create_goes_through_the_chosen_client_and_binds_the_record_to_it(
    client: Client,
) -> None:
    with as_default(FakeBackend()) as fake:  # a default that must not be used
        ada = QuerySet(Contact).using(client).create(lastname="Lovelace", firstname="Ada")
        assert ada.id is not None and ada.contact_no
        ada.mailingcity = "London"
        ada.save()  # back to where the record lives, not the default
    assert fake.calls == []
    found = Contact.objects.using(client).get(id=ada.id)
    assert (found.firstname, found.mailingcity) == ("Ada", "London")


def test_create_without_a_client_uses_the_default(client: Client) -> None:
    with as_default(client):
        ann = QuerySet(Contact).create(lastname="Ann")
    assert Contact.objects.using(client).get(lastname="Ann").id == ann.id


def test_changes_on_a_queryset_follow_its_client(client: Client) -> None:
    first = Contact(lastname="First")
    first.save(using=client)
    second = Contact(lastname="Second")
    second.save(using=client)
    feed = QuerySet(Contact).using(client).changes(since=1)
    assert {change.id for change in feed} >= {first.id, second.id}
    assert feed.checkpoint.time > 1 and feed.sees_deletions


def test_an_explicit_client_for_changes_wins_over_the_querysets(client: Client) -> None:
    Contact(lastname="Here").save(using=client)
    other = Emulator()
    try:
        with make_client(other) as elsewhere:
            feed = QuerySet(Contact).using(client).changes(since=1, using=elsewhere)
            assert list(feed) == []  # the other server has no contacts
    finally:
        other.close()


def test_changes_refuse_what_sync_cannot_do_before_any_request() -> None:
    backend = FakeBackend()
    with pytest.raises(UsageError, match="filtered or sliced"):
        QuerySet(Contact).using(backend).filter(lastname="x").changes()
    with pytest.raises(UsageError, match="filtered or sliced"):
        QuerySet(Contact).using(backend)[:10].changes()
    with pytest.raises(UsageError, match="cannot answer sync"):
        QuerySet(Contact).using(backend).changes()
    assert backend.calls == []


@pytest.mark.fresh_crm
def test_iterator_with_prefetch_on_a_queryset_yields_every_record_in_order(
    client: Client,
) -> None:
    made = []
    for n in range(230):
        contact = Contact(lastname=f"P{n:03}")
        contact.save(using=client)
        made.append(contact.id)
    query = QuerySet(Contact).using(client)
    assert [c.id for c in query.iterator(page_size=50, prefetch=3)] == made
    assert [c.id for c in query[10:120].iterator(prefetch=2)] == made[10:120]


def test_connect_is_what_queries_and_saves_without_a_client_use(emulator: Emulator) -> None:
    session = wsgi_session(emulator.wsgi_app, BASE_URL)
    previous = vtorm.set_default_client(None)
    try:
        with vtorm.connect(BASE_URL, emulator.username, emulator.access_key, session=session):
            Contact(lastname="Default").save()
            assert [c.lastname for c in Contact.objects.all()] == ["Default"]
            assert vtorm.get_default_client() is default_backend()
        with pytest.raises(ConfigurationError, match=r"vtorm\.connect"):
            Contact.objects.count()  # the block's end took the default away again
    finally:
        vtorm.set_default_client(previous)


def test_a_fake_default_is_no_client() -> None:
    with as_default(FakeBackend()), pytest.raises(ConfigurationError, match="FakeBackend"):
        vtorm.get_default_client()
