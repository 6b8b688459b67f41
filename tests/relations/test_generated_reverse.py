"""Generated reverse and many-to-many accessors (`related_<label>()`) and `Model.related()`,
against the embedded server."""

from __future__ import annotations

import datetime as dt

import pytest

from generated import Account, Calendar, Campaign, Contact, Product, Tax
from generated.contact import ContactRelatedRecords
from tests.inprocess import make_client
from tests.live import unique
from tests.relations.conftest import operations
from vtorm import AccessDenied, InvalidArgument, RelatedRecords
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.fixture
def acme(client: Client) -> Account:
    account = Account(accountname=unique("Acme"))  # live: Accounts refuse duplicate names
    account.save(using=client)
    for name in ("Baker", "Abbot", "Bishop"):
        Contact(lastname=name, account_id=account.id).save(using=client)
    Contact(lastname="Elsewhere").save(using=client)
    return account


@pytest.mark.embedded_only(reason="counts query_related requests in the emulator's request log")
def test_account_related_contacts_lists_its_contacts_through_query_related(
    acme: Account, emulator: Emulator
) -> None:
    before = operations(emulator, "query_related")
    contacts = list(acme.related_contacts())
    assert sorted(c.lastname for c in contacts) == ["Abbot", "Baker", "Bishop"]
    assert all(type(c) is Contact and c.account_id == acme.id for c in contacts)
    assert operations(emulator, "query_related") == before + 1


def test_filter_narrows_the_related_records(acme: Account) -> None:
    related = acme.related_contacts()
    assert sorted(c.lastname for c in related.filter(lastname__startswith="B")) == [
        "Baker",
        "Bishop",
    ]
    assert [c.lastname for c in related.filter(lastname="Elsewhere")] == []
    assert len(list(related)) == 3  # filter returned a new object
    assert type(related.filter(lastname="Baker")) is ContactRelatedRecords  # typed lookups


@pytest.mark.embedded_only(reason="counts add_related requests in the emulator's request log")
def test_campaign_contacts_added_through_add_related_then_listed(
    client: Client, emulator: Emulator
) -> None:
    campaign = Campaign(campaignname="Spring", closingdate=dt.date(2027, 3, 1))
    campaign.save(using=client)
    ann, bob = Contact(lastname="Ann"), Contact(lastname="Bob")
    ann.save(using=client)
    bob.save(using=client)
    members = campaign.related_contacts()
    assert list(members) == []
    members.add(ann)
    members.add(str(bob.id))
    assert operations(emulator, "add_related") == 2
    assert sorted(c.lastname for c in members) == ["Ann", "Bob"]
    # The other side of the many-to-many relation sees the same link.
    assert [c.id for c in ann.related_campaigns()] == [campaign.id]
    assert [c.lastname for c in members.filter(lastname="Bob")] == ["Bob"]


def test_related_resolves_the_label_from_the_generated_relation_set(acme: Account) -> None:
    by_class = acme.related(Contact)
    assert isinstance(by_class, RelatedRecords) and by_class.label == "Contacts"
    assert by_class.model is Contact
    by_label = acme.related("Projects")  # a label naming the module Project
    assert by_label.label == "Projects" and by_label.model.vtiger_module == "Project"
    assert acme.related(Calendar, "Activity History").label == "Activity History"
    assert sorted(c.lastname for c in acme.related("Contacts")) == ["Abbot", "Baker", "Bishop"]


def test_related_refuses_ambiguous_and_unknown_relations(acme: Account) -> None:
    calendar = r"several labels: pass label= one of 'Activities', 'Activity History'"
    with pytest.raises(InvalidArgument, match=calendar):
        acme.related(Calendar)
    products = r"several labels: pass label= one of 'Parent Product', 'Product Bundles'"
    with pytest.raises(InvalidArgument, match=products):
        Product(productname="Kit", id="14x1").related(Product)
    with pytest.raises(InvalidArgument, match="no relation 'Friends' to Contacts; its relations:"):
        acme.related(Contact, "Friends")
    with pytest.raises(InvalidArgument, match="no relation to Tax; its relations: 'Activities'"):
        acme.related(Tax)
    with pytest.raises(InvalidArgument, match="no model class is defined for the module 'Nope'"):
        acme.related("Nope")
    with pytest.raises(InvalidArgument, match="no id yet"):
        Account(accountname="unsaved").related_contacts()


def test_reverse_accessors_exist_only_for_relations_of_generated_entity_modules() -> None:
    assert "Contacts" in Account.vtiger_relations and Account.vtiger_relations["Projects"] == (
        "Project"
    )
    assert callable(Account.related_contacts) and callable(Account.related_activity_history)
    assert Product.vtiger_relations["Product Bundles"] == "Products"
    assert callable(Product.related_product_bundles) and callable(Product.related_parent_product)
    assert Tax.vtiger_relations == {}  # not an entity type: relatedtypes has nothing for it
    assert not any(name.startswith("related_") for name in vars(Tax))


def test_related_and_the_generated_accessor_are_one_way_in(acme: Account, client: Client) -> None:
    by_method, by_class, by_label = (
        acme.related_contacts(),
        acme.related(Contact),
        acme.related("Contacts"),
    )
    for relation in (by_method, by_class, by_label):
        assert (relation.source, relation.model, relation.label) == (acme.id, Contact, "Contacts")
    assert [c.id for c in by_class] == [c.id for c in by_method] == [c.id for c in by_label]


def test_a_relation_goes_through_the_client_given_else_the_records_own(
    acme: Account, client: Client
) -> None:
    loaded = Account.vtiger_from_wire({"id": acme.id, "accountname": "Acme"})  # no client yet
    other = Emulator()
    try:
        with make_client(other) as elsewhere:
            with pytest.raises(AccessDenied):  # that server has no such record
                list(loaded.related(Contact, using=elsewhere))
            with pytest.raises(AccessDenied):  # the record now lives there
                list(loaded.related_contacts())
        assert len(list(acme.related_contacts())) == 3
    finally:
        other.close()


def test_an_unsaved_record_has_no_relations_yet() -> None:
    with pytest.raises(InvalidArgument, match="no id yet"):
        Account(accountname="New").related(Contact)
    with pytest.raises(InvalidArgument, match="no id yet"):
        ContactRelatedRecords.of(Account(accountname="New"), Contact, "Contacts")
