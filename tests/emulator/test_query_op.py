"""The query operation's wiring over raw HTTP (the VTQL dialect itself is tested in test_vtql_*)."""

from __future__ import annotations

import pytest

from tests.emulator.conftest import Wire, error_of

pytest.importorskip("vtorm.emulator.vtql")


def test_query_returns_rows_with_ids(admin: Wire) -> None:
    for name in ("Beta", "Alpha"):
        admin.result(admin.create("Accounts", {"accountname": name, "assigned_user_id": "19x1"}))
    rows = admin.result(
        admin.op_get("query", query="SELECT accountname FROM Accounts ORDER BY accountname;")
    )
    assert rows == [{"accountname": "Alpha", "id": "11x3"}, {"accountname": "Beta", "id": "11x2"}]
    count = admin.result(admin.op_get("query", query="SELECT count(*) FROM Accounts;"))
    assert count == [{"count": "2"}]


def test_deleted_records_leave_query_results(admin: Wire) -> None:
    created = admin.result(admin.create("Contacts", {"lastname": "Z", "assigned_user_id": "19x1"}))
    admin.op_post("delete", id=created["id"])
    assert admin.result(admin.op_get("query", query="SELECT lastname FROM Contacts;")) == []


def test_query_parameter_comes_from_the_query_string_only(admin: Wire) -> None:
    posted = admin.op_post("query", query="SELECT accountname FROM Accounts;")
    assert error_of(posted) == (
        "ACCESS_DENIED",
        "Permission to perform the operation is denied for query",
    )
    assert error_of(admin.op_get("query"))[0] == "ACCESS_DENIED"


def test_module_names_are_case_sensitive_in_queries(admin: Wire) -> None:
    answer = admin.op_get("query", query="SELECT accountname FROM accounts;")
    assert error_of(answer)[0] == "ACCESS_DENIED"
