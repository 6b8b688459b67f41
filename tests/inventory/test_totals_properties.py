"""Properties of the totals: floats with noise read exactly; any lines' totals as by hand."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generated import LineItem, Quote
from tests.inventory.conftest import Catalogue
from tests.properties import examples
from vtorm.client import Client
from vtorm.model.inventory import exact_number

CENTS = st.integers(min_value=-(10**8), max_value=10**8).map(lambda c: Decimal(c) / 100)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(CENTS, min_size=1, max_size=30))
def test_float_sums_of_cents_read_back_as_the_exact_decimal(amounts: list[Decimal]) -> None:
    noisy = sum(float(a) for a in amounts)  # what PHP computed and JSON carried
    assert Decimal(str(exact_number(noisy, currency=True))) == sum(amounts)


def test_exact_number_leaves_text_and_pads_to_the_stored_scale() -> None:
    assert exact_number("344.53000000") == "344.53000000"
    assert exact_number(344.53000000000003, currency=True) == "344.53000000"
    assert exact_number(0.1 + 0.2) == "0.30000000"
    assert exact_number(2.675, currency=True) == "2.68000000"  # half away from zero
    assert exact_number(-2.675, currency=True) == "-2.68000000"
    assert exact_number(True) is True and exact_number(None) is None


LINES = st.lists(
    st.tuples(
        st.integers(1, 20),  # quantity
        st.integers(1, 5000),  # list price in whole units
        st.sampled_from([0, 5, 10, 25, 50]),  # percent discount
        st.integers(0, 500),  # amount discount in cents (used when there is no percent)
    ),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=examples(12),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=LINES, shipping=st.integers(0, 5000), adjustment=st.integers(-5000, 5000))
def test_totals_of_any_lines_match_the_hand_computed_decimals(
    client: Client,
    catalogue: Catalogue,
    lines: list[tuple[int, int, int, int]],
    shipping: int,
    adjustment: int,
) -> None:
    assert catalogue.account.id and catalogue.widget.id
    items = []
    subtotal = Decimal(0)
    for quantity, price, percent, amount_cents in lines:
        gross = Decimal(quantity * price)
        amount = None if percent else Decimal(amount_cents) / 100
        subtotal += gross - gross * percent / 100 - (amount or 0)
        items.append(
            LineItem(
                productid=catalogue.widget.id,
                quantity=Decimal(quantity),
                listprice=Decimal(price),
                discount_percent=Decimal(percent) if percent else None,
                discount_amount=amount,
            )
        )
    quote = Quote.objects.create(
        subject="Property",
        account_id=catalogue.account.id,
        bill_street="a",
        ship_street="b",
        quotestage="Created",
        hdnS_H_Amount=Decimal(shipping) / 100,
        txtAdjustment=Decimal(adjustment) / 100,
        line_items=items,
    )
    pre_tax = subtotal + Decimal(shipping) / 100
    expected = (subtotal, pre_tax, pre_tax + Decimal(adjustment) / 100)
    assert (quote.hdnSubTotal, quote.pre_tax_total, quote.hdnGrandTotal) == expected
    quote.refresh()
    assert (quote.hdnSubTotal, quote.pre_tax_total, quote.hdnGrandTotal) == expected
