"""Records behave like values: hashable by id once saved, and reprs a person can read."""

from __future__ import annotations

from typing import ClassVar

import pytest

import generated
from tests.orm.fakes import FakeBackend, as_default
from tests.orm.models import Account, Contact
from vtorm import Model
from vtorm.client import Client
from vtorm.query.backend import set_default_backend


def test_saved_records_hash_by_id_and_unsaved_ones_refuse() -> None:
    one = Contact.vtiger_from_wire({"id": "12x5", "lastname": "Lovelace"})
    again = Contact.vtiger_from_wire({"id": "12x5", "lastname": "Lovelace"})
    other = Contact.vtiger_from_wire({"id": "12x6", "lastname": "Lovelace"})
    assert {one, again, other} == {one, other}
    assert {one: "a"}[again] == "a"
    with pytest.raises(TypeError, match="unsaved Contact is unhashable"):
        hash(Contact(lastname="New"))


def test_a_record_saved_on_the_server_can_be_a_dict_key(client: Client) -> None:
    ada = Contact(lastname="Lovelace", firstname="Ada")
    ada.save(using=client)
    loaded = Contact.objects.using(client).get(id=ada.id)
    assert {ada: 1}[loaded] == 1


def test_the_repr_shows_the_id_and_the_name() -> None:
    ada = Contact.vtiger_from_wire({"id": "12x5", "firstname": "Ada", "lastname": "Lovelace"})
    assert repr(ada) == "<Contact 12x5 'Ada Lovelace'>"
    assert repr(Contact(lastname="Hopper")) == "<Contact (unsaved) 'Hopper'>"
    assert repr(Account.vtiger_from_wire({"id": "11x1", "accountname": "Acme"})) == (
        "<Account 11x1 'Acme'>"
    )
    assert repr(generated.HelpDesk.vtiger_from_wire({"id": "17x2", "ticket_title": "Down"})) == (
        "<HelpDesk 17x2 'Down'>"
    )
    assert repr(generated.User.vtiger_from_wire({"id": "19x1", "first_name": "Ann"})) == (
        "<User 19x1 'Ann'>"
    )


def test_declared_label_fields_win_over_the_guess() -> None:
    class Note(Model):
        vtiger_module: ClassVar[str] = ""
        vtiger_label_fields: ClassVar[tuple[str, ...]] = ("code",)
        title: str | None = None
        code: str | None = None

    assert repr(Note(title="t", code="N-1")) == "<Note (unsaved) 'N-1'>"


def test_a_queryset_repr_shows_up_to_twenty_records_as_django_does() -> None:
    backend = FakeBackend(rows=[{"lastname": f"L{n:02}"} for n in range(25)])
    text = repr(Contact.objects.using(backend).all())
    assert text.startswith("<ContactQuerySet [<Contact 12x1 'L00'>, <Contact 12x2 'L01'>, ")
    assert text.endswith("<Contact 12x20 'L19'>, '...(remaining elements truncated)...']>")
    assert backend.queries == ["SELECT * FROM Contacts ORDER BY id LIMIT 21;"]
    few = Contact.objects.using(backend).all()[:2]
    assert repr(few) == "<ContactQuerySet [<Contact 12x1 'L00'>, <Contact 12x2 'L01'>]>"
    values = Contact.objects.using(backend).values_list("lastname", flat=True)[:3]
    assert repr(values) == "<RowView ['L00', 'L01', 'L02']>"


def test_a_cached_queryset_repr_sends_nothing() -> None:
    backend = FakeBackend(rows=[{"lastname": "Only"}])
    query = Contact.objects.using(backend).all()
    list(query)
    sent = len(backend.calls)
    assert repr(query) == "<ContactQuerySet [<Contact 12x1 'Only'>]>"
    assert len(backend.calls) == sent


def test_a_queryset_repr_without_a_client_says_so_instead_of_raising() -> None:
    previous = set_default_backend(None)
    try:
        text = repr(Contact.objects.filter(lastname="x"))
    finally:
        set_default_backend(previous)
    assert text.startswith("<ContactQuerySet of Contact, not fetched: ConfigurationError(")
    with as_default(FakeBackend()):
        assert repr(Contact.objects.none()) == "<ContactQuerySet []>"
