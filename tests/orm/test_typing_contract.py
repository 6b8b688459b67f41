"""The public API's types, asserted for mypy/pyright (`mypy --strict tests/orm`) and run.

Running it checks that every call in the typed contract also works at runtime.
"""

from __future__ import annotations

from typing import Any

import pytest
from typing_extensions import assert_type

from tests.orm.fakes import FakeBackend, as_default
from tests.orm.models import Account, Campaign, Contact
from tests.orm.models.contact import ContactQuerySet
from tests.orm.test_changes import SyncingFake
from vtorm import Q, UsageError, errors
from vtorm.model.changes import ChangeFeed
from vtorm.model.reverse import RelatedRecords


def test_public_api_types() -> None:
    backend = FakeBackend(rows=[{"lastname": "Smith"}])
    with as_default(backend):
        assert_type(Contact.objects, ContactQuerySet)
        assert_type(Contact.objects.filter(lastname="Smith"), ContactQuerySet)
        assert_type(Contact.objects.all().order_by("-lastname")[:5], ContactQuerySet)
        assert_type(Contact.objects.exclude(Q(lastname="x") | Q(firstname="y")), ContactQuerySet)
        assert_type(Contact.objects.get(id="12x1"), Contact)
        assert_type(Contact.objects.filter(id="12x1").get(), Contact)
        assert_type(Contact.objects.all()[0], Contact)
        assert_type(Contact.objects.first(), Contact | None)
        assert_type(list(Contact.objects.values("lastname")), list[dict[str, Any]])
        assert_type(Contact.DoesNotExist, type[errors.ObjectDoesNotExist])
        for contact in Contact.objects.filter(lastname__startswith="Sm"):
            assert_type(contact, Contact)
            assert_type(contact.account, Account | None)
            with pytest.raises(UsageError, match="query_related"):  # a fake without it
                assert_type(contact.related(Campaign), RelatedRecords[Campaign])
        assert_type(Contact.objects.select_related("account_id"), ContactQuerySet)
        assert_type(Contact.objects.changes(since=1, using=SyncingFake({})), ChangeFeed[Contact])
        assert_type(Contact.objects.none(), ContactQuerySet)
