"""`LineItems_FinalDetails`: the UI's price block that inventory records carry on the wire.

Two shapes, as captured in `inventory.json`. After create/revise the server answers a blank
template (only "1" with `final_details`, totals "0.00", the sent S&H and adjustment). On
retrieve, every line gets its own block (`qty1`, `listPrice1`, `netPrice1`, ...), and line 1
also carries the record's `final_details`. Group-tax records show their own (zero) tax rates;
other records show the Tax table's rates, with amounts on retrieve that the totals ignore.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vtorm.emulator.values import decimal_text

__all__ = ["LineInfo", "discount_final", "final_details", "line_details", "written_details"]

#: A stock install's taxes: (name, label, percentage).
TAXES = (("tax1", "VAT", "4.500"), ("tax2", "Sales", "10.000"), ("tax3", "Service", "12.500"))
_VISIBLE = ' style="visibility:visible"'
_HIDDEN = ' style="visibility:hidden"'

LineInfo = Mapping[str, Any]


def _trim(text: str) -> str:
    if "." not in text:
        return text
    return text.rstrip("0").rstrip(".") or "0"


def _tax(number: int, percentage: object, amount: str) -> dict[str, Any]:
    name, label, _ = TAXES[number - 1]
    return {
        "taxname": name, "taxlabel": label, "percentage": percentage, "amount": amount,
        "taxid": str(number), "type": "Fixed", "method": "Simple", "regions": [], "compoundon": [],
    }  # fmt: skip


def _sh_taxes() -> list[dict[str, Any]]:
    return [{**_tax(i, 0, ""), "taxname": f"shtax{i}", "amount": 0} for i in (1, 2, 3)]


def discount_final(row: Mapping[str, str]) -> dict[str, Any]:
    """The record discount's keys of the price block (an amount above 0 wins, as in totals)."""
    amount = float(row.get("hdnDiscountAmount") or 0)
    percent = _trim(row.get("hdnDiscountPercent") or "")
    if amount > 0:
        kind, shown, hidden = "amount", "amount", "percentage"
    elif percent not in ("", "0"):
        kind, shown, hidden = "percentage", "percentage", "amount"
    else:
        return {"discount_type_final": "zero", "discount_percentage_final": 0,
                "discount_amount_final": "0.00"}  # fmt: skip
    return {
        "discount_type_final": kind,
        "discount_percentage_final": row.get("hdnDiscountPercent") if kind == "percentage" else 0,
        "discount_amount_final": decimal_text(amount if kind == "amount" else 0, 2),
        f"checked_discount_{kind}_final": " checked",
        f"style_discount_{shown}_final": _VISIBLE,
        f"style_discount_{hidden}_final": _HIDDEN,
    }


def _block(
    row: Mapping[str, str],
    taxes: dict[str, Any],
    totals: Mapping[str, str],
    shipping: str | None,
) -> dict[str, Any]:
    discount = discount_final(row)
    return {
        "taxtype": row.get("hdnTaxType") or None,
        "discount_type_final": discount.pop("discount_type_final"),
        "hdnSubTotal": totals["subtotal"],
        **discount,
        "discountTotal_final": totals["discount"],
        "taxes": taxes,
        "tax_totalamount": totals["tax_total"],
        "shipping_handling_charge": totals["shipping"],
        "sh_taxes": _sh_taxes(),
        "shtax_totalamount": "0.00",
        "adjustment": totals["adjustment"],
        "grandTotal": totals["grand"],
        "preTaxTotal": totals["pre_tax"],
        "totalAfterDiscount": totals["after_discount"],
        "chargesAndItsTaxes": {"1": {"value": shipping, "taxes": {"1": 0, "2": 0, "3": 0}}},
        "deductTaxes": [],
        "deductTaxesTotalAmount": "0.00",
    }


def written_details(
    row: Mapping[str, str], sent_shipping: str | None, discount: float
) -> dict[str, Any]:
    """The blank template create and revise answer with (`discount`: on a zero subtotal).

    The template's subtotal is 0, so only an amount discount shows: 15 off makes the
    total after discount -15.00 and, with S&H 10, the pre-tax total -5.00 (real 8.0).
    """
    group = row.get("hdnTaxType") == "group"
    taxes = {str(i): _tax(i, 0 if group else TAXES[i - 1][2], "0.00") for i in (1, 2, 3)}
    shipping = float(row.get("hdnS_H_Amount") or 0)
    totals = {
        "subtotal": "0.00", "tax_total": "0.00", "shipping": decimal_text(shipping, 2),
        "adjustment": decimal_text(row.get("txtAdjustment"), 2), "grand": "0.00",
        "pre_tax": decimal_text(shipping - discount, 2), "discount": decimal_text(discount, 2),
        "after_discount": decimal_text(-discount, 2),
    }  # fmt: skip
    return {"1": {"final_details": _block(row, taxes, totals, sent_shipping)}}


