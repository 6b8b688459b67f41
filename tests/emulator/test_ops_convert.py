"""convertlead over raw HTTP: what it creates, links, reuses and refuses."""

from __future__ import annotations

import json
from typing import Any

from tests.emulator.clocked import START, Api, api_fixture  # noqa: F401 (the `api` fixture)
from tests.emulator.conftest import error_of

LEAD = {
    "firstname": "Bruce", "lastname": "Wayne", "company": "Wayne Enterprises",
    "email": "bruce@wayne.example.com", "phone": "+1 555 0100", "designation": "CEO",
    "industry": "Technology", "city": "Gotham", "country": "USA", "leadsource": "Partner",
}  # fmt: skip


def _convert(api: Api, lead: str, **entities: dict[str, Any]) -> Any:
    for name, values in entities.items():
        values.setdefault("create", True)
        values.setdefault("name", name)
    element = {"leadId": lead, "assignedTo": "19x1", "entities": entities}
    return api.op_post("convertlead", element=json.dumps(element))


def _full(api: Api, lead: str) -> Any:
    deal = {
        "potentialname": "Wayne Deal",
        "closingdate": "2027-06-30",
        "sales_stage": "Prospecting",
    }
    return _convert(api, lead, Accounts={}, Contacts={}, Potentials=deal)


def test_conversion_creates_and_links_account_contact_and_deal(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    ids = api.ok(_full(api, lead))
    assert list(ids) == ["Accounts", "Contacts", "Potentials"]
    account = api.ok(api.op_get("retrieve", id=ids["Accounts"]))
    contact = api.ok(api.op_get("retrieve", id=ids["Contacts"]))
    deal = api.ok(api.op_get("retrieve", id=ids["Potentials"]))
    assert (account["accountname"], account["industry"], account["bill_city"]) == (
        "Wayne Enterprises", "Technology", "Gotham",
    )  # fmt: skip
    assert (contact["firstname"], contact["lastname"], contact["title"], contact["email"]) == (
        "Bruce", "Wayne", "CEO", "bruce@wayne.example.com",
    )  # fmt: skip
    assert contact["account_id"] == ids["Accounts"]
    assert (deal["related_to"], deal["contact_id"], deal["leadsource"]) == (
        ids["Accounts"], ids["Contacts"], "Partner",
    )  # fmt: skip
    assert {account["isconvertedfromlead"], contact["isconvertedfromlead"]} == {"1"}


def test_the_lead_stays_retrievable_with_a_new_modifiedtime(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    api.clock.now = START + 60
    api.ok(_full(api, lead))
    retrieved = api.ok(api.op_get("retrieve", id=lead))
    assert retrieved["modifiedtime"] == "2026-11-28 01:52:58"
    assert retrieved["lastname"] == "Wayne"


def test_a_lead_converts_only_once(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    api.ok(_full(api, lead))
    envelope = _convert(api, lead, Contacts={})
    assert error_of(envelope) == ("LEAD_ALREADY_CONVERTED", "Lead is already converted")


def test_without_an_account_or_contact_to_create_the_answer_is_null(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    deal = {"potentialname": "Deal", "closingdate": "2027-06-30", "sales_stage": "Prospecting"}
    assert api.ok(_convert(api, lead, Potentials=deal)) is None
    assert api.ok(_convert(api, lead, Accounts={"create": False})) is None
    assert api.ok(_convert(api, lead, Contacts={})) is not None  # so it was not converted


def test_an_account_with_the_same_name_is_reused(api: Api) -> None:
    existing = api.new("Accounts", accountname="Wayne Enterprises")
    lead = api.new("Leads", **LEAD)
    ids = api.ok(_convert(api, lead, Accounts={"accountname": "Wayne Enterprises"}, Contacts={}))
    assert ids["Accounts"] == existing
    contact = api.ok(api.op_get("retrieve", id=ids["Contacts"]))
    assert contact["account_id"] == existing


def test_mandatory_fields_nobody_gave_are_filled_with_question_marks(api: Api) -> None:
    lead = api.new("Leads", lastname="Nameless")  # no company: the account name is missing
    ids = api.ok(_convert(api, lead, Accounts={}))
    account = api.ok(api.op_get("retrieve", id=ids["Accounts"]))
    assert account["accountname"] == "????"


def test_a_failing_entity_is_reported_as_unknown_operation_and_nothing_is_kept(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    envelope = _convert(api, lead, Accounts={}, Potentials={"potentialname": "No date"})
    message = "closingdate does not have a value : Potentials"
    assert error_of(envelope) == ("UNKNOWN_OPERATION", message)
    accounts = api.ok(api.op_get("query", query="SELECT count(*) FROM Accounts;"))
    assert accounts == [{"count": "0"}]


def test_the_lead_must_exist(api: Api) -> None:
    envelope = _convert(api, "10x99999", Accounts={})
    assert error_of(envelope) == ("ACCESS_DENIED", "Permission to perform the operation is denied")
    envelope = api.op_post("convertlead", element="not json")
    assert error_of(envelope) == (
        "ACCESS_DENIED", "Permission to perform the operation is denied for id",
    )  # fmt: skip


def test_links_of_the_lead_move_to_the_new_contact(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    widget = api.new("Products", productname="Widget")
    api.ok(api.op_post("add_related", sourceRecordId=lead, relatedRecordId=widget,
                       relationIdLabel="Products"))  # fmt: skip
    ids = api.ok(_convert(api, lead, Contacts={}))
    related = api.op_get(
        "retrieve_related", id=ids["Contacts"], relatedType="Products", relatedLabel="Products"
    )
    assert [row["id"] for row in api.ok(related)] == [widget]


def test_a_converted_lead_leaves_lead_queries_as_on_the_real_server(api: Api) -> None:
    lead = api.new("Leads", **LEAD)
    other = api.new("Leads", lastname="Kent", company="Daily Planet")
    api.ok(_convert(api, lead, Contacts={}))
    rows = api.ok(api.op_get("query", query="SELECT lastname FROM Leads;"))
    assert rows == [{"lastname": "Kent", "id": other}]
    assert api.ok(api.op_get("retrieve", id=lead))["lastname"] == "Wayne"
