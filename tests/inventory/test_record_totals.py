"""Record-level inputs of the totals (S&H, adjustment, group discount) across a lines revise.

Checked against real 8.0: a revise sending `LineItems` without `hdnS_H_Amount`,
`txtAdjustment` or `hdnTaxType` stores 0, 0 and ''; the group discounts are kept.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from generated import LineItem, Quote
from tests.inventory.conftest import Catalogue
from vtorm import InvalidArgument
from vtorm.client import Client


def _element(shop: Catalogue, **header: str) -> dict[str, Any]:
    return {
        "productid": shop.widget.id, "subject": "Totals", "account_id": shop.account.id,
        "bill_street": "1 Main St", "ship_street": "1 Main St", "assigned_user_id": "19x1",
        "quotestage": "Created", "hdnTaxType": "group", "hdnS_H_Amount": "10",
        "txtAdjustment": "-2.50", **header,
        "LineItems": [_line(shop)],
    }  # fmt: skip


def _line(shop: Catalogue) -> dict[str, str]:
    assert shop.widget.id
    return {"productid": shop.widget.id, "quantity": "2", "listprice": "100"}


def _totals(row: dict[str, Any]) -> tuple[float, float, float]:
    return float(row["hdnSubTotal"]), float(row["pre_tax_total"]), float(row["hdnGrandTotal"])


@pytest.mark.parametrize(
    ("discount", "created", "revised"),
    [
        ({}, (200, 210, 207.5), (200, 200, 200)),
        ({"hdnDiscountPercent": "10"}, (200, 190, 187.5), (200, 180, 180)),
        ({"hdnDiscountAmount": "15"}, (200, 195, 192.5), (200, 185, 185)),
    ],
)
def test_group_discount_and_what_a_bare_lines_revise_resets(
    client: Client,
    catalogue: Catalogue,
    discount: dict[str, str],
    created: tuple[float, ...],
    revised: tuple[float, ...],
) -> None:
    result = client.create("Quotes", _element(catalogue, **discount))
    assert _totals(result) == created
    answer = client.revise({"id": result["id"], "LineItems": [_line(catalogue)]})
    assert _totals(answer) == revised
    stored = client.retrieve(result["id"])
    assert (stored["hdnS_H_Amount"], stored["txtAdjustment"], stored["hdnTaxType"]) == (
        "0.00000000",
        "0.00000000",
        "",
    )
    kept = {k: stored[k] for k in ("hdnDiscountPercent", "hdnDiscountAmount")}
    assert kept == {k: result[k] for k in kept}  # the discounts survive the revise
    assert _totals(stored) == revised


def test_a_lines_save_keeps_shipping_adjustment_and_tax_mode(
    client: Client, catalogue: Catalogue
) -> None:
    assert catalogue.widget.id
    quote = Quote.objects.create(
        **{k: v for k, v in _element(catalogue).items() if k not in ("LineItems", "productid")},
        line_items=[LineItem(productid=catalogue.widget.id, quantity=2, listprice=100)],
    )
    quote.line_items[0].quantity = Decimal(3)
    quote.save()
    assert (quote.hdnS_H_Amount, quote.txtAdjustment, quote.hdnTaxType) == (
        10,
        Decimal("-2.5"),
        "group",
    )
    assert (quote.pre_tax_total, quote.hdnGrandTotal) == (310, Decimal("307.5"))
    again = Quote.objects.get(id=quote.id)
    assert (again.hdnS_H_Amount, again.txtAdjustment, again.hdnTaxType) == (
        10,
        Decimal("-2.5"),
        "group",
    )


def test_a_fresh_server_has_the_stock_taxes(client: Client) -> None:
    rows = client.query("SELECT taxname, taxlabel, percentage, deleted FROM Tax;")
    assert [(r["taxname"], r["taxlabel"], r["percentage"], r["deleted"]) for r in rows] == [
        ("tax1", "VAT", "4.500", "0"),
        ("tax2", "Sales", "10.000", "0"),
        ("tax3", "Service", "12.500", "0"),
    ]


def _discounted_quote(shop: Catalogue, **header: Any) -> Quote:
    assert shop.widget.id and shop.account.id
    return Quote.objects.create(
        subject="Discounted", account_id=shop.account.id, bill_street="1 Main St",
        ship_street="1 Main St", quotestage="Created", hdnTaxType="group",
        hdnS_H_Amount=Decimal(10), **header,
        line_items=[LineItem(productid=shop.widget.id, quantity=2, listprice=100)],
    )  # fmt: skip


def test_changing_shipping_or_a_discount_alone_recomputes_the_totals(
    client: Client, catalogue: Catalogue
) -> None:
    quote = _discounted_quote(catalogue, hdnDiscountPercent=Decimal(10))
    assert (quote.pre_tax_total, quote.hdnGrandTotal) == (190, 190)
    quote.hdnS_H_Amount = Decimal(20)
    quote.save()  # without lines, 8.0 would store 20 but keep the totals at 190
    assert Quote.objects.get(id=quote.id).pre_tax_total == 200
    quote.hdnDiscountAmount = Decimal(15)
    quote.hdnDiscountPercent = None  # the server clears it anyway when an amount arrives
    quote.save()
    stored = _retrieved(quote)
    assert (stored.hdnDiscountAmount, stored.hdnDiscountPercent) == (15, None)
    assert (stored.pre_tax_total, stored.hdnGrandTotal) == (205, 205)
    assert [x.quantity for x in stored.line_items] == [2]


def test_a_discount_cannot_be_removed(client: Client, catalogue: Catalogue) -> None:
    quote = _discounted_quote(catalogue, hdnDiscountAmount=Decimal(15))
    quote.hdnDiscountAmount = None
    with pytest.raises(InvalidArgument, match="hdnDiscountAmount cannot be cleared"):
        quote.save()
    assert _retrieved(quote).hdnDiscountAmount == 15


def _retrieved(quote: Quote) -> Quote:
    """The record as retrieve shows it: a real 8.0 query answers `hdnDiscountAmount` and
    `hdnDiscountPercent` as the first line's `discount_amount` / `discount_percent`."""
    assert quote.id
    again = Quote.objects.get(id=quote.id)
    again.refresh()
    return again
