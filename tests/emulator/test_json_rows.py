"""The query answer SQLite writes as JSON is byte for byte what the Python rows encode to.

`execute_query_encoded` (what the query operation answers) and `execute_query` +
`encode_json` (the reference) implement the same row rules twice, one in SQL: any stored
text, reference or owner value must come out identically from both.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emulator import reference_db
from vtorm.emulator import sqlfuncs
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.jsontext import EncodedRows, encode_json, encode_success
from vtorm.emulator.schema import Schema
from vtorm.emulator.vtql import execute_query
from vtorm.emulator.vtql.executor import execute_query_encoded

SCHEMA = Schema.standard()
#: Text with what JSON and PHP escape differently: quotes, backslashes, slashes, controls,
#: DEL, Latin-1, the BMP (U+2028) and beyond it (emoji), and lookalikes of escapes.
TRICKY = [
    *['"', "\\", "/", "\x00", "\x1f", "\x7f", "é", "\u2028", "😀"],
    *["\\u00e9", '\\"', "\\\\", "\\xe9", "\\U0001f600", "\\é", "\\😀", "x\x7fé"],
]
TEXT = st.lists(
    st.one_of(st.sampled_from(TRICKY), st.characters(exclude_categories=("Cs",))), max_size=12
).map("".join)
#: Stored reference/owner values: live, deleted, unknown and zero ids, padded digits, text.
STORED_IDS = ["", "7", "007", "8", "9", "0", "000", "3", "1", "99", "12x8", "abc", "٣"]


@pytest.fixture(scope="module")
def store() -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(":memory:")
    sqlfuncs.install(conn)
    reference_db.create_tables(conn, SCHEMA)
    reference_db.insert(conn, SCHEMA["Accounts"], {"id": "11x7", "accountname": "Acme"})
    reference_db.insert(conn, SCHEMA["Accounts"], {"id": "11x9", "accountname": "Gone"})
    conn.execute("UPDATE entity SET deleted = 1 WHERE crmid = 9")
    conn.execute(
        "INSERT INTO \"rec_Users\" (crmid, user_name, status) VALUES (1, 'admin', 'Active')"
    )
    conn.execute("INSERT INTO \"rec_Groups\" (crmid, groupname) VALUES (3, 'Team')")
    yield conn
    conn.close()


def _both(conn: sqlite3.Connection, text: str) -> tuple[bytes, bytes]:
    encoded = execute_query_encoded(conn, SCHEMA, text)
    assert isinstance(encoded, EncodedRows)
    return encode_success(encoded), encode_json(
        {"success": True, "result": execute_query(conn, SCHEMA, text)}
    )


def _store_contacts(conn: sqlite3.Connection, values: list[tuple[str, ...]]) -> None:
    """Contacts (first, last, account_id, contact_id, owner) as stored, bypassing checks."""
    conn.execute('DELETE FROM "rec_Contacts"')
    conn.execute("DELETE FROM entity WHERE setype = 'Contacts'")
    for offset, (first, last, account, reports_to, owner) in enumerate(values):
        crmid = 20 + offset
        conn.execute(
            "INSERT INTO entity (crmid, setype, deleted) VALUES (?, 'Contacts', 0)", (crmid,)
        )
        conn.execute(
            'INSERT INTO "rec_Contacts" (crmid, firstname, lastname, account_id, contact_id,'
            " assigned_user_id) VALUES (?, ?, ?, ?, ?, ?)",
            (crmid, first, last, account, reports_to or None, owner),
        )


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.tuples(TEXT, TEXT, *[st.sampled_from(STORED_IDS)] * 3), min_size=1, max_size=4
    )
)
def test_sql_rows_equal_python_rows(
    store: sqlite3.Connection, values: list[tuple[str, ...]]
) -> None:
    _store_contacts(store, values)
    for text in (
        "SELECT * FROM Contacts;",
        "SELECT lastname, account_id, firstname, assigned_user_id FROM Contacts ORDER BY lastname;",
    ):
        ours, reference = _both(store, text)
        assert ours == reference


@pytest.mark.parametrize("text", TRICKY)
def test_each_escape_matches(store: sqlite3.Connection, text: str) -> None:
    _store_contacts(store, [(text, f"a{text}b", "", "", "")])
    ours, reference = _both(store, "SELECT firstname, lastname FROM Contacts;")
    assert ours == reference


@pytest.mark.parametrize("stored", STORED_IDS)
def test_each_reference_and_owner_matches(store: sqlite3.Connection, stored: str) -> None:
    _store_contacts(store, [("", "x", stored, stored, stored)])
    ours, reference = _both(store, "SELECT account_id, contact_id, assigned_user_id FROM Contacts;")
    assert ours == reference


def test_rows_beyond_sixty_keys_join_their_objects(store: sqlite3.Connection) -> None:
    # json_object takes at most 127 arguments; a sales order has 68 fields.
    order = {"id": "6x30", "subject": 'Order "1"/2', "account_id": "11x7", "description": "ü"}
    reference_db.insert(store, SCHEMA["SalesOrder"], order)
    ours, reference = _both(store, "SELECT * FROM SalesOrder;")
    assert len(SCHEMA["SalesOrder"].fields) > 60 and b'"account_id":"11x7"' in ours
    assert ours == reference


needs_reference = pytest.mark.skipif(
    not reference_db.REFERENCE.is_dir(), reason=reference_db.SKIP_REASON
)


@pytest.fixture(scope="module")
def captured() -> Iterator[sqlite3.Connection]:
    conn, _ = reference_db.build(SCHEMA)
    yield conn
    conn.close()


@needs_reference
@pytest.mark.parametrize("module", list(SCHEMA.modules))
def test_every_module_of_the_captured_crm_matches(
    captured: sqlite3.Connection, module: str
) -> None:
    # The captured records of every type: Users' role references, inventory, currencies...
    try:
        reference = execute_query(captured, SCHEMA, f"SELECT * FROM {module};")
    except WebserviceError as refused:
        with pytest.raises(WebserviceError) as again:
            execute_query_encoded(captured, SCHEMA, f"SELECT * FROM {module};")
        assert (again.value.code, again.value.message) == (refused.code, refused.message)
        return
    ours = execute_query_encoded(captured, SCHEMA, f"SELECT * FROM {module};")
    assert encode_success(ours) == encode_json({"success": True, "result": reference})
    assert isinstance(ours, EncodedRows) or reference == []


def test_counts_and_broken_statements_answer_rows(store: sqlite3.Connection) -> None:
    assert execute_query_encoded(store, SCHEMA, "SELECT count(*) FROM Accounts;") == [
        {"count": "1"}
    ]
    assert execute_query_encoded(store, SCHEMA, "SELECT * FROM Accounts ORDER BY nosuch;") == []
