"""Hand-written models in exactly the shape codegen generates (docs/architecture.md).

They pin the generated-model contract: mypy --strict must accept this file, and the ORM
tests run against it. Fields are a representative subset of the real describe output,
including custom fields whose python name differs from their wire name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal

from typing_extensions import Self, TypedDict, Unpack

from vtorm import Manager, Model, Q, QuerySet, RecordId, VtigerField

Tier = Literal["Bronze", "Silver", "Gold", "Platinum"]
TIERS = ("Bronze", "Silver", "Gold", "Platinum")


class ContactLookups(TypedDict, total=False):
    id: RecordId | str
    id__in: Sequence[RecordId | str]
    id__gt: RecordId | str
    lastname: str
    lastname__startswith: str
    lastname__contains: str
    lastname__in: Sequence[str]
    firstname: str
    mailingcity: str
    account_id: RecordId | str
    account_id__in: Sequence[RecordId | str]
    account_id__isnull: bool
    loyalty_points__gt: int
    customer_tier: Tier


class ContactQuerySet(QuerySet["Contact"]):
    def filter(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> Self:
        return self._filter(conditions, lookups)

    def exclude(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> Self:
        return self._exclude(conditions, lookups)

    def get(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> Contact:
        return self._get(conditions, lookups)


class ContactManager(Manager["Contact", ContactQuerySet]):
    queryset_class = ContactQuerySet

    def filter(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> ContactQuerySet:
        return self.get_queryset().filter(*conditions, **lookups)

    def exclude(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> ContactQuerySet:
        return self.get_queryset().exclude(*conditions, **lookups)

    def get(self, *conditions: Q, **lookups: Unpack[ContactLookups]) -> Contact:
        return self.get_queryset().get(*conditions, **lookups)


class Contact(Model):
    vtiger_module: ClassVar[str] = "Contacts"
    vtiger_id_prefix: ClassVar[str] = "12"
    objects: ClassVar[ContactManager] = ContactManager()

    firstname: Annotated[str | None, VtigerField("firstname", "string", label="First Name")] = None
    lastname: Annotated[str, VtigerField("lastname", "string", label="Last Name", mandatory=True)]
    email: Annotated[str | None, VtigerField("email", "email", label="Primary Email")] = None
    mailingcity: Annotated[
        str | None, VtigerField("mailingcity", "string", label="Mailing City")
    ] = None
    birthday: Annotated[dt.date | None, VtigerField("birthday", "date", label="Date of Birth")] = (
        None
    )
    donotcall: Annotated[bool | None, VtigerField("donotcall", "boolean", label="Do Not Call")] = (
        None
    )
    account_id: Annotated[
        RecordId | None,
        VtigerField("account_id", "reference", label="Organization Name", refers_to=("Accounts",)),
    ] = None
    assigned_user_id: Annotated[
        RecordId | None,
        VtigerField("assigned_user_id", "owner", label="Assigned To", mandatory=True),
    ] = None
    leadsource: Annotated[
        Literal["Cold Call", "Existing Customer", "Self Generated"] | None,
        VtigerField(
            "leadsource",
            "picklist",
            label="Lead Source",
            picklist=("Cold Call", "Existing Customer", "Self Generated"),
        ),
    ] = None
    customer_tier: Annotated[
        Tier | None,
        VtigerField("cf_853", "picklist", label="Customer Tier", picklist=TIERS),
    ] = None
    loyalty_points: Annotated[
        int | None, VtigerField("cf_855", "integer", label="Loyalty Points")
    ] = None
    preferred_channels: Annotated[
        list[str] | None,
        VtigerField(
            "cf_869",
            "multipicklist",
            label="Preferred Channels",
            picklist=("Email", "Phone", "SMS", "Post"),
        ),
    ] = None
    annual_spend: Annotated[
        Decimal | None, VtigerField("cf_871", "currency", label="Annual Spend")
    ] = None

    @property
    def account(self) -> Account | None:
        """The organisation `account_id` points at (fetched once, then cached)."""
        return self.vtiger_related("account_id", Account)

    if TYPE_CHECKING:
        # Read-only: only the server sets these.
        @property
        def contact_no(self) -> str | None: ...
        @property
        def createdtime(self) -> dt.datetime | None: ...
        @property
        def modifiedtime(self) -> dt.datetime | None: ...
    else:
        contact_no: Annotated[
            str | None, VtigerField("contact_no", "string", label="Contact Id", editable=False)
        ] = None
        createdtime: Annotated[
            dt.datetime | None,
            VtigerField("createdtime", "datetime", label="Created Time", editable=False),
        ] = None
        modifiedtime: Annotated[
            dt.datetime | None,
            VtigerField("modifiedtime", "datetime", label="Modified Time", editable=False),
        ] = None


class AccountLookups(TypedDict, total=False):
    id: RecordId | str
    id__in: Sequence[RecordId | str]
    accountname: str
    accountname__startswith: str
    industry: str
    employees__gt: int
    employees__range: tuple[int, int]


class AccountQuerySet(QuerySet["Account"]):
    def filter(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> Self:
        return self._filter(conditions, lookups)

    def exclude(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> Self:
        return self._exclude(conditions, lookups)

    def get(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> Account:
        return self._get(conditions, lookups)


class AccountManager(Manager["Account", AccountQuerySet]):
    queryset_class = AccountQuerySet

    def filter(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> AccountQuerySet:
        return self.get_queryset().filter(*conditions, **lookups)

    def exclude(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> AccountQuerySet:
        return self.get_queryset().exclude(*conditions, **lookups)

    def get(self, *conditions: Q, **lookups: Unpack[AccountLookups]) -> Account:
        return self.get_queryset().get(*conditions, **lookups)


class Account(Model):
    vtiger_module: ClassVar[str] = "Accounts"
    vtiger_id_prefix: ClassVar[str] = "11"
    objects: ClassVar[AccountManager] = AccountManager()

    accountname: Annotated[
        str, VtigerField("accountname", "string", label="Organization Name", mandatory=True)
    ]
    phone: Annotated[str | None, VtigerField("phone", "phone", label="Primary Phone")] = None
    employees: Annotated[int | None, VtigerField("employees", "integer", label="Employees")] = None
    industry: Annotated[
        Literal["Banking", "Retail", "Technology", "Other"] | None,
        VtigerField(
            "industry",
            "picklist",
            label="Industry",
            picklist=("Banking", "Retail", "Technology", "Other"),
        ),
    ] = None
    annual_revenue: Annotated[
        Decimal | None, VtigerField("annual_revenue", "currency", label="Annual Revenue")
    ] = None
    emailoptout: Annotated[
        bool | None, VtigerField("emailoptout", "boolean", label="Email Opt Out")
    ] = None
    bill_city: Annotated[str | None, VtigerField("bill_city", "string", label="Billing City")] = (
        None
    )
    assigned_user_id: Annotated[
        RecordId | None,
        VtigerField("assigned_user_id", "owner", label="Assigned To", mandatory=True),
    ] = None
    best_time_to_call: Annotated[
        dt.time | None, VtigerField("cf_887", "time", label="Best Time To Call")
    ] = None

    if TYPE_CHECKING:

        @property
        def account_no(self) -> str | None: ...
        @property
        def modifiedtime(self) -> dt.datetime | None: ...
    else:
        account_no: Annotated[
            str | None,
            VtigerField("account_no", "string", label="Organization Number", editable=False),
        ] = None
        modifiedtime: Annotated[
            dt.datetime | None,
            VtigerField("modifiedtime", "datetime", label="Modified Time", editable=False),
        ] = None


class CampaignManager(Manager["Campaign", QuerySet["Campaign"]]):
    """No typed lookups: the plain manager API."""


class Campaign(Model):
    vtiger_module: ClassVar[str] = "Campaigns"
    vtiger_id_prefix: ClassVar[str] = "1"
    objects: ClassVar[CampaignManager] = CampaignManager()

    campaignname: Annotated[
        str, VtigerField("campaignname", "string", label="Campaign Name", mandatory=True)
    ]
    closingdate: Annotated[
        dt.date, VtigerField("closingdate", "date", label="Expected Close Date", mandatory=True)
    ]
    assigned_user_id: Annotated[
        RecordId | None,
        VtigerField("assigned_user_id", "owner", label="Assigned To", mandatory=True),
    ] = None
