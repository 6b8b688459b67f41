"""The harness's own comparison: it must see real differences and forgive only the legitimate ones.

These tests need no captures: they feed `differences` hand-made answers.
"""

from __future__ import annotations

from typing import Any

from tests.conformance.normalise import IdMap, differences
from tests.conformance.steps import Expected

ROW = {"accountname": "Acme", "account_no": "ACC1", "createdtime": "2026-11-28 01:51:58",
       "account_id": "11x2", "id": "11x3"}  # fmt: skip


def _ok(result: Any) -> Expected:
    return Expected(200, {"success": True, "result": result})


def _diff(expected: Expected, body: Any, status: int = 200, text: str = "x") -> list[str]:
    return differences(expected, status, text, body)


def test_identical_answers_have_no_differences() -> None:
    assert _diff(_ok([ROW]), {"success": True, "result": [ROW]}) == []


def test_timestamps_record_numbers_and_secrets_are_forgiven() -> None:
    actual = {**ROW, "account_no": "ACC77", "createdtime": "2030-01-01 00:00:00"}
    assert _diff(_ok([ROW]), {"success": True, "result": [actual]}) == []
    login = {"sessionName": "<session>", "token": "<token>", "serverTime": 1, "userId": "19x1"}
    real = {"sessionName": "3f2a1b", "token": "65a1b2c3d4e5f", "serverTime": 2, "userId": "19x1"}
    assert _diff(_ok(login), {"success": True, "result": real}) == []


def test_but_not_their_shape() -> None:
    wrong = {**ROW, "account_no": "CON1", "createdtime": "28.11.2026"}
    problems = _diff(_ok([ROW]), {"success": True, "result": [wrong]})
    assert len(problems) == 2


def test_a_changed_value_a_missing_key_and_an_extra_key_are_reported() -> None:
    actual = {k: v for k, v in ROW.items() if k != "account_id"}
    actual.update(accountname="ACME", extra="1")
    problems = _diff(_ok([ROW]), {"success": True, "result": [actual]})
    assert [p.split(":")[0] for p in problems] == [
        "$.result[0].accountname", "$.result[0].account_id", "$.result[0].extra",
    ]  # fmt: skip


def test_row_order_and_row_count_matter() -> None:
    first, second = {**ROW, "id": "11x3"}, {**ROW, "id": "11x4"}
    assert _diff(_ok([first, second]), {"success": True, "result": [second, first]})
    assert differences(_ok([first]), 200, "x", {"success": True, "result": [first, second]}, 1)


def test_types_matter_strings_are_not_numbers() -> None:
    assert _diff(_ok({"more": False}), {"success": True, "result": {"more": 0}})
    assert _diff(_ok({"count": "1"}), {"success": True, "result": {"count": 1}})


def test_status_error_code_and_empty_bodies_are_compared() -> None:
    fatal = Expected(500, None, "")
    assert differences(fatal, 500, "", None) == []
    assert differences(fatal, 200, "", None)
    assert differences(fatal, 500, '{"success":false}', None)
    denied = Expected(200, {"success": False, "error": {"message": "m", "code": "ACCESS_DENIED"}})
    other = {"success": False, "error": {"message": "m", "code": "INVALID_ID_ATTRIBUTE"}}
    assert _diff(denied, other)
    assert differences(denied, 200, "<html>", None)


def test_the_id_map_translates_capture_ids_in_values_and_texts() -> None:
    ids = IdMap()
    ids.learn("11x2", "11x40")
    ids.learn("not an id", "11x1")
    assert ids.value({"id": "11x2", "rows": ["11x2", "11x3"], "11x2": 1, "n": "11x"}) == {
        "id": "11x40", "rows": ["11x40", "11x<unmapped>"], "11x40": 1, "n": "11x",
    }  # fmt: skip
    assert ids.text("WHERE id IN ('11x2','211x2') AND x = '11x22'") == (
        "WHERE id IN ('11x40','211x2') AND x = '11x22'"
    )


def test_an_id_never_learnt_matches_only_ids_of_its_prefix() -> None:
    expected = Expected(200, IdMap().value({"success": True, "result": {"owner": "19x1"}}))
    assert differences(expected, 200, "x", {"success": True, "result": {"owner": "19x7"}}) == []
    assert differences(expected, 200, "x", {"success": True, "result": {"owner": "20x1"}})
    assert differences(expected, 200, "x", {"success": True, "result": {"owner": ""}})
