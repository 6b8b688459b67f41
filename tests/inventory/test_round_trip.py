"""Inventory records through the ORM against the embedded server: lines, totals, saves."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pydantic
import pytest

from generated import Invoice, LineItem, Quote
from tests.inventory.conftest import Catalogue
from vtorm import InvalidArgument, MissingFieldsError, RecordId
from vtorm.client import Client


class Recording:
    """A backend that forwards to a client and keeps every element written."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.created: list[Mapping[str, Any]] = []
        self.revised: list[Mapping[str, Any]] = []
        client.login()
        self.user_id = client.user_id

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        return self.client.query(vtql)

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.created.append(element)
        return self.client.create(module, element)

    def retrieve(self, id: str, /) -> dict[str, Any]:
        return self.client.retrieve(id)

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.revised.append(element)
        return self.client.revise(element)

    def delete(self, id: str, /) -> None:
        self.client.delete(id)


def three_line_quote(shop: Catalogue) -> Quote:
    """Four widgets at 25% off, three support plans 8.50 off in all, one widget as is."""
    assert shop.account.id and shop.widget.id and shop.support.id
    return Quote(
        subject="Quote for Acme",
        account_id=shop.account.id,
        bill_street="1 Main St",
        ship_street="1 Main St",
        quotestage="Created",
        hdnS_H_Amount=Decimal("10"),
        txtAdjustment=Decimal("-2.50"),
        line_items=[
            LineItem(
                productid=shop.widget.id,
                quantity=Decimal(4),
                listprice=Decimal("149.99"),
                discount_percent=Decimal(25),
            ),
            LineItem(
                productid=shop.support.id,
                quantity=Decimal(3),
                listprice=Decimal("49.50"),
                discount_amount=Decimal("8.50"),
            ),
            LineItem(
                productid=shop.widget.id,
                quantity=Decimal(1),
                listprice=Decimal("149.99"),
                comment="spare",
            ),
        ],
    )


def expected_totals(quantities: tuple[int, int, int]) -> tuple[Decimal, Decimal, Decimal]:
    """Subtotal, pre-tax total and grand total computed by hand from the three lines."""
    first = quantities[0] * Decimal("149.99") * (1 - Decimal(25) / 100)
    second = quantities[1] * Decimal("49.50") - Decimal("8.50")
    third = quantities[2] * Decimal("149.99")
    subtotal = first + second + third
    pre_tax = subtotal + Decimal(10)
    return subtotal, pre_tax, pre_tax + Decimal("-2.50")


def saved(record: Quote) -> RecordId:
    """The id of a record that must have been created."""
    assert record.id is not None
    return record.id


def totals(record: Quote) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    return record.hdnSubTotal, record.pre_tax_total, record.hdnGrandTotal


def test_three_line_quote_round_trips_with_exact_totals(
    client: Client, catalogue: Catalogue
) -> None:
    quote = three_line_quote(catalogue)
    quote.save()
    assert quote.id is not None and quote.quote_no
    assert expected_totals((4, 3, 1)) == (Decimal("739.96"), Decimal("749.96"), Decimal("747.46"))
    assert totals(quote) == expected_totals((4, 3, 1))
    assert all(type(value) is Decimal for value in totals(quote))

    loaded = Quote.objects.get(id=saved(quote))
    lines = loaded.line_items
    assert [line.quantity for line in lines] == [4, 3, 1]
    assert [line.parent_id for line in lines] == [quote.id] * 3
    assert (lines[0].discount_percent, lines[1].discount_amount) == (Decimal(25), Decimal("8.5"))
    assert lines[2].comment == "spare"
    assert totals(loaded) == expected_totals((4, 3, 1))

    loaded.line_items[1].quantity = Decimal(5)
    loaded.save()
    assert (
        totals(loaded)
        == expected_totals((4, 5, 1))
        == (
            Decimal("838.96"),
            Decimal("848.96"),
            Decimal("846.46"),
        )
    )

    again = Quote.objects.get(id=saved(quote))
    again.refresh()  # retrieve: padded strings, lines in the answer
    assert totals(again) == expected_totals((4, 5, 1))
    assert [line.quantity for line in again.line_items] == [4, 5, 1]
    assert [(x.discount_percent, x.discount_amount) for x in again.line_items] == [
        (Decimal(25), Decimal(0)),
        (Decimal(0), Decimal("8.5")),
        (Decimal(0), Decimal(0)),
    ]


def test_create_sends_record_productid_from_the_first_line(
    client: Client, catalogue: Catalogue
) -> None:
    recording = Recording(client)
    quote = three_line_quote(catalogue)
    quote.save(using=recording)
    (element,) = recording.created
    assert element["productid"] == catalogue.widget.id
    assert [line["productid"] for line in element["LineItems"]] == [
        catalogue.widget.id,
        catalogue.support.id,
        catalogue.widget.id,
    ]
    # only the non-zero discount of each line is sent
    assert [
        sorted(k for k in line if k.startswith("discount")) for line in element["LineItems"]
    ] == [
        ["discount_percent"],
        ["discount_amount"],
        [],
    ]


