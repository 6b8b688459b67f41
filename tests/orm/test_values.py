"""Wire <-> Python conversion per Vtiger type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vtorm import InvalidArgument, RecordId
from vtorm.model.values import UTC, to_python, to_wire


@pytest.mark.parametrize(
    ("vtiger_type", "wire", "value"),
    [
        ("boolean", "1", True),
        ("boolean", "0", False),
        ("integer", "80", 80),
        ("currency", "149.99000000", Decimal("149.99000000")),
        ("double", "40.000", Decimal("40.000")),
        ("date", "1984-02-29", dt.date(1984, 2, 29)),
        ("datetime", "2026-11-28 01:51:58", dt.datetime(2026, 11, 28, 1, 51, 58, tzinfo=UTC)),
        ("time", "09:30:00", dt.time(9, 30)),
        ("multipicklist", "Email |##| SMS", ["Email", "SMS"]),
        ("multipicklist", "Post", ["Post"]),
        ("reference", "11x5", RecordId("11x5")),
        ("owner", "19x1", RecordId("19x1")),
        ("string", "Back\\slash 'q' 東京", "Back\\slash 'q' 東京"),
        ("picklist", "Not In List", "Not In List"),
        ("some_future_type", "raw", "raw"),
    ],
)
def test_round_trip_is_exact(vtiger_type: str, wire: str, value: object) -> None:
    decoded = to_python(vtiger_type, wire)
    assert decoded == value
    assert type(decoded) is type(value)
    assert to_wire(vtiger_type, decoded) == wire


@pytest.mark.parametrize("vtiger_type", ["string", "integer", "currency", "date", "reference"])
@pytest.mark.parametrize("empty", ["", None])
def test_empty_is_none_and_none_is_empty(vtiger_type: str, empty: object) -> None:
    assert to_python(vtiger_type, empty) is None
    assert to_wire(vtiger_type, None) == ""


def test_numeric_wire_values_are_accepted() -> None:
    # Products' currency1 comes back as a JSON number.
    assert to_python("currency", 12.5) == Decimal("12.5")


def test_a_reference_to_nothing_reads_as_none() -> None:
    assert to_python("reference", "0") is None
    assert to_python("reference", "19x0") is None


@pytest.mark.parametrize(
    ("vtiger_type", "value", "wire"),
    [
        ("boolean", True, "1"),
        ("boolean", 0, "0"),
        ("currency", Decimal("1E+3"), "1000"),
        ("currency", 2500.5, "2500.5"),
        ("integer", 7, "7"),
        ("datetime", dt.date(2026, 1, 2), "2026-01-02 00:00:00"),
        ("multipicklist", ("a", "b"), "a |##| b"),
        ("time", "09:30", "09:30:00"),
    ],
)
def test_python_values_encode(vtiger_type: str, value: object, wire: str) -> None:
    assert to_wire(vtiger_type, value) == wire


@pytest.mark.parametrize(
    ("vtiger_type", "value"),
    [
        ("integer", "abc"),
        ("integer", True),
        ("currency", "1,5"),
        ("currency", Decimal("NaN")),
        ("date", "28/11/2026"),
        ("date", dt.datetime(2026, 1, 1)),
        ("reference", "5"),
        ("multipicklist", 5),
    ],
)
def test_bad_values_raise_naming_the_value(vtiger_type: str, value: object) -> None:
    with pytest.raises(InvalidArgument, match="is not"):
        to_wire(vtiger_type, value)


def test_bad_wire_values_raise_naming_the_type() -> None:
    with pytest.raises(InvalidArgument, match="'2026-13-01' is not a valid date value"):
        to_python("date", "2026-13-01")
