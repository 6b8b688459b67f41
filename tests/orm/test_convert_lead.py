"""`lead.convert(...)`: typed records back, checked arguments, a clear second conversion.

Runs on the embedded server, and in live mode (tests/live.py) on the real one too (stock 8.0
on PHP 8 answers convertlead with HTTP 500; the reference server is patched, see
../shared/vtiger-reference/README.md). Each test makes its own lead under a unique name and
deletes what the conversion made.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from generated import Account, Contact, Lead, Potential
from tests.inprocess import make_client
from tests.live import LIVE
from tests.orm.fakes import FakeBackend
from vtorm import (
    ConvertedLead,
    FieldError,
    InvalidArgument,
    LeadAlreadyConverted,
    MandatoryFieldsMissing,
    ReadOnlyFieldError,
)
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.fixture(params=["embedded", "live"])
def crm(request: pytest.FixtureRequest) -> Iterator[Client]:
    if request.param == "live":
        if LIVE is None:
            pytest.skip("live mode only (VTORM_LIVE_*)")
        with LIVE.client() as live:
            yield live
        return
    emulator = Emulator()
    with make_client(emulator) as client:
        yield client
    emulator.close()


def _lead(client: Client) -> tuple[str, Lead]:
    name = f"Conv{uuid.uuid4().hex[:8]}"
    return name, Lead.objects.using(client).create(lastname=name, company=f"{name} Inc")


@pytest.fixture
def made() -> Iterator[list[ConvertedLead[Account, Contact, Potential]]]:
    """Conversions to clean up afterwards (a real CRM is shared with other tests)."""
    conversions: list[ConvertedLead[Account, Contact, Potential]] = []
    yield conversions
    for conversion in conversions:
        for record in (conversion.potential, conversion.contact, conversion.account):
            if record is not None:
                record.delete()


def test_convert_returns_the_typed_records_it_made(
    crm: Client, made: list[ConvertedLead[Account, Contact, Potential]]
) -> None:
    name, lead = _lead(crm)
    made.append(
        lead.convert(
            account={"accountname": f"{name} Inc", "industry": "Technology"},
            contact={"firstname": "Bruce"},
            potential={
                "potentialname": f"{name} deal",
                "closingdate": dt.date(2027, 6, 30),
                "sales_stage": "Prospecting",
            },
        )
    )
    (result,) = made
    assert isinstance(result.account, Account) and isinstance(result.contact, Contact)
    assert isinstance(result.potential, Potential)
    assert result.account.accountname == f"{name} Inc"
    assert result.account.industry == "Technology"
    assert (result.contact.firstname, result.contact.lastname) == ("Bruce", name)  # mapped
    assert result.contact.account_id == result.account.id
    assert result.potential.related_to == result.account.id
    assert result.potential.contact_id == result.contact.id


def test_only_a_contact_leaves_the_others_none(
    crm: Client, made: list[ConvertedLead[Account, Contact, Potential]]
) -> None:
    name, lead = _lead(crm)
    made.append(lead.convert())  # the default: a contact from the lead's mapped fields
    assert made[0].account is None and made[0].potential is None
    assert made[0].contact is not None and made[0].contact.lastname == name


def test_a_mandatory_field_nothing_fills_is_named(crm: Client) -> None:
    _name, lead = _lead(crm)
    with pytest.raises(MandatoryFieldsMissing, match="sales_stage does not have a value"):
        lead.convert(potential={"closingdate": dt.date(2027, 6, 30)})
    lead.delete()  # not converted: the server made nothing


def test_a_second_conversion_is_refused_clearly(
    crm: Client, made: list[ConvertedLead[Account, Contact, Potential]]
) -> None:
    _name, lead = _lead(crm)
    made.append(lead.convert(contact=True))
    with pytest.raises(LeadAlreadyConverted, match=f"Lead {lead.id} is already converted"):
        lead.convert(contact=True)


class Recording(FakeBackend):
    def __init__(self) -> None:
        super().__init__(prefix="10")
        self.elements: list[Any] = []

    def convert_lead(self, element: Any, /) -> Any:
        self.elements.append(element)
        return None


def _saved_lead(backend: Recording) -> Lead:
    (lead,) = Lead.objects.using(backend).filter(id="10x1")
    return lead


def test_the_element_is_what_the_real_server_wants() -> None:
    backend = Recording()
    backend.add({"lastname": "Wayne"})
    lead = _saved_lead(backend)
    with pytest.raises(Exception, match="created nothing"):
        lead.convert(account={"accountname": "Wayne Enterprises"}, assigned_to="19x1")
    assert backend.elements == [
        {
            "leadId": "10x1",
            "entities": {
                "Accounts": {
                    "create": True,
                    "name": "Accounts",
                    "accountname": "Wayne Enterprises",
                },
                "Contacts": {"create": True, "name": "Contacts"},
            },
            "transferRelatedRecordsTo": "Contacts",
            "assignedTo": "19x1",
        }
    ]


def test_bad_arguments_are_refused_before_any_request() -> None:
    backend = Recording()
    backend.add({"lastname": "Wayne"})
    lead = _saved_lead(backend)
    with pytest.raises(InvalidArgument, match="account or contact"):
        lead.convert(contact=False, potential=True)
    with pytest.raises(FieldError, match="accountnme"):
        lead.convert(account={"accountnme": "A"})  # type: ignore[arg-type]
    with pytest.raises(ReadOnlyFieldError, match="account_no"):
        lead.convert(account={"account_no": "ACC1"})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="closingdate"):
        lead.convert(potential={"closingdate": "soon"})  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="assigned_to"):
        lead.convert(assigned_to="admin")
    with pytest.raises(InvalidArgument, match="not been saved"):
        Lead(lastname="New").convert()
    assert backend.elements == []
