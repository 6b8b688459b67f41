"""`vtiger_from_wire_page` builds exactly the instances `vtiger_from_wire` builds row by row."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generated.contact import Contact
from generated.quote import Quote
from tests.properties import examples
from vtorm.errors import InvalidArgument
from vtorm.model.base import Model

WIRE_KEYS = ("id", "lastname", "birthday", "donotcall", "assigned_user_id", "createdtime",
             "phone", "label", "tags")  # fmt: skip
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "id": st.integers(1, 10**6).map(lambda n: f"12x{n}"),
    "lastname": st.text(max_size=8),
    "birthday": st.sampled_from(["", "1970-01-02", "2026-11-28"]),
    "donotcall": st.sampled_from(["", "0", "1"]),
    "assigned_user_id": st.sampled_from(["", "19x1", "20x2"]),
    "createdtime": st.sampled_from(["", "2026-11-28 04:06:15"]),
    "phone": st.one_of(st.none(), st.text(max_size=4), st.just(["a"])),
    "label": st.text(max_size=4),
    "tags": st.one_of(st.just(""), st.just([])),
}


def _state(record: Model) -> tuple[Any, ...]:
    private = record.__pydantic_private__ or {}
    return (
        list(record.__dict__.items()),
        record.__pydantic_fields_set__,
        private["_vt_loaded"],
        private["_vt_backend"],
    )


def _row(draw: st.DrawFn, keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: draw(VALUES[key]) for key in keys}


@st.composite
def pages(draw: st.DrawFn) -> list[dict[str, Any]]:
    keys = tuple(draw(st.permutations(WIRE_KEYS)))[: draw(st.integers(1, len(WIRE_KEYS)))]
    rows = [_row(draw, keys) for _ in range(draw(st.integers(0, 6)))]
    if rows and draw(st.booleans()):
        rows.append(_row(draw, keys[::-1]))  # a row with other keys: the page goes row by row
    return rows


@settings(max_examples=examples(150), deadline=None)
@given(pages())
def test_page_equals_rows(rows: list[dict[str, Any]]) -> None:
    expected = [_state(Contact.vtiger_from_wire(row, None)) for row in rows]
    assert [_state(r) for r in Contact.vtiger_from_wire_page(rows, None)] == expected


def test_bad_value_names_the_field_as_row_by_row_does() -> None:
    rows = [{"id": "12x1", "birthday": "1970-01-02"}, {"id": "12x2", "birthday": "soon"}]
    with pytest.raises(InvalidArgument, match="soon"):
        Contact.vtiger_from_wire_page(rows)


def test_subclass_loaders_are_used() -> None:
    # InventoryModel reads rows its own way (exact totals, line items).
    rows = [{"id": "4x1", "subject": "Q", "hdnGrandTotal": "10.50000000"}]
    (quote,) = Quote.vtiger_from_wire_page(rows)
    assert _state(quote)[0] == _state(Quote.vtiger_from_wire(rows[0]))[0]


def test_loaded_records_behave_as_validated_ones() -> None:
    # The page loader leaves the fields-set to be made on first use: pydantic must see it.
    import copy
    import pickle

    rows = [{"id": "12x1", "lastname": "Lovelace", "birthday": "1815-12-10", "phone": ""}]
    (record,) = Contact.vtiger_from_wire_page(rows)
    assert record.model_fields_set == set(Contact.model_fields)
    assert record.model_dump(exclude_unset=True) == record.model_dump()
    again = pickle.loads(pickle.dumps(record))
    assert again == record and again.model_fields_set == record.model_fields_set
    twin = copy.deepcopy(record)
    assert twin == record and twin.model_fields_set is not record.model_fields_set
    record.lastname = "Byron"
    assert record.model_fields_set == set(Contact.model_fields)
    assert twin.lastname == "Lovelace"
    with pytest.raises(ValueError):
        record.birthday = "not a date"  # type: ignore[assignment]  # validate_assignment
    assert record.vtiger_changed() == ["lastname"]
    assert record.vtiger_wire(["birthday", "phone"]) == {"birthday": "1815-12-10", "phone": ""}
