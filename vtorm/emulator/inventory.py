"""Inventory records (Quotes, SalesOrder, PurchaseOrder, Invoice): line items and totals.

What Vtiger 8.0's `VtigerInventoryOperation` does, per `inventory.json`: create needs a
non-empty `LineItems` list ("Mandatory Fields Missing.." otherwise) besides the record-level
`productid`; lines are stored as `LineItem` rows (own ids, `parent_id` = the record's crmid)
and replaced wholesale when `LineItems` is sent again; the server computes
subtotal = sum(quantity x listprice - line discount), pre_tax_total = subtotal - record
discount + S&H, grand total = pre_tax_total + adjustment (taxes are zero: products created
through the webservice carry none, group-tax lines come without rates). A revise sending
`LineItems` without `hdnS_H_Amount` / `txtAdjustment` stores both as 0 (8.0 reads them from
the request it builds from the element); one without lines computes nothing. Create and
revise answer the totals as PHP numbers (with float noise: `344.53000000000003`), retrieve
as padded strings; returned lines carry the broken `parent_id` `"<prefix>xArray"`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Protocol

from vtorm.emulator.errors import FatalError, WebserviceError
from vtorm.emulator.inventory_details import final_details, written_details
from vtorm.emulator.schema import FieldSchema, ModuleSchema, Schema
from vtorm.emulator.storage import Store
from vtorm.emulator.values import decimal_text, php_string
from vtorm.wire import ErrorCode

__all__ = [
    "DISCOUNTS",
    "EMPTY_OVERRIDES",
    "INVENTORY_MODULES",
    "LINE_COLUMNS_AFTER_SH_PERCENT",
    "LINE_FIELDS_IN_RECORD",
    "MODULE_EMPTY_OVERRIDES",
    "RESET_BY_LINES",
    "Inventory",
    "check_discount_operands",
    "group_discount",
    "sent_discounts",
]

INVENTORY_MODULES = frozenset({"Quotes", "SalesOrder", "PurchaseOrder", "Invoice"})
#: Line-item fields that describe lists on the record but retrieve leaves out of it.
LINE_FIELDS_IN_RECORD = frozenset(
    {"productid", "quantity", "listprice", "comment", "discount_amount", "discount_percent",
     "tax1", "tax2", "tax3"}
)  # fmt: skip
#: Line columns a revise without lines shows on the record (empty), after hdnS_H_Percent.
LINE_COLUMNS_AFTER_SH_PERCENT = ("image", "purchase_cost", "margin")
#: Record fields whose empty value is NULL ("") or a module-specific default, not 0.
EMPTY_OVERRIDES: Mapping[str, str] = {
    "hdnDiscountPercent": "",
    "hdnDiscountAmount": "",
    "conversion_rate": "1.000",
}
#: Quotes keep hdnS_H_Percent in a column without a scale (Invoice shows "0.00000000").
MODULE_EMPTY_OVERRIDES: Mapping[str, Mapping[str, str]] = {"Quotes": {"hdnS_H_Percent": "0"}}
#: What a revise sending `LineItems` stores for these record fields when they are not sent:
#: 8.0 takes them from the request it builds from the element, not from the stored record.
RESET_BY_LINES: Mapping[str, str] = {
    "hdnTaxType": "",
    "hdnS_H_Amount": "0.00000000",
    "txtAdjustment": "0.00000000",
}
#: Record discounts an update or revise stores only as `sent_discounts` says (with lines).
DISCOUNTS = ("hdnDiscountPercent", "hdnDiscountAmount")
#: A string PHP 8 accepts in arithmetic: numeric, or with a numeric prefix (a warning only).
_PHP_NUMERIC_PREFIX = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)")
_LINE_SCALES = {"quantity": 3, "discount_percent": 3, "tax1": 3, "tax2": 3, "tax3": 3}
_PRODUCT_TYPES = ("Products", "Services")
Number = int | float


def php_number(value: Any) -> Number:
    """A value as PHP's arithmetic reads it: integer-looking strings stay ints."""
    text = php_string(value).strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return 0


class RecordAccess(Protocol):
    """What inventory needs of `records.Records` (a protocol, so the modules stay acyclic)."""

    store: Store
    schema: Schema

    def reference_input(self, field: FieldSchema, text: str) -> str: ...

    def reference_out(self, refers_to: tuple[str, ...], stored: str) -> str: ...

    def module_of_prefix(self, prefix: str) -> ModuleSchema | None: ...

    def format_id(self, module: str, crmid: int | str) -> str: ...


