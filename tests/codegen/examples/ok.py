"""A small program using the generated models: must pass mypy --strict and pyright --strict."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from typing_extensions import assert_type

from generated import MODELS, Account, Calendar, Contact, Group, Invoice, SalesOrder, User
from generated.contact import (
    ContactCustomerTier,
    ContactPreferredChannels,
    ContactQuerySet,
    ContactRelatedRecords,
)
from vtorm import Client, Model, ObjectDoesNotExist, Q, RecordId, RelatedRecords
from vtorm.model.changes import ChangeFeed

if TYPE_CHECKING:
    from generated.event import EventParentTarget  # relation unions exist for type checkers


def vip_contacts(since: datetime.date) -> ContactQuerySet:
    query = Contact.objects.filter(
        Q(customer_tier="Gold") | Q(customer_tier="Platinum"),
        lastname__istartswith="sm",
        birthday__gt=since,
        account_id__in=[RecordId("11x5"), "11x6"],
        email__isnull=False,
    )
    return query.exclude(vip=True).order_by("lastname")


def new_contact() -> Contact:
    contact = Contact(lastname="Smith", groesse_cm="180", class_="A", second_phone="+49 30 1")
    contact.customer_tier = "Silver"
    contact.preferred_channels = ["Email", "SMS"]
    contact.annual_spend = Decimal("1200.50")
    contact.loyalty_points = 10
    return contact


def describe(contact: Contact) -> str:
    tier: ContactCustomerTier | None = contact.customer_tier
    assert_type(contact.contact_no, str | None)  # read-only, but readable
    assert_type(contact.id, RecordId | None)
    assert_type(contact.partner_since, datetime.date | None)
    assert_type(contact.preferred_channels, list[ContactPreferredChannels] | None)
    return f"{contact.firstname} {contact.lastname} ({tier})"


def totals() -> Decimal:
    total = Decimal(0)
    for invoice in Invoice.objects.filter(hdnGrandTotal__gte=100, invoicestatus="Paid")[:10]:
        total += invoice.hdnGrandTotal or Decimal(0)
        assert_type(invoice.shipping_and_handling, Decimal | None)
    return total


def lookup(module: str) -> type[Model]:
    order: SalesOrder | None = SalesOrder.objects.filter(id__in=["6x1"]).first()
    assert_type(Contact.objects, ContactQuerySet)  # the manager hands out the typed QuerySet
    assert_type(Contact.objects.filter(leadsource__iexact="Web Site"), ContactQuerySet)
    assert_type(Contact.objects.get(id="12x1"), Contact)
    assert_type(Contact.objects.order_by("lastname").get(lastname="Smith"), Contact)
    assert_type(Contact.objects.iterator(prefetch=1), Iterator[Contact])
    del order
    return MODELS[module]


def relations(contact: Contact) -> str | None:
    account = contact.account
    assert_type(account, Account | None)
    assert_type(contact.assigned_user, User | Group | None)
    parent: EventParentTarget | None = None
    del parent
    return account.accountname if account is not None else None


def reverse_relations(account: Account) -> list[str]:
    staff = account.related_contacts()
    assert_type(staff, ContactRelatedRecords)
    assert_type(staff.filter(lastname="Smith"), ContactRelatedRecords)
    assert_type(account.related(Contact), RelatedRecords[Contact])
    assert_type(account.related(Calendar, "Activities"), RelatedRecords[Calendar])
    assert_type(account.related("Contacts"), RelatedRecords[Model])
    staff.add(Contact(lastname="New"))
    return [person.lastname for person in staff.filter(lastname__startswith="S")]


def public_api(client: Client) -> None:
    """What each public call returns, chained as users chain them."""
    assert_type(Contact.objects.filter(lastname="Smith"), ContactQuerySet)
    assert_type(Contact.objects.all().order_by("-lastname")[:5], ContactQuerySet)
    assert_type(Contact.objects.exclude(Q(lastname="x") | Q(firstname="y")), ContactQuerySet)
    assert_type(Contact.objects.using(client).filter(id="12x1").get(), Contact)
    assert_type(Contact.objects.all()[0], Contact)
    assert_type(Contact.objects.first(), Contact | None)
    assert_type(list(Contact.objects.values("lastname")), list[dict[str, Any]])
    assert_type(Contact.DoesNotExist, type[ObjectDoesNotExist])
    for contact in Contact.objects.filter(lastname__startswith="Sm").iterator(prefetch=2):
        assert_type(contact, Contact)
        assert_type(contact.related(Account), RelatedRecords[Account])
    assert_type(Contact.objects.select_related("account_id"), ContactQuerySet)
    assert_type(Contact.objects.changes(since=1, using=client), ChangeFeed[Contact])
    assert_type(Contact.objects.none(), ContactQuerySet)
