# ruff: noqa: E501  (each case carries the real server's input and answer on one line)
"""Values are stored as the real server's MySQL columns store them (issue 13).

Every case was sent once to a real Vtiger 8.0.0 (PHP 8.2, MariaDB 10.11, empty sql_mode) on
127.0.0.1:8081 on 2026-12-01; the comment on each names the input and what the real server
stored and answered. The emulator must give the same.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from vtorm.emulator import Emulator
from vtorm.emulator.backend import Backend
from vtorm.emulator.errors import WebserviceError

OWNER = {"assigned_user_id": "19x1"}


@pytest.fixture
def backend() -> Backend:
    return Emulator().backend


def create(backend: Backend, module: str, **values: Any) -> dict[str, Any]:
    with backend.store.transaction():
        return backend.records.create(module, {**OWNER, **values}, 1)


def test_varchar_columns_cut_to_their_length_in_characters(backend: Backend) -> None:
    # real: lastname 'L'*100 -> 80 L, department 'D'*40 -> 30 D, firstname 'é'*50 -> 40 é
    contact = create(
        backend, "Contacts", lastname="L" * 100, department="D" * 40, firstname="é" * 50
    )
    assert (contact["lastname"], contact["department"]) == ("L" * 80, "D" * 30)
    assert contact["firstname"] == "é" * 40
    # real: the label keeps the values as sent (151 chars in vtiger_crmentity), HTML-entity encoded
    assert contact["label"] == "&eacute;" * 50 + " " + "L" * 100
    # real: accountname 'A'*120 -> 100 A; bill_city 'ü'*40 -> 30 ü; vendorname 'V'*150 -> 100 V
    account = create(backend, "Accounts", accountname="A" * 120, bill_city="ü" * 40)
    assert (account["accountname"], account["bill_city"]) == ("A" * 100, "ü" * 30)
    assert create(backend, "Vendors", vendorname="V" * 150)["vendorname"] == "V" * 100


def test_astral_characters_become_one_question_mark_per_byte_then_are_cut(backend: Backend) -> None:
    # real: website '😀'*3 -> '?'*12; bill_city (varchar(30)) '😀'*10 -> '?'*30
    account = create(
        backend, "Accounts", accountname="Astral", website="😀" * 3, bill_city="😀" * 10
    )
    assert (account["website"], account["bill_city"]) == ("?" * 12, "?" * 30)


def test_script_like_text_gets_its_brackets_and_quotes_encoded(backend: Backend) -> None:
    # real: description 'x😀y<script>a="1"</script>' -> 'x????y&lt;script&gt;a=&quot;1&quot;&lt;/script&gt;'
    account = create(backend, "Accounts", accountname="S", description='x😀y<script>a="1"</script>')
    assert account["description"] == "x????y&lt;script&gt;a=&quot;1&quot;&lt;/script&gt;"


@pytest.mark.parametrize(
    ("module", "values", "field", "stored"),
    [
        # real: annual_revenue '12345678901234.5' -> '12345678901234.00000000' (PHP float, 14 digits)
        ("Accounts", {"annual_revenue": "12345678901234.5"}, "annual_revenue", "12345678901234.00000000"),
        # real: '1234567890123.456789' -> '1234567890123.50000000'
        ("Accounts", {"annual_revenue": "1234567890123.456789"}, "annual_revenue", "1234567890123.50000000"),
        # real: '99999999999999999.999' and '1e30' -> clamped to decimal(25,8)'s largest value
        ("Accounts", {"annual_revenue": "99999999999999999.999"}, "annual_revenue", "99999999999999999.99999999"),
        ("Accounts", {"annual_revenue": "1e30"}, "annual_revenue", "99999999999999999.99999999"),
        # real: employees 2147483648 -> 2147483647, -2147483649 -> -2147483648, '12.7' -> 13, 'abc' -> 0
        ("Accounts", {"employees": 2147483648}, "employees", "2147483647"),
        ("Accounts", {"employees": -2147483649}, "employees", "-2147483648"),
        ("Accounts", {"employees": "12.7"}, "employees", "13"),
        ("Accounts", {"employees": "abc"}, "employees", "0"),
        # real: numsent (decimal(11,0)) 2.675 -> '3', unset -> '0', '123456789012.5' -> '99999999999'
        ("Campaigns", {"numsent": 2.675}, "numsent", "3"),
        ("Campaigns", {}, "numsent", "0"),
        ("Campaigns", {"numsent": "123456789012.5"}, "numsent", "99999999999"),
        # real: budgetcost '1.005' -> '1.01000000'; expectedrevenue '12345678901234567.5' -> '12345678901235000.00000000'
        ("Campaigns", {"budgetcost": "1.005"}, "budgetcost", "1.01000000"),
        ("Campaigns", {"expectedrevenue": "12345678901234567.5"}, "expectedrevenue", "12345678901235000.00000000"),
        # real: probability (decimal(7,3)) '123456.7891' -> '9999.999'
        ("Potentials", {"probability": "123456.7891"}, "probability", "9999.999"),
        # real: qty_per_unit (decimal(11,2)) '1234567890123.456' -> '999999999.99'; qtyinstock '1.23456' -> '1.230'
        ("Products", {"qty_per_unit": "1234567890123.456"}, "qty_per_unit", "999999999.99"),
        ("Products", {"qtyinstock": "1.23456"}, "qtyinstock", "1.230"),
        # real: unit_price '12.345' -> '12.35000000', '123456789012345678.5' -> clamped, '1e400' -> '0.00000000'
        ("Products", {"unit_price": "12.345"}, "unit_price", "12.35000000"),
        ("Products", {"unit_price": "123456789012345678.5"}, "unit_price", "99999999999999999.99999999"),
        ("Products", {"unit_price": "1e400"}, "unit_price", "0.00000000"),
        ("Products", {"unit_price": float("inf")}, "unit_price", "0.00000000"),
    ],
)  # fmt: skip
def test_numbers_round_and_clamp_like_their_columns(
    backend: Backend, module: str, values: dict[str, Any], field: str, stored: str
) -> None:
    required = {
        "Accounts": {"accountname": "N"},
        "Campaigns": {"campaignname": "C", "closingdate": "2026-01-01"},
        "Potentials": {"potentialname": "P", "closingdate": "2026-01-01", "sales_stage": "Prospecting"},
        "Products": {"productname": "Pr"},
    }[module]  # fmt: skip
    assert create(backend, module, **required, **values)[field] == stored


def test_duplicate_names_compare_under_utf8_general_ci(backend: Backend) -> None:
    # real, after creating 'Émile Co': 'émile co', 'EMILE CO', 'Emile Co   ', 'Emile Cö' are
    # duplicates; ' Emile Co', 'Emile  Co', 'Emile Co\t' are not
    create(backend, "Accounts", accountname="Émile Co")
    for same in ("émile co", "EMILE CO", "Emile Co   ", "Emile Cö"):
        with pytest.raises(WebserviceError, match="Duplicate"):
            create(backend, "Accounts", accountname=same)
    for other in (" Emile Co", "Emile  Co", "Emile Co\t"):
        create(backend, "Accounts", accountname=other)


def test_deleting_an_account_deletes_its_potentials_and_quotes(backend: Backend) -> None:
    # real: delete Account -> its Potential and Quote are gone (ACCESS_DENIED on retrieve), the
    # contact, ticket, sales order, invoice, project, ... stay with the reference now empty
    account = create(backend, "Accounts", accountname="Acme")
    contact = create(backend, "Contacts", lastname="Smith", account_id=account["id"])
    potential = create(backend, "Potentials", potentialname="P", related_to=account["id"],
                       closingdate="2027-01-01", sales_stage="Prospecting")  # fmt: skip
    product = create(backend, "Products", productname="Prod", unit_price="10")
    quote = create(backend, "Quotes", subject="Q", account_id=account["id"], quotestage="Created",
                   bill_street="a", ship_street="b", productid=product["id"], hdnTaxType="group",
                   LineItems=[{"productid": product["id"], "quantity": 1, "listprice": 10}])  # fmt: skip
    with backend.store.transaction():
        backend.records.delete(account["id"], 1)
    for gone in (potential, quote):
        with pytest.raises(WebserviceError, match="denied"):
            backend.records.retrieve(gone["id"])
    assert backend.records.retrieve(contact["id"])["account_id"] == ""
    crmid = int(potential["id"].split("x")[1])
    entity = backend.store.entity(crmid)
    assert entity is not None and entity["modifiedtime"] == potential["modifiedtime"]


def test_deleting_a_vendor_deletes_its_purchase_orders(backend: Backend) -> None:
    # real: delete Vendor -> its PurchaseOrder is gone, the product's vendor_id reads ""
    vendor = create(backend, "Vendors", vendorname="Ven")
    product = create(backend, "Products", productname="Prod", vendor_id=vendor["id"])
    order = create(backend, "PurchaseOrder", subject="P", vendor_id=vendor["id"], postatus="Created",
                   bill_street="a", ship_street="b", productid=product["id"], hdnTaxType="group",
                   LineItems=[{"productid": product["id"], "quantity": 1, "listprice": 10}])  # fmt: skip
    with backend.store.transaction():
        backend.records.delete(vendor["id"], 1)
    with pytest.raises(WebserviceError, match="denied"):
        backend.records.retrieve(order["id"])
    assert backend.records.retrieve(product["id"])["vendor_id"] == ""


def test_deleting_a_contact_or_project_deletes_nothing_else(backend: Backend) -> None:
    # real: delete Contact -> potentials/tickets/quotes/... stay (contact_id reads ""); delete
    # Project -> its ProjectTask and ProjectMilestone stay (projectid reads "")
    contact = create(backend, "Contacts", lastname="Solo")
    ticket = create(backend, "HelpDesk", ticket_title="T", contact_id=contact["id"],
                    ticketstatus="Open", ticketpriorities="Low")  # fmt: skip
    with backend.store.transaction():
        backend.records.delete(contact["id"], 1)
    assert backend.records.retrieve(ticket["id"])["contact_id"] == ""


def test_a_reference_in_a_varchar_column_sorts_as_text(backend: Backend) -> None:
    # real: HelpDesk.parent_id is varchar(100), so ORDER BY parent_id compares crmids as text
    accounts = [create(backend, "Accounts", accountname=f"A{i}") for i in range(9)]
    for account in (accounts[-1], accounts[0]):  # crmids 10 and 2: "10" sorts before "2"
        create(backend, "HelpDesk", ticket_title=account["id"], parent_id=account["id"],
               ticketstatus="Open", ticketpriorities="Low")  # fmt: skip
    rows = backend.query("select ticket_title from HelpDesk order by parent_id;")
    assert [r["ticket_title"] for r in rows] == [accounts[-1]["id"], accounts[0]["id"]]


def test_custom_fields_store_with_the_columns_vtiger_gives_them() -> None:
    # real (fields added with Settings_LayoutEditor_Module_Model::addField): Text length 20 ->
    # varchar(20), 'x'*30 -> 20 x; Integer -> int(5), '99999999999' -> '2147483647';
    # Currency 10+2 -> decimal(12,2), '123456789012.5' -> '9999999999.99'; Percent ->
    # decimal(5,2), '-5000' -> '-999.99'; Decimal 6+2 -> decimal(9,2), '1.005' -> '1.01'
    from vtorm.emulator.schema import Schema

    standard = Schema.standard()
    describe = dict(standard["Accounts"].describe)

    def field(name: str, kind: str, column: str) -> dict[str, Any]:
        return {"name": name, "label": name, "mandatory": False, "type": {"name": kind},
                "isunique": False, "nullable": True, "editable": True, "default": "",
                "column_type": column}  # fmt: skip

    at = [f["name"] for f in describe["fields"]].index("id")  # retrieve stops at id
    describe["fields"] = [*describe["fields"][:at], field("cf_857", "string", "varchar(20)"),
                          field("cf_859", "integer", "int(5)"),
                          field("cf_863", "currency", "decimal(12,2)"),
                          field("cf_865", "double", "decimal(5,2)"),
                          field("cf_861", "double", "decimal(9,2)"),
                          field("cf_900", "string", ""), *describe["fields"][at:]]  # fmt: skip
    schema = Schema.from_describes([json.loads(json.dumps(describe))] + [
        m.describe for n, m in standard.modules.items() if n != "Accounts"])  # fmt: skip
    backend = Emulator(schema).backend
    sent = {"cf_857": "x" * 30, "cf_859": "99999999999", "cf_863": "123456789012.5",
            "cf_865": "-5000", "cf_861": "1.005", "cf_900": "y" * 300}  # fmt: skip
    account = create(backend, "Accounts", accountname="cf", **sent)
    assert (account["cf_857"], account["cf_859"], account["cf_863"]) == (
        "x" * 20,
        "2147483647",
        "9999999999.99",
    )
    assert (account["cf_865"], account["cf_861"]) == ("-999.99", "1.01")
    assert account["cf_900"] == "y" * 300  # an unparsable declared type sets no limit


def test_line_items_of_a_deleted_product_say_so_and_keep_its_name(backend: Backend) -> None:
    # real: delete the Product of a quote's line -> retrieve of the quote: LineItems[0] has
    # productid '', deleted '1', product_name 'Prod', entity_type 'Products';
    # LineItems_FinalDetails['1'] has productDeleted1 true, productName1 'Prod'
    account = create(backend, "Accounts", accountname="Acme")
    product = create(backend, "Products", productname="Prod", unit_price="10")
    quote = create(backend, "Quotes", subject="Q", account_id=account["id"], quotestage="Created",
                   bill_street="a", ship_street="b", productid=product["id"], hdnTaxType="group",
                   LineItems=[{"productid": product["id"], "quantity": 1, "listprice": 10}])  # fmt: skip
    with backend.store.transaction():
        backend.records.delete(product["id"], 1)
    after = backend.records.retrieve(quote["id"])
    line = after["LineItems"][0]
    assert (line["productid"], line["deleted"], line["product_name"], line["entity_type"]) == (
        "", "1", "Prod", "Products",
    )  # fmt: skip
    details = after["LineItems_FinalDetails"]["1"]
    assert (details["productDeleted1"], details["productName1"]) == (True, "Prod")


def test_the_duplicate_check_compares_the_name_as_sent_not_as_stored(backend: Backend) -> None:
    # real: 'Z'*120 created twice -> both succeed (the sent 120 characters never equal the
    # stored 100); then 'Z'*100 -> "Duplicate(s) detected!"
    create(backend, "Accounts", accountname="Z" * 120)
    create(backend, "Accounts", accountname="Z" * 120)
    with pytest.raises(WebserviceError, match="Duplicate"):
        create(backend, "Accounts", accountname="Z" * 100)


def test_json_floats_in_text_fields_read_as_mariadb_prints_the_pasted_number(
    backend: Backend,
) -> None:
    # real: element {"website":0.30000000000000004,"tickersymbol":1e20,"phone":1.5e-7,
    # "employees":12.5} -> website '0.3', tickersymbol '1e20', phone '0.00000015', employees '13'
    account = create(backend, "Accounts", accountname="Floats", website=0.30000000000000004,
                     tickersymbol=1e20, phone=1.5e-7, employees=12.5)  # fmt: skip
    assert (account["website"], account["tickersymbol"], account["phone"]) == (
        "0.3", "1e20", "0.00000015",
    )  # fmt: skip
    assert account["employees"] == "13"


def test_negative_halves_round_away_from_zero(backend: Backend) -> None:
    # real: annual_revenue '-1.005' -> '-1.01000000', employees '-12.5' -> '-13'
    account = create(
        backend, "Accounts", accountname="neg", annual_revenue="-1.005", employees="-12.5"
    )
    assert (account["annual_revenue"], account["employees"]) == ("-1.01000000", "-13")


def test_labels_are_html_entity_encoded_and_text_columns_cut_by_bytes(backend: Backend) -> None:
    # real: accountname "O'Brien & <Co>" -> label 'O&#039;Brien &amp; &lt;Co&gt;';
    # HelpDesk solution (TEXT) 'é'*40000 -> 32767 characters (65534 bytes)
    account = create(backend, "Accounts", accountname="O'Brien & <Co>")
    assert account["label"] == "O&#039;Brien &amp; &lt;Co&gt;"
    ticket = create(backend, "HelpDesk", ticket_title="T", ticketstatus="Open",
                    ticketpriorities="Low", solution="é" * 40000)  # fmt: skip
    assert len(ticket["solution"]) == 32767


def test_scripts_are_encoded_before_the_column_cuts_and_revise_cuts_too(backend: Backend) -> None:
    # real: bill_city '<script>x</script>"abcdefghij' -> '&lt;script&gt;x&lt;/script&gt;' (the
    # encoded text, cut to 30); revise lastname 'M'*90 -> 80 M, department 'é'*35 -> 30 é,
    # label with all 90 M
    account = create(
        backend, "Accounts", accountname="scr", bill_city='<script>x</script>"abcdefghij'
    )
    assert account["bill_city"] == "&lt;script&gt;x&lt;/script&gt;"
    contact = create(backend, "Contacts", lastname="short")
    with backend.store.transaction():
        revised = backend.records.revise(
            {"id": contact["id"], "lastname": "M" * 90, "department": "é" * 35}, 1
        )
    assert (revised["lastname"], revised["department"]) == ("M" * 80, "é" * 30)
    assert revised["label"] == "M" * 90
