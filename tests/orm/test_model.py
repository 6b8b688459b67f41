"""Model metadata, change tracking and persistence, against a fake backend."""

from __future__ import annotations

import copy
import pickle
from decimal import Decimal
from typing import Any

import pytest

from tests.orm.fakes import FakeBackend, as_default
from tests.orm.models import Account, Contact
from vtorm import (
    FieldError,
    InvalidArgument,
    MissingFieldsError,
    ObjectDoesNotExist,
    ReadOnlyFieldError,
    RecordId,
    errors,
)

ROW: dict[str, Any] = {
    "firstname": "Mary",
    "lastname": "O'Connor",
    "email": "",
    "mailingcity": "Cork",
    "birthday": "1984-02-29",
    "donotcall": "0",
    "account_id": "11x2",
    "assigned_user_id": "19x1",
    "leadsource": "Cold Call",
    "cf_853": "Gold",
    "cf_855": "80",
    "cf_869": "Email |##| SMS",
    "cf_871": "149.99000000",
    "contact_no": "CON5",
    "createdtime": "2026-11-28 01:51:58",
    "modifiedtime": "2026-11-28 01:51:58",
    "label": "Mary O'Connor",
}


@pytest.fixture
def backend() -> FakeBackend:
    return FakeBackend(rows=[ROW])


@pytest.fixture
def mary(backend: FakeBackend) -> Contact:
    return Contact.vtiger_from_wire(backend.retrieve("12x1"), backend)


def test_metadata_maps_python_and_wire_names() -> None:
    assert Contact.vtiger_fields["customer_tier"].wire_name == "cf_853"
    assert Contact.vtiger_wire_names["cf_871"] == "annual_spend"
    assert Contact.vtiger_read_only == {"contact_no", "createdtime", "modifiedtime"}


def test_each_model_has_its_own_lookup_errors() -> None:
    assert issubclass(Contact.DoesNotExist, ObjectDoesNotExist)
    assert issubclass(Contact.MultipleObjectsReturned, errors.MultipleObjectsReturned)
    assert Contact.DoesNotExist is not Account.DoesNotExist
    assert issubclass(Contact.DoesNotExist, LookupError)


def test_loading_converts_every_type(mary: Contact) -> None:
    assert mary.id == RecordId("12x1")
    assert mary.email is None
    assert mary.donotcall is False
    assert mary.loyalty_points == 80
    assert mary.annual_spend == Decimal("149.99")
    assert mary.preferred_channels == ["Email", "SMS"]
    assert mary.account_id == "11x2"
    assert mary.contact_no == "CON5"


def test_unchanged_record_is_byte_identical_on_the_wire(mary: Contact) -> None:
    expected = {k: v for k, v in ROW.items() if k in Contact.vtiger_wire_names}
    assert mary.vtiger_wire() == expected


def test_unchanged_save_sends_nothing(mary: Contact, backend: FakeBackend) -> None:
    mary.annual_spend = Decimal("149.99")  # equal value: still unchanged
    mary.save()
    assert [op for op, _ in backend.calls] == ["retrieve"]


def test_save_revises_only_changed_fields_by_wire_name(mary: Contact, backend: FakeBackend) -> None:
    mary.customer_tier = "Platinum"
    mary.preferred_channels = [*(mary.preferred_channels or []), "Post"]
    mary.save()
    assert backend.calls[-1] == (
        "revise",
        {"id": "12x1", "cf_853": "Platinum", "cf_869": "Email |##| SMS |##| Post"},
    )
    assert mary.vtiger_changed() == []
    assert mary.modifiedtime is not None and mary.modifiedtime.hour == 2


def test_in_place_list_mutation_counts_as_a_change(mary: Contact, backend: FakeBackend) -> None:
    assert mary.preferred_channels is not None
    mary.preferred_channels.append("Post")
    assert mary.vtiger_changed() == ["preferred_channels"]


def test_update_fields_limits_and_keeps_other_local_changes(
    mary: Contact, backend: FakeBackend
) -> None:
    mary.firstname = "Maria"
    mary.mailingcity = "Dublin"
    mary.save(update_fields=["firstname"])
    assert backend.calls[-1] == ("revise", {"id": "12x1", "firstname": "Maria"})
    assert mary.mailingcity == "Dublin"
    assert mary.vtiger_changed() == ["mailingcity"]


def test_update_fields_are_checked(mary: Contact) -> None:
    mary.firstname = "x"
    with pytest.raises(FieldError, match=r"firstnme.*firstname"):
        mary.save(update_fields=["firstnme"])
    with pytest.raises(ReadOnlyFieldError):
        mary.save(update_fields=["contact_no"])


