"""How MySQL reads the value texts the real server pastes into its SQL, and PHP's LIMIT cap.

The server copies each WHERE value verbatim into the statement, so MySQL's own rules apply:
inside quotes `''` is a quote and backslash escapes are live (`\\\\` is one backslash, `\\%`
and `\\_` stay two characters for LIKE); a bare number is a number; a bare word is a column
reference, which breaks the statement. A broken statement is an SQL error, which Vtiger
8.0 swallows: the query answers success with no rows. `Broken` signals exactly that.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["Broken", "Literal", "cap_limit", "mysql_value"]

_ESCAPES: Final = {
    "0": "\x00",
    "b": "\b",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "Z": "\x1a",
    "%": "\\%",
    "_": "\\_",
}
_NUMBER: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_PHP_NUMERIC: Final = re.compile(
    r"[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*"
)
_KEYWORDS: Final = {"true": 1.0, "false": 0.0}

#: A value as MySQL sees it: ("s", text), ("n", number) or ("null", None).
Literal = tuple[str, str | float | None]


class Broken(Exception):
    """The SQL the real server would build here is invalid: the query yields no rows."""


def _decode_quoted(raw: str) -> str:
    """The string MySQL reads from a quoted literal that must span all of `raw`."""
    chars: list[str] = []
    index = 1
    while index < len(raw):
        char = raw[index]
        if char == "\\" and index + 1 < len(raw):
            follower = raw[index + 1]
            chars.append(_ESCAPES.get(follower, follower))
            index += 2
        elif char == "'" and raw[index + 1 : index + 2] == "'":
            chars.append("'")
            index += 2
        elif char == "'":
            if index != len(raw) - 1:
                raise Broken(raw)
            return "".join(chars)
        else:
            chars.append(char)
            index += 1
    raise Broken(raw)  # the closing quote was escaped: unterminated


def mysql_value(text: str | None) -> Literal:
    """The value MySQL evaluates for `text`, or Broken when the SQL would not run."""
    if text is None:
        raise Broken("missing value")
    stripped = text.strip()
    if stripped.startswith("'"):
        return ("s", _decode_quoted(stripped))
    if _NUMBER.fullmatch(stripped):
        return ("n", float(stripped))
    lowered = stripped.lower()
    if lowered in _KEYWORDS:
        return ("n", _KEYWORDS[lowered])
    if lowered == "null":
        return ("null", None)
    raise Broken(text)


def _php_greater_than_100(value: str) -> bool:
    """PHP 8's `$value > 100` for a string: numeric strings numerically, others as text."""
    if _PHP_NUMERIC.fullmatch(value):
        return float(value) > 100
    return value > "100"


def cap_limit(parts: list[str]) -> tuple[int, int]:
    """(offset, count) of `LIMIT n` / `LIMIT m, n` after the server's cap of n to 100."""
    if not parts:
        return 0, 100
    *offset, count = parts
    if _php_greater_than_100(count):
        count = "100"
    values = [*offset, count]
    if not all(re.fullmatch(r"\d+", v) for v in values):
        raise Broken("LIMIT " + ",".join(values))
    numbers = [int(v) for v in values]
    return (numbers[0], numbers[1]) if len(numbers) == 2 else (0, numbers[0])