def final_details(
    row: Mapping[str, str], lines: Sequence[LineInfo], discount: float
) -> dict[str, Any]:
    """The retrieve-time price block: one entry per line, the record totals in line 1.

    Taxes other than group taxes are shown on the total after the record discount.
    """
    details = {str(n): line_details(n, line) for n, line in enumerate(lines, start=1)}
    group = row.get("hdnTaxType") == "group"
    after_discount = float(row.get("hdnSubTotal") or 0) - discount
    taxes: dict[str, Any] = {}
    tax_total = 0.0
    for i in (1, 2, 3):
        if group:
            rate = lines[0]["line"].get(f"tax{i}", "0.000") if lines else "0.000"
            taxes[str(i)] = _tax(i, rate, "0.00")
            continue
        amount = after_discount * float(TAXES[i - 1][2]) / 100
        tax_total += amount
        taxes[str(i)] = _tax(i, TAXES[i - 1][2], decimal_text(amount, 2))
    shipping = _trim(row.get("hdnS_H_Amount", ""))
    totals = {
        "subtotal": decimal_text(row.get("hdnSubTotal"), 2),
        "tax_total": decimal_text(tax_total, 2),
        "shipping": decimal_text(row.get("hdnS_H_Amount"), 2),
        "adjustment": decimal_text(row.get("txtAdjustment"), 2),
        "grand": decimal_text(row.get("hdnGrandTotal"), 2),
        "pre_tax": decimal_text(row.get("pre_tax_total"), 2),
        "discount": decimal_text(discount, 2),
        "after_discount": decimal_text(after_discount, 2),
    }
    block = _block(row, taxes, totals, None if shipping in ("", "0") else shipping)
    details.setdefault("1", {})["final_details"] = block
    return details


def line_details(n: int, info: LineInfo) -> dict[str, Any]:
    """One line's block, keys suffixed with its number (`qty1`, `netPrice1`, ...)."""
    line: Mapping[str, str] = info["line"]
    product: Mapping[str, str] = info["product"]
    gross, net = float(info["gross"]), float(info["net"])
    out: dict[str, Any] = {
        f"purchaseCost{n}": decimal_text(line.get("purchase_cost"), 2),
        f"margin{n}": decimal_text(line.get("margin"), 2),
        f"productDeleted{n}": bool(info.get("deleted")),
        f"entityType{n}": info["entity_type"],
    }
    if n > 1:
        out[f"delRow{n}"] = "Del"
    out.update({
        f"hdnProductId{n}": line.get("productid", ""),
        f"productName{n}": info["name"],
        f"hdnProductcode{n}": product.get("product_no", product.get("service_no", "")),
        f"productDescription{n}": "",
        f"comment{n}": line.get("comment", ""),
        f"qtyInStock{n}": _trim(product.get("qtyinstock", "")),
        f"qty{n}": _trim(line.get("quantity", "")),
        f"listPrice{n}": decimal_text(line.get("listprice"), 2),
        f"unitPrice{n}": decimal_text(product.get("unit_price"), 2),
        f"productTotal{n}": decimal_text(gross, 2),
        f"subproduct_ids{n}": "",
        f"subprod_qty_list{n}": [],
        f"subprod_names{n}": "",
    })  # fmt: skip
    out.update(_discount(n, line))
    out.update({
        f"discountTotal{n}": decimal_text(gross - net, 2),
        f"totalAfterDiscount{n}": decimal_text(net, 2),
        f"taxTotal{n}": "0.00",
        f"netPrice{n}": decimal_text(net, 2),
    })  # fmt: skip
    return out


def _discount(n: int, line: Mapping[str, str]) -> dict[str, Any]:
    percent = _trim(line.get("discount_percent", ""))
    amount = _trim(line.get("discount_amount", ""))
    out: dict[str, Any] = {
        f"discount_percent{n}": percent if percent not in ("", "0") else 0,
        f"discount_amount{n}": amount if amount not in ("", "0") else 0,
    }
    if percent not in ("", "0"):
        out.update({
            f"discount_type{n}": "percentage", f"checked_discount_percent{n}": " checked",
            f"style_discount_percent{n}": _VISIBLE, f"style_discount_amount{n}": _HIDDEN,
        })  # fmt: skip
    elif amount not in ("", "0"):
        out.update({
            f"discount_type{n}": "amount", f"checked_discount_amount{n}": " checked",
            f"style_discount_percent{n}": _HIDDEN, f"style_discount_amount{n}": _VISIBLE,
        })  # fmt: skip
    else:
        out[f"checked_discount_zero{n}"] = " checked"
    return out
