"""Rows kept beside their records answer `SELECT *` exactly as rows built at query time.

The store keeps each record's `SELECT *` row (`install_row_json`) when it is written; a
query uses it only while nothing it depends on changed. Every test compares the query
operation's answer with the reference (`execute_query` rows through `encode_json`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vtorm.emulator import Emulator, Profile, Role, User
from vtorm.emulator.backend import Backend
from vtorm.emulator.jsontext import encode_json, encode_success

ADMIN = 1


@pytest.fixture()
def backend() -> Iterator[Backend]:
    emulator = Emulator()
    yield emulator.backend
    emulator.close()


def _same(backend: Backend, text: str = "SELECT * FROM Contacts;") -> bytes:
    answered = encode_success(backend.query_encoded(text, ADMIN))
    assert answered == encode_json({"success": True, "result": backend.query(text, ADMIN)})
    return answered


def _create(backend: Backend, module: str, **values: str) -> str:
    values.setdefault("assigned_user_id", "19x1")
    return str(backend.records.create(module, values, ADMIN)["id"])


def _crmid(record_id: str) -> int:
    return int(record_id.split("x")[1])


def test_kept_rows_answer_and_are_used(backend: Backend) -> None:
    account = _create(backend, "Accounts", accountname="Acme")
    contact = _create(backend, "Contacts", lastname="Smith", account_id=account)
    assert b'"account_id":"%s"' % account.encode() in _same(backend)
    # The answer comes from the kept row: a changed kept row shows (it is never changed
    # this way, only by the triggers), until the generation moves on a delete.
    conn = backend.store.conn
    conn.execute(
        'UPDATE row_json SET json = \'{"kept":"yes"}\' WHERE crmid = ?', (_crmid(contact),)
    )
    assert encode_success(backend.query_encoded("SELECT * FROM Contacts;")) == (
        b'{"success":true,"result":[{"kept":"yes"}]}'
    )
    other = _create(backend, "Accounts", accountname="Other")
    backend.records.delete(other, ADMIN)
    assert b"kept" not in _same(backend)


def test_a_deleted_reference_reads_empty_from_then_on(backend: Backend) -> None:
    account = _create(backend, "Accounts", accountname="Acme")
    _create(backend, "Contacts", lastname="Smith", account_id=account)
    _same(backend)
    backend.records.delete(account, ADMIN)
    assert b'"account_id":""' in _same(backend)


def test_a_reference_a_later_record_could_take_is_not_kept(backend: Backend) -> None:
    contact = _create(backend, "Contacts", lastname="Early")
    future = _crmid(contact) + 1
    backend.store.update_row("Contacts", _crmid(contact), {"account_id": str(future)})
    assert b'"account_id":""' in _same(backend)
    assert _crmid(_create(backend, "Accounts", accountname="Later")) == future
    assert b'"account_id":"11x%d"' % future in _same(backend)


def test_a_revise_and_a_new_group_are_seen(backend: Backend) -> None:
    contact = _create(backend, "Contacts", lastname="Smith")
    backend.records.revise({"id": contact, "lastname": "Jones é/ü"}, ADMIN)
    assert b"Jones \\u00e9\\/\\u00fc" in _same(backend)
    backend.store.update_row("Contacts", _crmid(contact), {"assigned_user_id": "77"})
    assert b'"assigned_user_id":"77"' in _same(backend)
    backend.store.insert_row("Groups", 77, {"groupname": "Late group"})
    assert b'"assigned_user_id":"20x77"' in _same(backend)


def test_a_partial_select_and_a_count_build_their_rows(backend: Backend) -> None:
    _create(backend, "Contacts", lastname="Smith")
    _same(backend, "SELECT lastname, account_id FROM Contacts;")
    _same(backend, "SELECT count(*) FROM Contacts;")


OPERATIONS = st.lists(
    st.sampled_from(["account", "contact", "contact of", "revise", "delete", "group"]),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=OPERATIONS, names=st.lists(st.text(max_size=6), min_size=12, max_size=12))
def test_any_sequence_of_writes_answers_the_same(operations: list[str], names: list[str]) -> None:
    emulator = Emulator()
    backend = emulator.backend
    accounts: list[str] = []
    contacts: list[str] = []
    try:
        for step, (operation, name) in enumerate(zip(operations, names, strict=False)):
            label = f"N{step}{name}".strip() or "N"
            if operation == "account" or (operation == "contact of" and not accounts):
                accounts.append(_create(backend, "Accounts", accountname=label))
            elif operation == "contact" or (operation == "revise" and not contacts):
                contacts.append(_create(backend, "Contacts", lastname=label))
            elif operation == "contact of":
                contacts.append(
                    _create(backend, "Contacts", lastname=label, account_id=accounts[-1])
                )
            elif operation == "revise":
                backend.records.revise({"id": contacts[-1], "lastname": label}, ADMIN)
            elif operation == "delete" and accounts:
                backend.records.delete(accounts.pop(0), ADMIN)
            elif operation == "group":
                backend.store.insert_row("Groups", 100 + step, {"groupname": label})
            _same(backend)
            _same(backend, "SELECT * FROM Accounts;")
    finally:
        emulator.close()


def test_rows_written_after_a_first_query_are_kept_too(backend: Backend) -> None:
    _same(backend)  # no contacts yet
    contact = _create(backend, "Contacts", lastname="Later")
    backend.store.conn.execute(
        'UPDATE row_json SET json = \'{"kept":"yes"}\' WHERE crmid = ?', (_crmid(contact),)
    )
    assert b"kept" in encode_success(backend.query_encoded("SELECT * FROM Contacts;"))


def test_users_who_see_fewer_fields_get_rows_built_for_them() -> None:
    emulator = Emulator(
        roles=[Role("Support", parent="Sales Manager", profiles=("Support Profile",))],
        profiles=[Profile("Support Profile", hidden={"Contacts": ("title",)})],
        users=[User("lead", role="Support"), User("rep", role="Sales Person")],
    )
    backend = emulator.backend
    try:
        _create(backend, "Contacts", lastname="Smith", title="Dr")
        lead, rep = 5, 6  # directory users get ids after the stock ones, in order
        assert backend.access.hidden(lead, "Contacts") == {"title"}
        for user in (lead, rep):
            text = "SELECT * FROM Contacts;"
            answered = encode_success(backend.query_encoded(text, user))
            assert answered == encode_json({"success": True, "result": backend.query(text, user)})
            assert (b'"title":"Dr"' in answered) is (user == rep)
    finally:
        emulator.close()
