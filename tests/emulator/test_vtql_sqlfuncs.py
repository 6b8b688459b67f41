"""The MySQL utf8_general_ci imitation, checked against plain Python models."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples
from vtorm.emulator import sqlfuncs
from vtorm.emulator.sqlfuncs import collate, like, match, to_datetime, to_number

# ASCII without control characters: the model "upper-case, then pad with spaces" is exact.
PLAIN = st.text(alphabet="abcAB C09%_-", max_size=8)
PATTERNS = st.text(alphabet="abAB %_\\", max_size=6)


def _model_compare(a: str, b: str) -> int:
    width = max(len(a), len(b))
    x, y = a.upper().ljust(width), b.upper().ljust(width)
    return (x > y) - (x < y)


def _model_like(value: str, pattern: str) -> bool:
    """A recursive LIKE matcher: `%` any run, `_` one character, `\\` escapes."""
    value, pattern = value.upper(), pattern.upper()
    if not pattern:
        return not value
    head = pattern[0]
    if head == "%":
        return any(_model_like(value[i:], pattern[1:]) for i in range(len(value) + 1))
    if head == "\\" and len(pattern) > 1:
        head, pattern = pattern[1], pattern[1:]
        return bool(value) and value[0] == head and _model_like(value[1:], pattern[1:])
    if head == "_":
        return bool(value) and _model_like(value[1:], pattern[1:])
    return bool(value) and value[0] == head and _model_like(value[1:], pattern[1:])


@settings(max_examples=examples(200), deadline=None)
@given(PLAIN, PLAIN)
def test_collation_matches_model(a: str, b: str) -> None:
    assert collate(a, b) == _model_compare(a, b)
    assert collate(a, b) == -collate(b, a)


@settings(max_examples=examples(200), deadline=None)
@given(PLAIN, PATTERNS)
def test_like_matches_model(value: str, pattern: str) -> None:
    assert like(value, pattern) == _model_like(value, pattern)


@settings(max_examples=examples(100), deadline=None)
@given(st.text(alphabet="abAB 09", max_size=8))
def test_trailing_spaces_count_for_like_only(value: str) -> None:
    assert collate(value + "  ", value) == 0
    assert like(value + " ", value) is False
    assert collate(" " + value, value) != 0 or value.strip(" ") == ""


def test_accents_and_sharp_s_fold() -> None:
    assert collate("Café Müller GmbH", "cafe muller gmbh") == 0
    assert collate("Straße", "STRASE") == 0
    assert like("Ærø façade", "%FACADE")


def test_numbers_cast_like_mysql() -> None:
    assert to_number("007 Bond Supplies") == 7
    assert to_number("Acme") == 0
    assert to_number(" -1.5e2x") == -150
    assert match("str", "=", "007 Bond", "n", 7.0)
    assert match("num", ">", "250", "s", "80")
    assert match("num", "=", "0", "s", "true")


def test_dates_compare_as_datetimes() -> None:
    assert to_datetime("2026-11-28") == "2026-11-28 00:00:00"
    assert to_datetime("not a date") is None
    assert match("date", ">=", "2026-11-28 01:51:58", "s", "2026-11-28")
    assert match("date", "<", "", "s", "2030-01-01") is None


def test_nulls_never_match_and_empty_references_are_zero() -> None:
    assert match("str", "!=", None, "s", "x") is None
    assert match("ref", "!=", "", "n", 5.0)
    assert match("ref", "=", None, "n", 0.0)


def test_install_registers_collation_and_functions() -> None:
    conn = sqlite3.connect(":memory:")
    sqlfuncs.install(conn)
    rows = conn.execute(
        "SELECT x FROM (SELECT 'b' AS x UNION ALL SELECT 'A' UNION ALL SELECT 'á ')"
        " ORDER BY x COLLATE vtci, x"
    ).fetchall()
    assert [r[0] for r in rows] == ["A", "á ", "b"]
    assert conn.execute("SELECT vt_like('50%', '50\\%'), vt_like(NULL, 'a')").fetchone() == (
        1,
        None,
    )
    assert conn.execute("SELECT vt_num(''), vt_ref(''), vt_date('')").fetchone() == (
        None,
        0.0,
        None,
    )