def test_read_only_fields_refuse_assignment(mary: Contact) -> None:
    with pytest.raises(ReadOnlyFieldError, match="contact_no"):
        mary.contact_no = "X"  # type: ignore[misc]


def test_assignment_is_validated(mary: Contact) -> None:
    with pytest.raises(ValueError, match="customer_tier"):
        mary.customer_tier = "Diamond"  # type: ignore[assignment]


def test_create_checks_mandatory_fields_first(backend: FakeBackend) -> None:
    contact = Contact.model_construct(firstname="x")
    with pytest.raises(MissingFieldsError, match="lastname") as raised:
        contact.save(using=backend)
    assert raised.value.fields == ("lastname",)
    assert [op for op, _ in backend.calls] == []


def test_create_sends_wire_values_and_takes_the_servers_answer(backend: FakeBackend) -> None:
    contact = Contact(lastname="Smith", customer_tier="Gold", donotcall=True)
    contact.save(using=backend)
    assert backend.calls[-1] == (
        "create",
        (
            "Contacts",
            {"lastname": "Smith", "donotcall": "1", "assigned_user_id": "19x1", "cf_853": "Gold"},
        ),
    )
    assert contact.id == "12x2"
    assert contact.contact_no == "CON1"
    assert contact.vtiger_changed() == []


def test_manager_create(backend: FakeBackend) -> None:
    with as_default(backend):
        contact = Contact.objects.create(lastname="Jones")
    assert contact.id == "12x2"
    assert backend.records[2]["lastname"] == "Jones"


def test_delete_forgets_the_id(mary: Contact, backend: FakeBackend) -> None:
    mary.delete()
    assert backend.calls[-1] == ("delete", "12x1")
    assert mary.id is None
    with pytest.raises(InvalidArgument):
        mary.delete()


def test_refresh_drops_local_changes(mary: Contact, backend: FakeBackend) -> None:
    backend.records[1]["mailingcity"] = "Galway"
    mary.firstname = "Local"
    mary.refresh()
    assert (mary.firstname, mary.mailingcity) == ("Mary", "Galway")
    assert mary.vtiger_changed() == []


def test_unknown_constructor_fields_are_refused() -> None:
    with pytest.raises(ValueError, match="lastnme"):
        Contact(lastname="x", lastnme="y")  # type: ignore[call-arg]


def test_revise_refuses_to_empty_a_mandatory_field(mary: Contact, backend: FakeBackend) -> None:
    mary.lastname = ""
    with pytest.raises(MissingFieldsError, match="lastname"):
        mary.save()
    assert [op for op, _ in backend.calls] == ["retrieve"]


def test_update_fields_on_an_unsaved_record_is_refused(backend: FakeBackend) -> None:
    with pytest.raises(InvalidArgument, match="no id yet"):
        Contact(lastname="x").save(update_fields=["lastname"], using=backend)


def test_json_numbers_and_bad_values_from_the_server() -> None:
    contact = Contact.vtiger_from_wire({"id": "12x1", "lastname": "N", "cf_871": 0.1})
    assert contact.annual_spend == Decimal("0.1")
    with pytest.raises(InvalidArgument, match="'not a date' is not a valid date value"):
        Contact.vtiger_from_wire({"id": "12x1", "birthday": "not a date"})


def test_equality_ignores_how_a_record_was_loaded(mary: Contact) -> None:
    row = {k: (None if v == "" else v) for k, v in ROW.items()}
    assert Contact.vtiger_from_wire({**row, "id": "12x1"}) == mary
    assert mary != Contact.vtiger_from_wire({**row, "id": "12x2"})


def test_copies_and_pickles_keep_state_but_not_the_client(
    mary: Contact, backend: FakeBackend
) -> None:
    mary.firstname = "Changed"
    twin = copy.deepcopy(mary)
    assert twin == mary and twin.vtiger_changed() == ["firstname"]
    twin.save()
    assert backend.calls[-1] == ("revise", {"id": "12x1", "firstname": "Changed"})
    restored = pickle.loads(pickle.dumps(mary))
    assert restored == mary and restored.vtiger_changed() == ["firstname"]


def test_labels_are_field_descriptions() -> None:
    assert Contact.model_fields["lastname"].description == "Last Name"
    schema = Contact.model_json_schema()["properties"]
    assert schema["lastname"]["description"] == "Last Name"


def test_mandatory_fields_can_be_checked_before_saving() -> None:
    with pytest.raises(MissingFieldsError, match="cannot import Contact without lastname"):
        Contact(lastname="", firstname="Ada").vtiger_check_mandatory(action="import")
    Contact(lastname="", firstname="Ada").vtiger_check_mandatory(
        ["firstname"]
    )  # lastname not asked about
    Contact(lastname="Lovelace", assigned_user_id="19x1").vtiger_check_mandatory()
