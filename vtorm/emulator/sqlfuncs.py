"""SQL functions that give SQLite the MySQL semantics the VTQL executor needs.

Vtiger's tables use MySQL's `utf8_general_ci` collation, so every comparison the real
server makes is case- and accent-insensitive (`ß` = `s`), and `=`, `<`, `>` pad the shorter
operand with spaces (trailing spaces do not count, leading ones do). LIKE compares
character by character with the same folding but without the padding, and knows `\\`
escapes. Numeric and date columns convert strings the MySQL way. `install(conn)` registers:

- collation `vtci` (ORDER BY and comparisons of text columns),
- `vt_like(value, pattern)`, `vt_match(kind, op, value, arg_kind, arg)` (one condition),
- `vt_num(value)`, `vt_ref(value)`, `vt_date(value)` (sort keys of typed columns).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from functools import lru_cache
from typing import Final

from vtorm.emulator.jsontext import php_escaped

__all__ = [
    "collate",
    "fold",
    "install",
    "like",
    "match",
    "to_datetime",
    "to_number",
]

_NUMBER_PREFIX: Final = re.compile(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_DATE: Final = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}))?$")
_SPECIAL_WEIGHTS: Final = {"ß": "S", "ẞ": "S"}


@lru_cache(maxsize=4096)
def _weight(char: str) -> str:
    """The character `utf8_general_ci` compares `char` as: its upper-case base letter."""
    special = _SPECIAL_WEIGHTS.get(char)
    if special is not None:
        return special
    base = unicodedata.normalize("NFD", char)[0]
    upper = base.upper()
    return upper if len(upper) == 1 else base


def fold(text: str) -> str:
    """`text` with every character replaced by its collation weight."""
    return "".join(_weight(c) for c in text)


def collate(left: str, right: str) -> int:
    """-1, 0 or 1 as MySQL orders two strings (PAD SPACE: the shorter is padded with spaces)."""
    a, b = fold(left), fold(right)
    width = max(len(a), len(b))
    a, b = a.ljust(width), b.ljust(width)
    return (a > b) - (a < b)


@lru_cache(maxsize=1024)
def _like_regex(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            index += 1
            parts.append(re.escape(_weight(pattern[index])))
        elif char == "%":
            parts.append(".*")
        elif char == "_":
            parts.append(".")
        else:
            parts.append(re.escape(_weight(char)))
        index += 1
    return re.compile("".join(parts), re.DOTALL)


def like(value: str, pattern: str) -> bool:
    """MySQL `value LIKE pattern` (escape `\\`) under `utf8_general_ci`."""
    return _like_regex(pattern).fullmatch(fold(value)) is not None


def to_number(value: object) -> float:
    """MySQL's string-to-number cast: the longest numeric prefix, else 0."""
    if isinstance(value, (int, float)):
        return float(value)
    found = _NUMBER_PREFIX.match(str(value))
    return float(found.group(1)) if found else 0.0


def to_datetime(value: str) -> str | None:
    """`YYYY-MM-DD[ HH:MM:SS]` as a full datetime string, or None when it is not a date."""
    found = _DATE.match(value.strip())
    if not found:
        return None
    return f"{found.group(1)} {found.group(2) or '00:00:00'}"


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else repr(number)


def _ordered(sign: int, op: str) -> bool:
    return {
        "=": sign == 0,
        "!=": sign != 0,
        "<": sign < 0,
        ">": sign > 0,
        "<=": sign <= 0,
        ">=": sign >= 0,
    }[op]


def _sign(a: float, b: float) -> int:
    return (a > b) - (a < b)


def _column_value(kind: str, value: object) -> object:
    """The column's MySQL value: references hold 0 when empty, typed columns NULL."""
    if kind in ("ref", "id"):
        return 0 if value in (None, "") else value
    if kind in ("num", "date") and value == "":
        return None
    return value


def match(kind: str, op: str, value: object, arg_kind: str, arg: object) -> bool | None:
    """One VTQL condition with MySQL semantics; None (no match) for NULL operands.

    `kind` is the column's kind ("str", "num", "date", "ref", "id"), `arg_kind` the
    literal's ("s" string, "n" number, "null").
    """
    value = _column_value(kind, value)
    if value is None or arg_kind == "null" or arg is None:
        return None
    if op == "LIKE":
        pattern = str(arg) if arg_kind == "s" else _number_text(float(str(arg)))
        return like(_text(value), pattern)
    if kind == "str" and arg_kind == "s":
        return _ordered(collate(str(value), str(arg)), op)
    if kind == "date" and arg_kind == "s":
        return _date_match(op, str(value), str(arg))
    return _ordered(_sign(to_number(value), to_number(arg)), op)


def _text(value: object) -> str:
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _date_match(op: str, value: str, arg: str) -> bool:
    stored, wanted = to_datetime(value), to_datetime(arg)
    if stored is None or wanted is None:
        return _ordered(collate(value, arg), op)
    return _ordered((stored > wanted) - (stored < wanted), op)


def _sql_match(kind: str, op: str, value: object, arg_kind: str, arg: object) -> int | None:
    result = match(kind, op, value, arg_kind, arg)
    return None if result is None else int(result)


def _sql_like(value: object, pattern: object) -> int | None:
    if value is None or pattern is None:
        return None
    return int(like(str(value), str(pattern)))


def _sort_number(value: object) -> float | None:
    return None if value in (None, "") else to_number(value)


def _sort_reference(value: object) -> float:
    return 0.0 if value in (None, "") else to_number(value)


def _sort_date(value: str | None) -> str | None:
    return None if value == "" else value


def install(conn: sqlite3.Connection) -> None:
    """Register the collation and functions on `conn` (call once per connection)."""
    conn.create_collation("vtci", collate)
    conn.create_function("vt_like", 2, _sql_like, deterministic=True)
    conn.create_function("vt_match", 5, _sql_match, deterministic=True)
    conn.create_function("vt_num", 1, _sort_number, deterministic=True)
    conn.create_function("vt_ref", 1, _sort_reference, deterministic=True)
    conn.create_function("vt_date", 1, _sort_date, deterministic=True)
    conn.create_function("vt_php_json", 1, _php_json, deterministic=True)


def _php_json(text: str | None) -> str | None:
    """SQLite's JSON text with PHP's `\\uXXXX` escapes (the rows `row_json` keeps)."""
    return None if text is None else php_escaped(text)
