"""Static checks of the public API's types (run by mypy/pyright, imported by a test)."""

from __future__ import annotations

from typing import Any

from typing_extensions import assert_type

from tests.orm.models import Contact, ContactManager, ContactQuerySet
from vtorm import Q, errors


def check_types() -> None:
    """Never called at runtime: mypy and pyright check these assertions."""
    assert_type(Contact.objects, ContactManager)
    assert_type(Contact.objects.filter(lastname="Smith"), ContactQuerySet)
    assert_type(Contact.objects.all().order_by("-lastname")[:5], ContactQuerySet)
    assert_type(Contact.objects.exclude(Q(lastname="x") | Q(firstname="y")), ContactQuerySet)
    assert_type(Contact.objects.get(lastname="Smith"), Contact)
    assert_type(Contact.objects.filter(lastname="S").get(), Contact)
    assert_type(Contact.objects.all()[0], Contact)
    assert_type(Contact.objects.first(), Contact | None)
    assert_type(list(Contact.objects.values("lastname")), list[dict[str, Any]])
    assert_type(Contact.DoesNotExist, type[errors.ObjectDoesNotExist])
    for contact in Contact.objects.filter(lastname__startswith="Sm"):
        assert_type(contact, Contact)
