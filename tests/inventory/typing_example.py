"""Uses of the inventory models as a type checker sees them (checked by test_typing.py).

Lines ending in `# error: <words>` must be mypy errors containing those words; the rest
must be clean. Not run: it only needs to type-check.
"""

from __future__ import annotations

from decimal import Decimal

from generated import Invoice, LineItem, Quote
from vtorm import RecordId

product = RecordId("14x16")
line = LineItem(productid=product, quantity=Decimal(2), listprice=Decimal("149.99"))
quote = Quote(
    subject="Quote",
    account_id=RecordId("11x2"),
    bill_street="a",
    ship_street="b",
    quotestage="Created",
    line_items=[line],
)
lines: list[LineItem] = quote.line_items
total: Decimal | None = quote.hdnGrandTotal
LineItem.objects.filter(parent_id=RecordId("4x1"), quantity__gte=2)

Invoice(  # error: Missing named argument "line_items"
    subject="Invoice",
    account_id=RecordId("11x2"),
    bill_street="a",
    ship_street="b",
    invoicestatus="Created",
)
quote.quantity = Decimal(3)  # error: "Quote" has no attribute "quantity"
quote.line_items = [quote]  # error: List item 0 has incompatible type "Quote"
Quote.objects.filter(productid=product)  # error: Unexpected keyword argument "productid"
LineItem(productid=product)  # error: Missing named argument "quantity"