class Inventory:
    """Line items and totals of inventory records, on top of `Records`."""

    def __init__(self, records: RecordAccess) -> None:
        self.records = records
        self.store = records.store

    @staticmethod
    def required_lines(values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The element's `LineItems`, which must be a non-empty list of objects."""
        lines = values.get("LineItems")
        if not isinstance(lines, list) or not lines or not all(isinstance(x, dict) for x in lines):
            raise WebserviceError(ErrorCode.MANDATORY_FIELDS_MISSING, "Mandatory Fields Missing..")
        return lines

    def replace_lines(self, module: ModuleSchema, crmid: int, lines: list[dict[str, Any]]) -> None:
        """Delete the record's lines and store the new ones in order."""
        conn = self.store.conn
        if module.name == "Invoice":
            self.adjust_stock(crmid, +1)
        conn.execute('DELETE FROM "rec_LineItem" WHERE parent_id = ?', (str(crmid),))
        self.store.rows_deleted()
        row = conn.execute('SELECT coalesce(max(crmid), 2) FROM "rec_LineItem"').fetchone()
        next_id = int(row[0]) + 1
        decrement = "1" if module.name in ("Invoice", "SalesOrder") else "0"
        for number, line in enumerate(lines, start=1):
            product = self._product(line)
            stored = {
                "parent_id": str(crmid),
                "productid": product,
                "sequence_no": str(number),
                "comment": php_string(line.get("comment")),
                "incrementondel": decrement,
                "image": "",
            }
            for name in ("quantity", "listprice", "discount_percent", "discount_amount",
                         "tax1", "tax2", "tax3", "purchase_cost", "margin"):  # fmt: skip
                stored[name] = decimal_text(line.get(name), _LINE_SCALES.get(name, 8))
            self.store.insert_row("LineItem", next_id, stored)
            next_id += 1
        if module.name == "Invoice":
            self.adjust_stock(crmid, -1)

    def _product(self, line: Mapping[str, Any]) -> str:
        field = self.records.schema["LineItem"].field("productid")
        assert field is not None
        return self.records.reference_input(field, php_string(line.get("productid")))

    def lines(self, crmid: int) -> list[dict[str, str]]:
        """The stored lines of a record, in sequence order."""
        rows = self.store.conn.execute(
            'SELECT crmid FROM "rec_LineItem" WHERE parent_id = ?'
            " ORDER BY CAST(sequence_no AS INTEGER)",
            (str(crmid),),
        ).fetchall()
        return [self.store.fetch_row("LineItem", int(r[0])) or {} for r in rows]

    def update_totals(self, module: ModuleSchema, crmid: int) -> dict[str, Number]:
        """Recompute and store the record's totals; returns them as PHP numbers."""
        row = self.store.fetch_row(module.name, crmid) or {}
        subtotal: Number = 0
        for line in self.lines(crmid):
            subtotal += _line_total(line)
        pre_tax = subtotal - group_discount(row, subtotal)
        pre_tax += php_number(_trim(row.get("hdnS_H_Amount", "")))
        grand = pre_tax + php_number(_trim(row.get("txtAdjustment", "")))
        totals = {"hdnSubTotal": subtotal, "pre_tax_total": pre_tax, "hdnGrandTotal": grand}
        self.store.update_row(
            module.name, crmid, {k: decimal_text(v, 8, round_to=2) for k, v in totals.items()}
        )
        return totals

    def extras(
        self, module: ModuleSchema, crmid: int, sent: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The keys after `label`: S&H, lines, productid, price block (`sent`: on write)."""
        row = self.store.fetch_row(module.name, crmid) or {}
        lines = self.lines(crmid)
        if sent is not None:
            shipping = php_string(sent.get("hdnS_H_Amount")) or None
        else:
            shipping = _trim(row.get("hdnS_H_Amount", "")) or None
            shipping = None if shipping == "0" else shipping
        out: dict[str, Any] = {"shipping_&_handling": shipping}
        out.update({f"shipping_&_handling_shtax{i}": 0 for i in (1, 2, 3)})
        out["LineItems"] = [self.line_out(module, line) for line in lines]
        if sent is not None:
            out["productid"] = None
            # the template's subtotal is 0: only an amount discount shows in it
            out["LineItems_FinalDetails"] = written_details(row, shipping, group_discount(row, 0))
            return out
        first = lines[0]["productid"] if lines else ""
        out["productid"] = self.records.reference_out(_PRODUCT_TYPES, first)
        discount = group_discount(row, php_number(_trim(row.get("hdnSubTotal", ""))))
        infos = [self._line_info(x) for x in lines]
        out["LineItems_FinalDetails"] = final_details(row, infos, discount)
        return out

    def _product_of(self, line: Mapping[str, str]) -> tuple[str, ModuleSchema | None]:
        """(webservice id, module) of a line's product or service ("", None if gone)."""
        product_id = self.records.reference_out(_PRODUCT_TYPES, line.get("productid", ""))
        if not product_id:
            return "", None
        return product_id, self.records.module_of_prefix(product_id.split("x")[0])

    def _line_info(self, line: dict[str, str]) -> dict[str, Any]:
        """A line with its product, which a deleted product still describes (as on 8.0)."""
        stored = line.get("productid", "")
        entity = self.store.entity(int(stored)) if stored.isdigit() else None
        setype = "" if entity is None else str(entity["setype"])
        product: dict[str, str] = {}
        name = ""
        if setype in _PRODUCT_TYPES:
            product = self.store.fetch_row(setype, int(stored)) or {}
            name = str(entity["label"] or "") if entity is not None else ""
        else:
            setype = ""
        gross = php_number(_trim(line["quantity"])) * php_number(_trim(line["listprice"]))
        return {
            "line": line, "product": product, "name": name, "gross": gross,
            "net": _line_total(line), "entity_type": setype,
            "deleted": entity is not None and bool(entity["deleted"]),
        }  # fmt: skip

    def record_line_fields(self, line: Mapping[str, str]) -> dict[str, str]:
        """The line-item fields a record shows outside retrieve: its first line's values."""
        out = {name: line.get(name, "") for name in LINE_FIELDS_IN_RECORD}
        out["productid"] = self._product_of(line)[0] if line else ""
        return out

    def line_out(self, module: ModuleSchema, line: dict[str, str]) -> dict[str, Any]:
        """One stored line as create, revise and retrieve list it under `LineItems`."""
        info = self._line_info(line)
        out: dict[str, Any] = {"parent_id": f"{module.id_prefix}xArray"}
        out["productid"] = self._product_of(line)[0]
        for key in ("sequence_no", "quantity", "listprice", "discount_percent",
                    "discount_amount", "comment"):  # fmt: skip
            out[key] = line.get(key, "")
        out["description"] = ""
        for key in ("incrementondel", "tax1", "tax2", "tax3", "image", "purchase_cost", "margin"):
            out[key] = line.get(key, "")
        out["id"] = self.records.format_id("LineItem", line["crmid"])
        out["product_name"] = info["name"]
        out["entity_type"] = info["entity_type"]
        out["deleted"] = "1" if info["deleted"] else "0"
        return out

    def adjust_stock(self, crmid: int, sign: int) -> None:
        """Invoices take their quantities out of (sign -1) or back into (+1) product stock."""
        for line in self.lines(crmid):
            _, product_module = self._product_of(line)
            if product_module is None or product_module.name != "Products":
                continue
            product = self.store.fetch_row("Products", int(line["productid"])) or {}
            stock = float(product.get("qtyinstock") or 0) + sign * float(line["quantity"] or 0)
            self.store.update_row(
                "Products", int(line["productid"]), {"qtyinstock": decimal_text(stock, 3)}
            )


def _trim(text: str) -> str:
    """A padded decimal without trailing zeros ("2.000" -> "2", "149.99000000" -> "149.99")."""
    if "." not in text:
        return text
    trimmed = text.rstrip("0").rstrip(".")
    return trimmed or "0"


def group_discount(row: Mapping[str, str], subtotal: Number) -> Number:
    """The record-level discount: an amount above 0 wins over a percentage of the subtotal.

    As `VtigerLineItemOperation::updateParent` (8.0): 10% of 200.00 takes 20 off, and an
    amount of 15 takes 15 off whatever percentage is also stored.
    """
    amount = php_number(_trim(row.get("hdnDiscountAmount", "")))
    if amount > 0:
        return amount
    percent = php_number(_trim(row.get("hdnDiscountPercent", "")))
    if percent:
        return percent / 100 * subtotal
    return 0


def check_discount_operands(values: Mapping[str, Any]) -> None:
    """HTTP 500 before anything is saved, as 8.0's `sanitizeShippingTaxes` on PHP 8.

    It subtracts the sent `hdnDiscountAmount` from the subtotal unless `hdnDiscountPercent`
    is truthy: a non-numeric string there ("" to clear it) is a TypeError (checked on a real
    8.0: create, and revise with or without lines).
    """
    if "hdnDiscountAmount" not in values or _php_truthy(values.get("hdnDiscountPercent")):
        return
    amount = values["hdnDiscountAmount"]
    if isinstance(amount, str) and not _PHP_NUMERIC_PREFIX.match(amount):
        raise FatalError("Unsupported operand types: float - string (hdnDiscountAmount)")


def sent_discounts(sent: Mapping[str, Any], stored: Mapping[str, str]) -> dict[str, str]:
    """The record discounts a write with lines changes (`stored`: the sent values as stored).

    Checked on a real 8.0: only a non-zero discount is taken, and it clears the other kind
    (a non-zero amount wins over a percentage); zero or empty ones change nothing, so a
    discount once set cannot be removed through the webservice.
    """
    if php_number(sent.get("hdnDiscountAmount", "")):
        return {"hdnDiscountAmount": stored["hdnDiscountAmount"], "hdnDiscountPercent": ""}
    if php_number(sent.get("hdnDiscountPercent", "")):
        return {"hdnDiscountPercent": stored["hdnDiscountPercent"], "hdnDiscountAmount": ""}
    return {}


def _php_truthy(value: Any) -> bool:
    text = php_string(value)
    return text not in ("", "0")


def _line_total(line: Mapping[str, str]) -> Number:
    total = php_number(_trim(line["quantity"])) * php_number(_trim(line["listprice"]))
    percent = php_number(_trim(line.get("discount_percent", "")))
    amount = php_number(_trim(line.get("discount_amount", "")))
    if percent:
        return total - total * percent / 100
    if amount:
        return total - amount
    return total
