# ruff: noqa: E501  (each case carries the real server's input and answer on one line)
"""Script tags, labels and HTML entities in what the server stores and answers.

Every case was sent once to a real Vtiger 8.0.0 (PHP 8.2, MariaDB 10.11) on 127.0.0.1:8081 on
2026-12-01; the comment on each names the input and what the real server stored and answered.
The mechanisms, read in its source: `to_html()` caches each encoded string under the
*encoded* text (so a stored value equal to the label encoded earlier in the same request is
not encoded again, and the answer's `html_entity_decode` decodes it), and
`VtigerCRMObject::revise` runs `decode_html` over every value before it saves.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from vtorm.emulator import Emulator
from vtorm.emulator.backend import Backend
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.schema import Schema

OWNER = {"assigned_user_id": "19x1"}
SCRIPT = '<script>alert("x")</script>'
ENCODED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


@pytest.fixture
def backend() -> Backend:
    return Emulator().backend


def create(backend: Backend, module: str, **values: Any) -> dict[str, Any]:
    with backend.store.transaction():
        return backend.records.create(module, {**OWNER, **values}, 1)


def revise(backend: Backend, **values: Any) -> dict[str, Any]:
    with backend.store.transaction():
        return backend.records.revise(values, 1)


def retrieve(backend: Backend, record: dict[str, Any]) -> dict[str, Any]:
    return backend.records.retrieve(record["id"])


def test_a_script_tag_split_across_lines_is_stored_as_sent(backend: Backend) -> None:
    # real: Contacts.lastname and Accounts.description '<script>\n</script>' -> stored,
    # answered and retrieved as sent ('a "q" <script>\nx</script>' keeps its quotes too)
    contact = create(backend, "Contacts", lastname="<script>\n</script>")
    account = create(
        backend, "Accounts", accountname="Split", description='a "q" <script>\nx</script>'
    )
    assert contact["lastname"] == retrieve(backend, contact)["lastname"] == "<script>\n</script>"
    assert (
        account["description"]
        == retrieve(backend, account)["description"]
        == 'a "q" <script>\nx</script>'
    )


def test_a_value_equal_to_the_label_is_answered_decoded_and_retrieved_encoded(
    backend: Backend,
) -> None:
    # real: Contacts lastname/description/title '<script>x</script>', department
    # '<script>y</script>': the create answer shows the first three as sent, department
    # encoded; retrieve shows all four encoded; label '&lt;script&gt;x&lt;/script&gt;'
    contact = create(backend, "Contacts", lastname="<script>x</script>", description="<script>x</script>",
                     title="<script>x</script>", department="<script>y</script>")  # fmt: skip
    encoded = "&lt;script&gt;x&lt;/script&gt;"
    assert [contact[k] for k in ("lastname", "description", "title")] == ["<script>x</script>"] * 3
    assert contact["department"] == "&lt;script&gt;y&lt;/script&gt;"
    assert contact["label"] == encoded
    stored = retrieve(backend, contact)
    assert [stored[k] for k in ("lastname", "description", "title")] == [encoded] * 3
    # real: a revise of another field (mailingcity) answers them as sent again
    again = revise(backend, id=contact["id"], mailingcity="London")
    assert (again["lastname"], again["department"]) == (
        "<script>x</script>",
        "&lt;script&gt;y&lt;/script&gt;",
    )


def test_a_script_tag_in_a_field_that_is_not_the_whole_label_is_answered_encoded(
    backend: Backend,
) -> None:
    # real: Accounts.description SCRIPT -> ENCODED in the create and revise answers and in
    # retrieve; Contacts.lastname SCRIPT with firstname 'Ada' (label 'Ada ...') -> ENCODED;
    # lastname SCRIPT + 80 'y' -> cut to 80, encoded in the answer (the label keeps all)
    account = create(backend, "Accounts", accountname="Scripted", description=SCRIPT)
    assert account["description"] == retrieve(backend, account)["description"] == ENCODED
    assert revise(backend, id=account["id"], description=SCRIPT)["description"] == ENCODED
    ada = create(backend, "Contacts", lastname=SCRIPT, firstname="Ada")
    assert ada["lastname"] == ENCODED and ada["label"] == "Ada " + ENCODED
    long = create(backend, "Contacts", lastname=SCRIPT + "y" * 80)
    assert long["lastname"] == (ENCODED + "y" * 80)[:80]
    # real: Accounts.accountname / Potentials.potentialname SCRIPT (the label) -> as sent
    alone = create(backend, "Accounts", accountname=SCRIPT + " acct")
    assert alone["accountname"] == SCRIPT + " acct"
    assert retrieve(backend, alone)["accountname"] == ENCODED + " acct"


def test_the_label_is_made_of_decoded_values_and_only_an_exact_match_is_decoded(
    backend: Backend,
) -> None:
    # real: accountname 'dec probe &amp; co' -> answered 'dec probe & co' (stored and
    # retrieved 'dec probe &amp; co', label 'dec probe &amp; co'); lastname
    # "<script>&lt; &amp; é</script>" -> answer and retrieve '&lt;script&gt;&lt; &amp; é&lt;/script&gt;',
    # label '&lt;script&gt;&lt; &amp; &eacute;&lt;/script&gt;' (é keeps it from matching)
    account = create(backend, "Accounts", accountname="dec probe &amp; co")
    assert (account["accountname"], account["label"]) == ("dec probe & co", "dec probe &amp; co")
    assert retrieve(backend, account)["accountname"] == "dec probe &amp; co"
    contact = create(backend, "Contacts", lastname="<script>&lt; &amp; é</script>")
    assert contact["lastname"] == "&lt;script&gt;&lt; &amp; é&lt;/script&gt;"
    assert contact["label"] == "&lt;script&gt;&lt; &amp; &eacute;&lt;/script&gt;"


def test_revise_decodes_the_entities_of_what_it_saves(backend: Backend) -> None:
    # real: create description 'Tom &amp; Jerry &lt;b&gt;' -> stored as sent; revise of the
    # same -> stored and retrieved 'Tom & Jerry <b>', bill_city 'A &amp; B' -> 'A & B';
    # revise accountname 'dec probe2 &amp;amp; co' -> answered 'dec probe2 & co', retrieved
    # 'dec probe2 &amp; co', label 'dec probe2 &amp; co'
    account = create(
        backend, "Accounts", accountname="dec probe", description="Tom &amp; Jerry &lt;b&gt;"
    )
    assert account["description"] == "Tom &amp; Jerry &lt;b&gt;"
    revised = revise(
        backend, id=account["id"], description="Tom &amp; Jerry &lt;b&gt;", bill_city="A &amp; B"
    )
    assert (revised["description"], revised["bill_city"]) == ("Tom & Jerry <b>", "A & B")
    assert retrieve(backend, account)["description"] == "Tom & Jerry <b>"
    renamed = revise(backend, id=account["id"], accountname="dec probe2 &amp;amp; co")
    assert (renamed["accountname"], renamed["label"]) == ("dec probe2 & co", "dec probe2 &amp; co")
    assert retrieve(backend, account)["accountname"] == "dec probe2 &amp; co"
    # real: revise lastname "<script>&lt; &amp; é</script>" -> '&lt;script&gt;&lt; & é&lt;/script&gt;'
    contact = create(backend, "Contacts", lastname="Plain")
    again = revise(backend, id=contact["id"], lastname="<script>&lt; &amp; é</script>")
    assert again["lastname"] == "&lt;script&gt;&lt; & é&lt;/script&gt;"


def _schema_with_field_after_id(folder: Path) -> Schema:
    """The stock schema with Accounts.cf_901 listed after `id` (a snapshot may do that)."""
    root = resources.files("vtorm.emulator") / "data" / "describe"
    accounts = json.loads((root / "Accounts.json").read_text("utf-8"))
    nickname = {"name": "cf_901", "label": "Nickname", "type": {"name": "string"}}
    accounts["fields"].append({**nickname, "mandatory": False, "editable": True, "default": ""})
    (folder / "Accounts.json").write_text(json.dumps(accounts), "utf-8")
    return Schema.from_directory(folder)


def test_a_field_listed_after_id_is_stored_answered_and_queryable(tmp_path: Path) -> None:
    # A real 8.0 lists every record field before id (custom ones too); after id come only
    # Products'/Services' tax1..3 and currency1 and the inventory's shipping and handling,
    # which retrieve and query leave out (real: 'select tax1 from Products;' is refused).
    backend = Emulator(_schema_with_field_after_id(tmp_path)).backend
    account = create(backend, "Accounts", accountname="After id", cf_901="Nick")
    assert account["cf_901"] == "Nick"
    assert list(account)[-3:] == ["cf_901", "id", "label"]  # record data, then id
    assert retrieve(backend, account)["cf_901"] == "Nick"
    assert revise(backend, id=account["id"], cf_901="Nom")["cf_901"] == "Nom"
    rows = backend.query("select cf_901 from Accounts where cf_901 = 'Nom';")
    assert rows == [{"cf_901": "Nom", "id": account["id"]}]
    # real: 'select * from Products' has no tax1..3 or currency1 and ends with id
    create(backend, "Products", productname="probe q", unit_price="10")
    (product,) = backend.query("select * from Products;")
    assert not {"tax1", "tax2", "tax3", "currency1"} & set(product) and list(product)[-1] == "id"
    with pytest.raises(WebserviceError, match="tax1"):
        backend.query("select tax1 from Products;")
