"""relatedtypes, retrieve_related, query_related and add_related over raw HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.clocked import Api, api_fixture  # noqa: F401 (the `api` fixture)
from tests.emulator.conftest import error_of
from vtorm.emulator.schema import Schema

UNKNOWN_RELATION = ("UNKOWN_ENTITY", "Relation specified is incorrect")
INTERNAL = ("INTERNAL_SERVER_ERROR", "Unknown Error while processing request")


def _related(api: Api, record: str, module: str, label: str | None = None) -> Any:
    return api.op_get(
        "retrieve_related", id=record, relatedType=module, relatedLabel=label or module
    )


def _query_related(api: Api, query: str, record: str, label: str = "Contacts") -> Any:
    return api.op_get("query_related", query=query, id=record, relatedLabel=label)


def _add(api: Api, source: str, related: str, label: str) -> Any:
    return api.op_post(
        "add_related", sourceRecordId=source, relatedRecordId=related, relationIdLabel=label
    )


def _ids(envelope: Any) -> list[str]:
    assert envelope["success"] is True, envelope
    return [row["id"] for row in envelope["result"]]


@pytest.fixture
def acme(api: Api) -> dict[str, str]:
    """An account with two contacts, a deal and a ticket, and an unrelated contact."""
    account = api.new("Accounts", accountname="Acme")
    other = api.new("Accounts", accountname="Other")
    smith = api.new("Contacts", lastname="Smith", account_id=account)
    jones = api.new("Contacts", lastname="Jones", account_id=account, email="j@acme.example")
    stranger = api.new("Contacts", lastname="Stranger", account_id=other)
    deal = api.new(
        "Potentials", potentialname="Deal", related_to=account, contact_id=jones,
        closingdate="2027-01-31", sales_stage="Prospecting",
    )  # fmt: skip
    return {"account": account, "other": other, "smith": smith, "jones": jones,
            "stranger": stranger, "deal": deal}  # fmt: skip


def test_relatedtypes_answers_the_real_servers_relations(api: Api) -> None:
    expected = Schema.standard().related["Accounts"]
    assert api.ok(api.op_get("relatedtypes", elementType="Accounts")) == expected


def test_relatedtypes_of_a_module_without_relations_has_empty_lists(api: Api) -> None:
    assert api.ok(api.op_get("relatedtypes", elementType="Users")) == {
        "types": [], "information": [],
    }  # fmt: skip


@pytest.mark.parametrize("element_type", ["Groups", "Currency", "LineItem"])
def test_relatedtypes_of_non_entity_types_dies_with_http_500(api: Api, element_type: str) -> None:
    response = api.get(
        operation="relatedtypes", sessionName=api.session_name, elementType=element_type
    )
    assert (response.status_code, response.text) == (500, "")


def test_relatedtypes_of_an_unknown_type_is_access_denied(api: Api) -> None:
    envelope = api.op_get("relatedtypes", elementType="accounts")
    message = "Permission to perform the operation is denied for name : accounts"
    assert error_of(envelope) == ("ACCESS_DENIED", message)


def test_retrieve_related_follows_references_to_the_source(api: Api, acme: dict[str, str]) -> None:
    assert _ids(_related(api, acme["account"], "Contacts")) == [acme["smith"], acme["jones"]]
    assert _ids(_related(api, acme["account"], "Potentials")) == [acme["deal"]]
    assert _ids(_related(api, acme["other"], "Contacts")) == [acme["stranger"]]


def test_retrieve_related_follows_the_sources_own_references(
    api: Api, acme: dict[str, str]
) -> None:
    assert _ids(_related(api, acme["deal"], "Contacts")) == [acme["jones"]]


def test_related_rows_are_query_rows(api: Api, acme: dict[str, str]) -> None:
    rows = api.ok(_related(api, acme["account"], "Contacts"))
    expected = api.ok(
        api.op_get("query", query=f"SELECT * FROM Contacts WHERE id = '{acme['smith']}';")
    )
    assert rows[0] == expected[0]


def test_deleted_records_are_no_longer_related(api: Api, acme: dict[str, str]) -> None:
    api.ok(api.op_post("delete", id=acme["smith"]))
    assert _ids(_related(api, acme["account"], "Contacts")) == [acme["jones"]]


@pytest.mark.parametrize(
    ("module", "label"),
    [("Contacts", "NoSuchLabel"), ("Contacts", "contacts"), ("Leads", "Leads"),
     ("Products", "Contacts")],
)  # fmt: skip
def test_a_relation_the_module_lacks_is_unknown(
    api: Api, acme: dict[str, str], module: str, label: str
) -> None:
    assert error_of(_related(api, acme["account"], module, label)) == UNKNOWN_RELATION


def test_the_source_id_must_name_a_live_record(api: Api, acme: dict[str, str]) -> None:
    assert error_of(_related(api, "999x1", "Contacts")) == (
        "ACCESS_DENIED", "Permission to perform the operation is denied for id",
    )  # fmt: skip
    assert error_of(_related(api, "11x99999", "Contacts")) == (
        "ACCESS_DENIED", "Permission to perform the operation is denied for name : ",
    )  # fmt: skip


def test_query_related_adds_the_id_clause_after_an_upper_case_where(
    api: Api, acme: dict[str, str]
) -> None:
    envelope = _query_related(
        api,
        "SELECT lastname FROM Contacts WHERE lastname LIKE 'S%' ORDER BY lastname",
        acme["account"],
    )
    assert api.ok(envelope) == [{"lastname": "Smith", "id": acme["smith"]}]


def test_query_related_without_where_gets_one(api: Api, acme: dict[str, str]) -> None:
    envelope = _query_related(api, "SELECT lastname FROM Contacts", acme["account"])
    assert _ids(envelope) == [acme["smith"], acme["jones"]]


@pytest.mark.parametrize(
    "query",
    [
        "SELECT lastname FROM Contacts WHERE lastname LIKE 'S%';",  # the trailing ; doubles
        "SELECT lastname FROM Contacts where lastname LIKE 'S%'",  # only WHERE is split on
        "SELECT lastname FROM Contacts ORDER BY lastname",  # WHERE lands after ORDER BY
    ],
)
def test_query_related_keeps_the_real_rewrite_quirks(
    api: Api, acme: dict[str, str], query: str
) -> None:
    code, _ = error_of(_query_related(api, query, acme["account"]))
    assert code == "QUERY_SYNTAX_ERROR"


def test_query_related_with_nothing_related_runs_no_query(api: Api) -> None:
    lonely = api.new("Accounts", accountname="Lonely")
    broken = "SELECT lastname FROM Contacts WHERE lastname LIKE 'S%';"
    assert api.ok(_query_related(api, broken, lonely)) == []


def test_add_related_links_records_visible_from_both_ends(api: Api, acme: dict[str, str]) -> None:
    widget = api.new("Products", productname="Widget")
    assert api.ok(_add(api, acme["account"], widget, "Products")) == {"message": "successfull"}
    assert _ids(_related(api, acme["account"], "Products")) == [widget]
    assert _ids(_related(api, widget, "Accounts")) == [acme["account"]]
    api.ok(_add(api, acme["account"], widget, "Products"))  # a second link changes nothing
    assert _ids(_related(api, acme["account"], "Products")) == [widget]


def test_add_related_between_products_has_a_direction(api: Api) -> None:
    bundle = api.new("Products", productname="Bundle")
    part = api.new("Products", productname="Part")
    api.ok(_add(api, bundle, part, "Product Bundles"))
    assert _ids(_related(api, bundle, "Products", "Product Bundles")) == [part]
    assert _ids(_related(api, part, "Products", "Parent Product")) == [bundle]
    assert _ids(_related(api, bundle, "Products", "Parent Product")) == []


@pytest.mark.parametrize("label", ["NoSuchRelation", "12345"])
def test_add_related_without_such_a_relation_succeeds_and_links_nothing(
    api: Api, acme: dict[str, str], label: str
) -> None:
    widget = api.new("Products", productname="Widget")
    assert api.ok(_add(api, acme["account"], widget, label)) == {"message": "successfull"}
    assert api.ok(_related(api, acme["account"], "Products")) == []


def test_add_related_without_a_label_uses_the_modules_relation(
    api: Api, acme: dict[str, str]
) -> None:
    widget = api.new("Products", productname="Widget")
    api.ok(_add(api, acme["account"], widget, ""))
    assert _ids(_related(api, acme["account"], "Products")) == [widget]


@pytest.mark.parametrize("source", ["11x99999", "abc", "999x2"])
def test_add_related_to_a_missing_source_is_an_internal_error(
    api: Api, acme: dict[str, str], source: str
) -> None:
    widget = api.new("Products", productname="Widget")
    assert error_of(_add(api, source, widget, "Products")) == INTERNAL


def test_add_related_does_not_outlive_a_deleted_record(api: Api, acme: dict[str, str]) -> None:
    widget = api.new("Products", productname="Widget")
    api.ok(_add(api, acme["account"], widget, "Products"))
    api.ok(api.op_post("delete", id=widget))
    assert api.ok(_related(api, acme["account"], "Products")) == []
    assert error_of(_add(api, widget, acme["account"], "Accounts")) == INTERNAL


def test_retrieve_related_is_a_get_operation(api: Api, acme: dict[str, str]) -> None:
    params = {"id": acme["account"], "relatedType": "Contacts", "relatedLabel": "Contacts"}
    envelope = api.post(operation="retrieve_related", sessionName=api.session_name, **params)
    message = "Permission to perform the operation is denied for id"
    assert error_of(envelope.json()) == ("ACCESS_DENIED", message)
