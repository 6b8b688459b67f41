"""A small program using the generated models: must pass mypy --strict and pyright --strict."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from typing_extensions import assert_type

from generated import (
    MODELS,
    Account,
    Calendar,
    Contact,
    Group,
    Invoice,
    Lead,
    LineItem,
    Potential,
    Product,
    Quote,
    SalesOrder,
    User,
)
from generated.contact import (
    ContactCustomerTier,
    ContactPartialRow,
    ContactPreferredChannels,
    ContactQuerySet,
    ContactRelatedRecords,
    ContactRow,
)
from vtorm import (
    Client,
    ConvertedLead,
    Model,
    ObjectDoesNotExist,
    Q,
    RecordId,
    RelatedRecords,
    RowView,
)
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
    assert_type(list(Contact.objects.values("lastname")), list[ContactPartialRow])
    assert_type(Contact.DoesNotExist, type[ObjectDoesNotExist])
    for contact in Contact.objects.filter(lastname__startswith="Sm").iterator(prefetch=2):
        assert_type(contact, Contact)
        assert_type(contact.related(Account), RelatedRecords[Account])
    assert_type(Contact.objects.select_related("account_id"), ContactQuerySet)
    assert_type(Contact.objects.changes(since=1, using=client), ChangeFeed[Contact])
    assert_type(Contact.objects.none(), ContactQuerySet)


# -- issue 15: no typing holes ----------------------------------------------------------


def create_like_the_constructor(account: Account) -> Contact:
    made = Contact.objects.create(
        lastname="Smith", loyalty_points=5, annual_spend=12.5, account_id=account.id
    )
    assert_type(made, Contact)
    Contact(lastname="Ng", annual_spend=12)  # numbers take int/float/Decimal, as in filters
    Contact(lastname="Ng", annual_spend=Decimal("12.50"), customer_tier="Gold")
    assert_type(made.annual_spend, Decimal | None)  # and read back as Decimal
    made.annual_spend = 99  # assignments take them too
    made.account_id = "11x5"  # and an id as text
    assert_type(made.account_id, RecordId | None)
    return made


def records_from_the_server_need_no_asserts(product: Product, account: Account) -> Quote:
    contact = Contact.objects.filter(lastname="Smith").first()
    if contact is None:
        raise LookupError("none")
    again = Contact.objects.filter(id=contact.id).get()  # an id, or None (matches nothing)
    Contact.objects.filter(id__in=[contact.id, again.id], account_id=contact.account_id)
    line = LineItem(productid=product.id, quantity=2, listprice=10)
    return Quote(
        subject="Q-1",
        quotestage="Created",
        bill_street="1 Main St",
        ship_street="1 Main St",
        account_id=account.id,
        line_items=[line],
    )


def field_names_are_checked() -> None:
    query = Contact.objects.order_by("-modifiedtime", "lastname").only("lastname", "email")
    assert_type(query.select_related("account_id"), ContactQuerySet)
    rows = Contact.objects.values()
    assert_type(rows, RowView[ContactRow])
    for row in rows:
        assert_type(row["id"], RecordId)
        assert_type(row["lastname"], str)
        assert_type(row["birthday"], datetime.date | None)
    for partial in Contact.objects.filter(lastname="Smith").values("lastname", "email"):
        assert_type(partial, ContactPartialRow)
        assert_type(partial.get("email"), str | None)
    Contact.objects.values_list("lastname", flat=True)
    Contact.objects.filter(leadsource__iexact="Web Site", lastname__icontains="sm")


def convert(lead: Lead) -> str:
    made = lead.convert(account={"accountname": "Wayne Enterprises"}, contact=True)
    assert_type(made, ConvertedLead[Account, Contact, Potential])
    assert_type(made.potential, Potential | None)
    return made.contact.lastname if made.contact is not None else ""
