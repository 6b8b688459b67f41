"""A user's integration tests: the embedded server serves the CRM's own schema (the package's
snapshot), every test gets a fresh one, and `vtiger_default` makes managers work unbound."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest

from tests.sample_project.crm import Account, Contact, Vehicle
from vtorm import Client
from vtorm.emulator import Fault, User
from vtorm.errors import ServerError

pytestmark = pytest.mark.vtiger(schema="tests.sample_project.crm")


def test_custom_fields_round_trip(vtiger_default: Client) -> None:
    acme = Account.objects.create(
        accountname="Acme", region_code="EU-West", renewal_date=datetime.date(2027, 6, 30)
    )
    loaded = Account.objects.get(region_code="EU-West")
    assert loaded.id == acme.id
    assert loaded.renewal_date == datetime.date(2027, 6, 30)


def test_custom_module_with_a_reference(vtiger_default: Client) -> None:
    driver = Contact.objects.create(lastname="Driver")
    van = Vehicle.objects.create(vehiclename="Van 1", plate="B-AB 123", mileage=42000,
                                 contact_id=driver.id)  # fmt: skip
    assert van.id is not None and van.id.prefix == "41"
    assert Vehicle.objects.filter(contact_id=driver.id).get().mileage == 42000


def test_the_server_describes_the_snapshot_schema(vtiger_default: Client) -> None:
    types = vtiger_default.list_types()["types"]
    assert types == ["Accounts", "Contacts", "Leads", "Vehicles", "Users", "Groups", "Currency"]
    fields = {f["name"] for f in vtiger_default.describe("Contacts")["fields"]}
    assert {"cf_853", "cf_855", "cf_871"} <= fields


@pytest.mark.vtiger(faults=[Fault.http_500(nth=1)])
def test_a_failed_read_is_retried(vtiger_default: Client) -> None:
    assert Contact.objects.count() == 0  # the first request died with HTTP 500, then retried


@pytest.mark.vtiger(faults=[Fault.http_500(rate=1.0)])
def test_a_server_that_keeps_failing_surfaces_as_an_error(vtiger_default: Client) -> None:
    with pytest.raises(ServerError):
        Contact.objects.count()


def seed_two_accounts(client: Client) -> None:
    for name in ("North", "South"):
        Account(accountname=name).save(using=client)


@pytest.mark.vtiger(demo=seed_two_accounts)
def test_seed_callable(vtiger_default: Client) -> None:
    assert sorted(a.accountname for a in Account.objects.all()) == ["North", "South"]


@pytest.mark.vtiger(
    users=[User("alice"), User("bob")],
    sharing={"Contacts": "private", "Accounts": "public"},
)
def test_a_sales_person_cannot_see_a_peers_private_record(
    vtiger_default: Client, vtiger_login: Callable[[str], Client]
) -> None:
    alice, bob = vtiger_login("alice"), vtiger_login("bob")
    secret = Contact(lastname="Bob's Secret")
    secret.save(using=bob)
    shared = Account(accountname="Bob's Public Co")
    shared.save(using=bob)
    assert secret.id is not None and shared.id is not None
    assert not Contact.objects.using(alice).filter(lastname="Bob's Secret").exists()
    with pytest.raises(Contact.DoesNotExist):
        Contact.objects.using(alice).get(id=secret.id)
    assert Account.objects.using(alice).get(id=shared.id).accountname == "Bob's Public Co"
    assert Contact.objects.get(id=secret.id).lastname == "Bob's Secret"  # the admin sees it
