"""How input values become stored strings (doc §0 and §5.2, and the captured records)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples
from vtorm.emulator.schema import FieldSchema
from vtorm.emulator.values import clean_text, decimal_text, empty_value, label_text, store_value


def _field(name: str, kind: str) -> FieldSchema:
    return FieldSchema(name, name, kind, False, True, True, "", False)


@pytest.mark.parametrize(
    ("value", "stored"),
    [(1, "1"), ("1", "1"), (True, "1"), ("on", "1"), (1.0, "1"), ("true", "0"), ("yes", "0"),
     (0, "0"), ("0", "0"), (False, "0"), (None, "0"), ("", "0"), (2, "0")],
)  # fmt: skip
def test_booleans_store_1_only_for_1_true_and_on(value: Any, stored: str) -> None:
    assert store_value(_field("emailoptout", "boolean"), value) == stored


@pytest.mark.parametrize(
    ("name", "kind", "value", "stored"),
    [
        ("annual_revenue", "currency", "5000000", "5000000.00000000"),
        ("annual_revenue", "currency", "12500000.50", "12500000.50000000"),
        ("unit_price", "currency", "149.999", "150.00000000"),
        ("unit_price", "currency", 49.5, "49.50000000"),
        ("probability", "double", "60", "60.000"),
        ("qty_per_unit", "double", "", "0.00"),
        ("hours", "double", "1.5", "1.50000000"),
        ("hours", "double", "abc", "0.00000000"),
        ("employees", "integer", 250, "250"),
        ("employees", "integer", "12.7", "13"),  # MySQL rounds (real server: 13)
    ],
)
def test_numbers_are_padded_to_the_column_scale(
    name: str, kind: str, value: Any, stored: str
) -> None:
    assert store_value(_field(name, kind), value) == stored


@settings(max_examples=examples(50), deadline=None)
@given(st.decimals(min_value=-(10**9), max_value=10**9, places=4))
def test_currency_is_rounded_to_two_places_then_padded(number: Decimal) -> None:
    text = decimal_text(str(number), 8, round_to=2)
    assert text.endswith("000000")
    assert abs(Decimal(text) - number) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("date", "2027-03-31", "2027-03-31"),
        ("date", "31/03/2027", "2027-03-31"),
        ("date", "2027-03-31 10:00:00", "2027-03-31"),
        ("date", "", ""),
        ("date", "not a date", ""),
        ("datetime", "2026-11-28T01:51:58", "2026-11-28 01:51:58"),
        ("time", "9:30", "09:30:00"),
        ("time", "09:30:15", "09:30:15"),
        ("multipicklist", ["a", "b"], "a |##| b"),
        ("multipicklist", "a |##| b", "a |##| b"),
        ("string", 42, "42"),
        ("string", True, "1"),
        ("string", None, ""),
    ],
)
def test_dates_times_lists_and_scalars(kind: str, value: Any, stored: str) -> None:
    assert store_value(_field("f", kind), value) == stored


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("smile 😀", "smile ????"),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('O\'Brien & <b>Sons</b> \\ "q" 東京\t\n', 'O\'Brien & <b>Sons</b> \\ "q" 東京\t\n'),
        ("&amp;", "&amp;"),
    ],
)
def test_text_survives_except_astral_characters_and_scripts(text: str, stored: str) -> None:
    assert clean_text(text) == stored


def test_empty_values_of_new_records() -> None:
    assert empty_value(_field("employees", "integer")) == "0"
    assert empty_value(_field("amount", "currency")) == "0.00000000"
    assert empty_value(_field("qty_per_unit", "double")) == "0.00"
    assert empty_value(_field("starred", "boolean")) == "0"
    assert empty_value(_field("birthday", "date")) == ""


def test_labels_are_joined_and_html_encoded() -> None:
    values = {"firstname": "Liam", "lastname": "O'Connor & Co"}
    assert label_text(values, ["firstname", "lastname"]) == "Liam O&#039;Connor &amp; Co"
    assert label_text({"lastname": "Solo"}, ["firstname", "lastname"]) == "Solo"
