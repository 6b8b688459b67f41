"""The executor: every captured query on a store seeded like the real one, plus semantics."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emulator import reference_db
from tests.properties import examples
from vtorm.emulator import sqlfuncs
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.jsontext import encode_success
from vtorm.emulator.schema import Schema
from vtorm.emulator.vtql import execute_query
from vtorm.emulator.vtql.executor import execute_query_encoded

needs_reference = pytest.mark.skipif(
    not reference_db.REFERENCE.is_dir(), reason=reference_db.SKIP_REASON
)
SCHEMA = Schema.standard()


def _envelope(conn: sqlite3.Connection, schema: Schema, text: str) -> dict[str, Any]:
    try:
        return {"success": True, "result": execute_query(conn, schema, text)}
    except WebserviceError as exc:
        return {"success": False, "error": {"message": exc.message, "code": exc.code}}


@pytest.fixture(scope="module")
def reference() -> Iterator[tuple[sqlite3.Connection, Schema]]:
    conn, schema = reference_db.build(SCHEMA)
    yield conn, schema
    conn.close()


def _captured() -> list[Any]:
    return reference_db.load("queries.json") if reference_db.REFERENCE.is_dir() else []


@needs_reference
@pytest.mark.parametrize("case", _captured(), ids=lambda case: case["query"][:60])
def test_query_matches_capture(case: Any, reference: tuple[sqlite3.Connection, Schema]) -> None:
    # The store holds the captured values, timestamps included, so rows compare exactly.
    got = _envelope(*reference, case["query"])
    assert got == case["response"]
    assert [list(row) for row in got.get("result", [])] == [
        list(row) for row in case["response"].get("result", [])
    ]
    if got["success"]:  # what the query operation answers: the page SQLite wrote as JSON
        answered = json.loads(encode_success(execute_query_encoded(*reference, case["query"])))
        assert answered == case["response"]
        assert [list(row) for row in answered["result"]] == [list(row) for row in got["result"]]


@needs_reference
def test_missing_query_is_denied(reference: tuple[sqlite3.Connection, Schema]) -> None:
    cases = {c["case"]: c for c in reference_db.load("errors.json")}
    expected = cases["query without query parameter"]["response"]
    assert _envelope(*reference, "") == expected


# Semantics on a small store of our own (no reference data needed).


@pytest.fixture()
def store() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    sqlfuncs.install(conn)
    reference_db.create_tables(conn, SCHEMA)
    vendors = ["007 Bond Supplies", "Café Müller GmbH", "Back\\slash", "Spaces  ", "50% off_"]
    for crmid, name in enumerate(vendors, start=2):
        record = {"id": f"2x{crmid}", "vendorname": name, "assigned_user_id": "19x1"}
        reference_db.insert(conn, SCHEMA["Vendors"], record)
    account = {"id": "11x7", "accountname": "Acme", "employees": "250", "account_id": ""}
    reference_db.insert(conn, SCHEMA["Accounts"], account)
    contact = {"id": "12x8", "lastname": "Smith", "account_id": "11x7", "birthday": ""}
    reference_db.insert(conn, SCHEMA["Contacts"], contact)
    conn.execute(
        "INSERT INTO \"rec_Users\" (crmid, user_name, status) VALUES (1, 'admin', 'Active')"
    )
    conn.execute("INSERT INTO \"rec_Groups\" (crmid, groupname) VALUES (3, 'Team')")
    yield conn
    conn.close()


def _ids(conn: sqlite3.Connection, text: str) -> list[str | None]:
    return [row["id"] for row in execute_query(conn, SCHEMA, text)]


@pytest.mark.parametrize(
    ("where", "ids"),
    [
        ("vendorname = 7", ["2x2"]),
        ("vendorname = 'cafe muller gmbh'", ["2x3"]),
        ("vendorname = 'CAFÉ MÜLLER GMBH   '", ["2x3"]),
        ("vendorname = ' Café Müller GmbH'", []),
        ("vendorname = 'Back\\\\slash'", ["2x4"]),
        ("vendorname = 'Back\\slash'", []),
        ("vendorname = 'spaces'", ["2x5"]),
        ("vendorname like 'spaces'", []),
        ("vendorname like 'spaces%'", ["2x5"]),
        ("vendorname like '%\\%%'", ["2x6"]),
        ("vendorname like '%off\\_'", ["2x6"]),
        ("vendorname like '_%' and vendorname < '1'", ["2x2"]),
        ("id > '99x4' and id <= '2x5'", ["2x5"]),
        ("vendorname = 'x' or vendorname = '007 bond supplies' and id = '2x2'", ["2x2"]),
        ("assigned_user_id = '20x1'", ["2x2", "2x3", "2x4", "2x5", "2x6"]),
    ],
)
def test_mysql_semantics(store: sqlite3.Connection, where: str, ids: list[str]) -> None:
    assert _ids(store, f"select vendorname from Vendors where {where};") == ids


@pytest.mark.parametrize(
    "text",
    [
        "select vendorname from Vendors order by nosuch;",
        "select vendorname from Vendors order by VendorName;",
        "select vendorname from Vendors limit -1;",
        "select vendorname from Vendors limit 'a';",
        "select vendorname from Vendors where vendorname = 'abc\\';",
        "select vendorname from Vendors where vendorname = abc;",
        "select vendorname from Vendors where id = '2';",
        "select vendorname from Vendors where assigned_user_id = 1;",
    ],
)
def test_silent_empties(store: sqlite3.Connection, text: str) -> None:
    assert execute_query(store, SCHEMA, text) == []


def test_limits(store: sqlite3.Connection) -> None:
    assert _ids(store, "select id from Vendors order by id desc limit 1, 2;") == ["2x5", "2x4"]
    assert len(_ids(store, "select id from Vendors limit abc;")) == 5
    count = "select count(*) from Vendors order by vendorname limit 1;"
    assert execute_query(store, SCHEMA, count) == [{"count": "5"}]
    assert execute_query(store, SCHEMA, "select count(*) from Vendors limit 1, 1;") == []


def test_references_and_owners_leave_as_ids(store: sqlite3.Connection) -> None:
    rows = execute_query(store, SCHEMA, "select account_id, assigned_user_id from Contacts;")
    assert rows == [{"account_id": "11x7", "assigned_user_id": "", "id": "12x8"}]
    store.execute("UPDATE \"rec_Contacts\" SET assigned_user_id = '3'")
    rows = execute_query(store, SCHEMA, "select assigned_user_id from Contacts;")
    assert rows == [{"assigned_user_id": "20x3", "id": "12x8"}]
    store.execute("UPDATE entity SET deleted = 1 WHERE crmid = 7")
    rows = execute_query(store, SCHEMA, "select account_id from Contacts;")
    assert rows == [{"account_id": "", "id": "12x8"}]


def test_reference_conditions(store: sqlite3.Connection) -> None:
    assert _ids(store, "select id from Contacts where account_id = '99x7';") == ["12x8"]
    assert _ids(store, "select id from Accounts where account_id != '11x7';") == ["11x7"]
    with pytest.raises(WebserviceError) as caught:
        execute_query(store, SCHEMA, "select id from Contacts where account_id = 7;")
    assert (caught.value.code, caught.value.message) == (
        "INVALID_ID_ATTRIBUTE",
        "Id specified is incorrect",
    )


def test_empty_dates_never_match(store: sqlite3.Connection) -> None:
    assert _ids(store, "select id from Contacts where birthday < '2030-01-01';") == []


def test_converted_leads_are_hidden(store: sqlite3.Connection) -> None:
    for crmid, converted in ((20, "0"), (21, "1")):
        reference_db.insert(store, SCHEMA["Leads"], {"id": f"10x{crmid}", "lastname": "L"})
        store.execute('UPDATE "rec_Leads" SET _converted = ? WHERE crmid = ?', (converted, crmid))
    assert _ids(store, "select lastname from Leads;") == ["10x20"]


DENIED = "Permission to perform the operation is denied"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("select * Vendors;", "ACCESS_DENIED", DENIED + " for query"),
        ("select * from vendors;", "ACCESS_DENIED", DENIED + " for name : vendors"),
        (
            "select VendorName from Vendors;",
            "ACCESS_DENIED",
            "Permission to access '.VendorName.' attribute denied.",
        ),
        (
            "select id from Vendors where Id = 1;",
            "ACCESS_DENIED",
            "Permission to access Id attribute denied.",
        ),
        (
            "select id from Vendors where vendorname in (0, 1);",
            "QUERY_SYNTAX_ERROR",
            "columns data inappropriate",
        ),
    ],
)
def test_errors(store: sqlite3.Connection, text: str, code: str, message: str) -> None:
    with pytest.raises(WebserviceError) as caught:
        execute_query(store, SCHEMA, text)
    assert (caught.value.code, caught.value.message) == (code, message)


def _custom_field_cases() -> list[Any]:
    if not reference_db.REFERENCE.is_dir():
        return []
    return list(reference_db.load("custom-fields/records-and-queries.json")["queries"])


@pytest.fixture(scope="module")
def custom_store() -> Iterator[tuple[sqlite3.Connection, Schema]]:
    schema = Schema.from_directory(reference_db.REFERENCE / "custom-fields" / "describe")
    data = reference_db.load("custom-fields/records-and-queries.json")
    conn = sqlite3.connect(":memory:")
    sqlfuncs.install(conn)
    reference_db.create_tables(conn, schema)
    records = data["records"]
    latest = [
        ("Accounts", (records["account"].get("revise") or records["account"]["create"])),
        ("Contacts", data["retrieve_contact"]),
        ("Leads", records["lead"]["create"]),
    ]
    for module, envelope in latest:
        reference_db.insert(conn, schema[module], envelope["result"])
    yield conn, schema
    conn.close()


@needs_reference
@pytest.mark.parametrize("case", _custom_field_cases(), ids=lambda case: case["query"][:60])
def test_custom_field_query_matches_capture(
    case: Any, custom_store: tuple[sqlite3.Connection, Schema]
) -> None:
    got = _envelope(*custom_store, case["query"])
    assert got == case["response"]
    assert [list(row) for row in got["result"]] == [list(row) for row in case["response"]["result"]]


def test_describe_extras_after_id_are_not_columns(store: sqlite3.Connection) -> None:
    product = {"id": "14x9", "productname": "Widget", "assigned_user_id": "19x1"}
    reference_db.insert(store, SCHEMA["Products"], product)
    (row,) = execute_query(store, SCHEMA, "select * from Products;")
    assert list(row)[-1] == "id"
    assert "tax1" not in row
    with pytest.raises(WebserviceError) as caught:
        execute_query(store, SCHEMA, "select tax1 from Products;")
    assert caught.value.message == "Permission to access '.tax1.' attribute denied."


def test_groups_put_id_first(store: sqlite3.Connection) -> None:
    rows = execute_query(store, SCHEMA, "select * from Groups;")
    assert rows == [{"id": "20x3", "groupname": "Team", "description": ""}]


WORDS = [
    "select", "from", "Vendors", "Contacts", "where", "and", "or", "order", "by", "desc",
    "limit", "count", "in", "like", "id", "vendorname", "account_id", "assigned_user_id",
    "birthday", "*", "(", ")", ",", "=", "<", ">=", "!=", "'a%'", "'2x3'", "'19x1'", "7",
    "-1", "'1990-01-01'", "'x\\'", "abc", "true",
]  # fmt: skip


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.sampled_from(WORDS), max_size=12))
def test_any_query_answers_or_fails_cleanly(store: sqlite3.Connection, words: list[str]) -> None:
    text = "select " + " ".join(words) + ";"
    try:
        rows = execute_query(store, SCHEMA, text)
    except WebserviceError as exc:
        assert exc.code in (
            "QUERY_SYNTAX_ERROR",
            "INTERNAL_SERVER_ERROR",
            "ACCESS_DENIED",
            "INVALID_ID_ATTRIBUTE",
        )
    else:
        assert all(isinstance(v, str) for row in rows for v in row.values())


def test_checkboxes_compare_as_text_except_discontinued(store: sqlite3.Connection) -> None:
    product = {"id": "14x9", "productname": "W", "discontinued": "0", "assigned_user_id": "19x1"}
    reference_db.insert(store, SCHEMA["Products"], product)
    contact = {"id": "12x10", "lastname": "Doe", "donotcall": "0"}
    reference_db.insert(store, SCHEMA["Contacts"], contact)
    assert _ids(store, "select id from Products where discontinued = 'true';") == ["14x9"]
    assert _ids(store, "select id from Contacts where donotcall = 'true';") == []
    assert _ids(store, "select id from Contacts where donotcall = 0;") == ["12x10"]


def test_line_items_have_the_undescribed_description(store: sqlite3.Connection) -> None:
    line = {"id": "33x3", "parent_id": "", "comment": "c", "incrementondel": "0"}
    reference_db.insert(store, SCHEMA["LineItem"], line, entity=False)
    (row,) = execute_query(store, SCHEMA, "select * from LineItem;")
    assert list(row)[7:10] == ["comment", "description", "incrementondel"]
    assert row["description"] == ""
