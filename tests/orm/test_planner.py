"""The page planner on its own: exact statements for windows, scans by id and by offset."""

from __future__ import annotations

from typing import Any

import pytest

from tests.orm.models import Contact
from vtorm import InvalidArgument, Q
from vtorm.query.compiler import CompiledQuery, QueryDescription, compile_query, where_formula
from vtorm.query.planner import Step, Window, explain, first_step, planned_steps

BY_ID = compile_query(QueryDescription("Contacts", Contact.vtiger_fields))
BY_NAME = compile_query(QueryDescription("Contacts", Contact.vtiger_fields, order_by=("lastname",)))


def rows(*crmids: int) -> list[dict[str, Any]]:
    return [{"id": f"12x{n}"} for n in crmids]


def first(compiled: CompiledQuery, window: Window, page_size: int = 100) -> Step:
    step = first_step(compiled, compiled.groups[0], window, page_size)
    assert step is not None
    return step


def test_slices_compose_into_one_window() -> None:
    assert Window().sliced(10, 50).sliced(5, 10) == Window(15, 20)
    assert Window(0, 30).sliced(5, None) == Window(5, 30)
    assert Window(0, 30).sliced(5, 100) == Window(5, 30)
    assert Window(10, 20).sliced(15, None) == Window(25, 25)  # past the end: empty, not negative
    with pytest.raises(InvalidArgument, match="negative"):
        Window().sliced(-1, None)


def test_a_count_is_clipped_to_the_window() -> None:
    assert Window().clip(42) == 42
    assert Window(40).clip(42) == 2
    assert Window(50).clip(42) == 0
    assert Window(10, 20).clip(42) == 10
    assert Window(10, 20).clip(15) == 5


def test_a_scan_by_id_continues_after_the_last_id_kept() -> None:
    step = first(BY_ID, Window(0, 250))
    assert step.statement == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
    second = step.next(rows(*range(1, 101)))
    assert second is not None
    assert second.statement == "SELECT * FROM Contacts WHERE id > '12x100' ORDER BY id LIMIT 100;"
    third = second.next(rows(*range(101, 201)))
    assert third is not None
    assert third.statement == "SELECT * FROM Contacts WHERE id > '12x200' ORDER BY id LIMIT 50;"
    assert third.next(rows(*range(201, 251))) is None  # the window is full


def test_a_short_page_goes_on_and_an_empty_page_ends_the_scan() -> None:
    step = first(BY_ID, Window())
    short = step.next(rows(3, 9))  # the server may hide rows: a short page is no end
    assert short is not None
    assert short.statement == "SELECT * FROM Contacts WHERE id > '12x9' ORDER BY id LIMIT 100;"
    assert short.next([]) is None


def test_an_ordered_scan_moves_by_whole_pages_even_after_a_short_one() -> None:
    step = first(BY_NAME, Window(5, 260))
    assert step.statement == "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 5, 100;"
    second = step.next(rows(*range(90)))  # 90 of 100: the hidden rows still hold offsets
    assert second is not None
    assert second.statement == "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 105, 100;"
    third = second.next(rows(*range(100)))
    assert third is not None  # 190 of 255 rows so far: 65 still wanted
    assert third.statement == "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 205, 65;"


def test_only_the_rows_a_page_asked_for_are_kept() -> None:
    step = first(BY_ID, Window(0, 2))
    assert step.kept(rows(1, 2, 3)) == rows(1, 2)
    assert step.next(rows(1, 2, 3)) is None


def test_an_empty_window_sends_nothing() -> None:
    assert first_step(BY_ID, BY_ID.groups[0], Window(7, 7)) is None
    assert explain(BY_ID, Window(7, 7)) == ""
    assert explain(BY_NAME, Window(7, 7)) == ""


def test_a_bounded_window_is_planned_page_by_page() -> None:
    statements = [s.statement for s in planned_steps(BY_NAME, BY_NAME.groups[0], Window(250, 400))]
    assert statements == [
        "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 250, 100;",
        "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 350, 50;",
    ]
    small = planned_steps(BY_ID, BY_ID.groups[0], Window(0, 7), page_size=3)
    assert [s.statement for s in small] == [
        "SELECT * FROM Contacts ORDER BY id LIMIT 3;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 3, 3;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 6, 1;",
    ]
    with pytest.raises(InvalidArgument, match="bounded"):
        planned_steps(BY_ID, BY_ID.groups[0], Window(10))


def test_explain_lists_what_each_kind_of_scan_sends() -> None:
    assert explain(BY_ID, Window(10, 250)) == "SELECT * FROM Contacts ORDER BY id LIMIT 10, 100;"
    assert explain(BY_NAME, Window(0, 150)) == (
        "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 100;\n"
        "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 100, 50;"
    )
    assert explain(BY_NAME, Window(3)) == (
        "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 3, 100;"
    )


def test_split_statements_explain_their_first_pages_whatever_the_window() -> None:
    ids = [f"12x{n}" for n in range(1, 1500)]
    where = where_formula(Contact.vtiger_fields, Q(id__in=ids))
    split = compile_query(QueryDescription("Contacts", Contact.vtiger_fields, where))
    lines = explain(split, Window(5, 10)).splitlines()
    assert len(lines) == len(split.groups) > 1
    assert all(line.endswith(" ORDER BY id LIMIT 100;") for line in lines)
    assert lines[0].startswith("SELECT * FROM Contacts WHERE id IN ('12x1', '12x2', ")


def test_a_false_condition_plans_no_statement() -> None:
    where = where_formula(Contact.vtiger_fields, Q(id__in=[]))
    nothing = compile_query(QueryDescription("Contacts", Contact.vtiger_fields, where))
    assert explain(nothing, Window()) == ""