def test_save_sends_lines_only_when_they_changed(client: Client, catalogue: Catalogue) -> None:
    recording = Recording(client)
    quote = three_line_quote(catalogue)
    quote.save(using=recording)
    quote.save()
    assert recording.revised == []
    quote.subject = "Renamed"
    quote.save()
    assert "LineItems" not in recording.revised[-1]
    quote.line_items = quote.line_items[:1]
    quote.save()
    assert len(recording.revised[-1]["LineItems"]) == 1
    assert len(LineItem.objects.filter(parent_id=saved(quote))) == 1
    assert quote.hdnSubTotal == Decimal("449.97")


def test_update_fields_can_hold_the_lines_back(client: Client, catalogue: Catalogue) -> None:
    quote = three_line_quote(catalogue)
    quote.save()
    quote.subject = "Only the subject"
    quote.line_items[0].quantity = Decimal(9)
    quote.save(update_fields=["subject"])
    assert quote.line_items[0].quantity == 9  # kept locally, still unsaved
    assert quote.vtiger_lines_changed()
    assert [x.quantity for x in Quote.objects.get(id=saved(quote)).line_items] == [4, 3, 1]
    quote.save(update_fields=["line_items"])
    assert [x.quantity for x in Quote.objects.get(id=saved(quote)).line_items] == [9, 3, 1]


def test_lines_are_queryable_without_loading_the_record(
    client: Client, catalogue: Catalogue
) -> None:
    quote = three_line_quote(catalogue)
    quote.save()
    other = three_line_quote(catalogue)
    other.save()
    lines = LineItem.objects.filter(parent_id=saved(quote)).order_by("sequence_no")
    assert [(x.sequence_no, x.quantity, x.parent_id) for x in lines] == [
        (1, Decimal(4), quote.id),
        (2, Decimal(3), quote.id),
        (3, Decimal(1), quote.id),
    ]
    assert {x.id for x in lines} == {x.id for x in quote.line_items}


def test_invoice_create_as_documented(client: Client, catalogue: Catalogue) -> None:
    assert catalogue.account.id and catalogue.widget.id
    invoice = Invoice.objects.create(
        subject="Invoice for Acme",
        account_id=catalogue.account.id,
        bill_street="1 Main St",
        ship_street="1 Main St",
        invoicestatus="Created",
        line_items=[
            LineItem(
                productid=catalogue.widget.id, quantity=Decimal(2), listprice=Decimal("149.99")
            )
        ],
    )
    assert invoice.hdnGrandTotal == Decimal("299.98") and invoice.invoice_no
    assert invoice.assigned_user_id is not None
    assert invoice.line_items[0].parent_id == invoice.id


def test_line_fields_stay_out_of_the_record_constructor(catalogue: Catalogue) -> None:
    assert catalogue.account.id and catalogue.widget.id
    fields: dict[str, Any] = {
        "subject": "x",
        "account_id": catalogue.account.id,
        "bill_street": "a",
        "ship_street": "b",
        "quotestage": "Created",
    }
    with pytest.raises(pydantic.ValidationError, match="quantity"):
        Quote(**fields, quantity=2, line_items=[])  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError, match="line_items"):
        Quote(**fields)
    empty = Quote(**fields, line_items=[])
    with pytest.raises(MissingFieldsError, match="line_items"):
        empty.save()


def test_an_individual_tax_quote_is_created_with_its_totals(
    client: Client, catalogue: Catalogue
) -> None:
    quote = three_line_quote(catalogue)
    quote.hdnTaxType = "individual"
    quote.save()  # products created through the webservice carry no taxes: nothing is added
    assert totals(quote) == expected_totals((4, 3, 1))
    assert Quote.objects.get(id=saved(quote)).hdnTaxType == "individual"


def test_a_queried_record_saves_other_fields_without_touching_its_lines(
    client: Client, catalogue: Catalogue
) -> None:
    quote = three_line_quote(catalogue)
    quote.save()
    recording = Recording(client)
    loaded = Quote.objects.using(recording).get(id=saved(quote))
    loaded.subject = "Renamed without reading the lines"
    assert not loaded.vtiger_lines_changed()
    loaded.save()
    assert "LineItems" not in recording.revised[-1]
    assert [x.quantity for x in loaded.line_items] == [4, 3, 1]  # fetched on first use
    assert Quote.objects.get(id=saved(quote)).subject == "Renamed without reading the lines"


def test_resending_needs_lines(client: Client, catalogue: Catalogue) -> None:
    quote = three_line_quote(catalogue)
    quote.save()
    quote.line_items = []
    with pytest.raises(InvalidArgument, match="no lines"):
        quote.vtiger_resend_lines()
    with pytest.raises(MissingFieldsError, match="line_items"):
        quote.save()
