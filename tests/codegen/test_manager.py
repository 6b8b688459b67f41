"""`Manager`: a descriptor handing out the model's QuerySet, so the two cannot drift apart."""

from __future__ import annotations

import inspect
from typing import ClassVar

import pytest

from generated import Contact
from generated.contact import ContactQuerySet
from vtorm import Manager, QuerySet, UsageError


class VipContact(Contact):
    """A hand-written subclass: its `objects` query the subclass."""


def test_class_access_gives_a_fresh_queryset_of_the_model() -> None:
    first, second = Contact.objects, Contact.objects
    assert type(first) is ContactQuerySet and first.model is Contact
    assert first is not second  # fresh each time, like Django's get_queryset()


def test_a_subclass_of_the_model_gets_a_queryset_of_the_subclass() -> None:
    query = VipContact.objects
    assert type(query) is ContactQuerySet and query.model is VipContact


def test_instance_access_is_a_usage_error_naming_the_way() -> None:
    with pytest.raises(UsageError, match=r"Contact\.objects is reached through the model class"):
        _ = Contact(lastname="Smith").objects


def test_the_manager_forwards_nothing_so_nothing_can_drift() -> None:
    # `objects` is the QuerySet itself: `iterator(prefetch=...)` and whatever QuerySet gains
    # later are there with the same parameters, because the Manager defines no query method.
    assert [name for name in vars(Manager) if not name.startswith("_")] == []
    assert "prefetch" in inspect.signature(Contact.objects.iterator).parameters


def test_a_hand_written_model_uses_the_plain_queryset() -> None:
    from vtorm import Model

    class Note(Model):
        vtiger_module: ClassVar[str] = "Notes"
        objects: ClassVar[Manager[QuerySet[Note]]] = Manager(QuerySet)

    assert type(Note.objects) is QuerySet and Note.objects.model is Note
    assert repr(Note.__dict__["objects"]) == "Manager(QuerySet)"
