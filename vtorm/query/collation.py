"""The server's text comparison rules (MySQL `utf8_general_ci`), for what vtorm evaluates itself.

Written from the documented rules (`docs/vtiger-webservice.md` §0, §6.5), not from the
embedded server, so the two implementations check each other:

- each character compares by one weight: its base letter (accents dropped), upper-cased,
  so `é` = `E` = `e`, `ü` = `U`; `ß` equals `s` (one character, unlike `utf8_unicode_ci`);
  characters without a base letter (`Ø`, `Æ`, `Đ`) keep their own weight;
- `=`, `<`, `>` and ORDER BY pad the shorter string with spaces (PAD SPACE): trailing spaces
  are ignored, and a character below the space (a tab) sorts before the end of a string;
- LIKE compares character by character with the same weights and no padding: `%` is any
  run, `_` one character, `\\` escapes the next one.

>>> text_equal("Café Müller  ", "CAFE MULLER"), text_equal("Straße", "strase")
(True, True)
>>> compare_text("a\\t", "a"), like("Müller ", "%ller"), like("Müller ", "%ller%")
(-1, False, True)
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

__all__ = ["compare_text", "fold", "like", "sort_key", "text_equal", "text_key"]


class _Weights(dict[int, str]):
    """Code point -> the character whose code point is its weight; filled on first use."""

    def __missing__(self, point: int) -> str:
        char = chr(point)
        if char == "ß":
            weight = "S"
        else:
            base = unicodedata.normalize("NFD", char)[0]
            upper = base.upper()
            weight = upper if len(upper) == 1 else base
        self[point] = weight
        return weight


_WEIGHTS = _Weights()


def fold(text: str) -> str:
    """`text` with each character replaced by its weight (same length, no padding rule)."""
    return text.translate(_WEIGHTS)


def text_key(text: str) -> str:
    """A key equal for exactly the strings `=` finds equal (for grouping and DISTINCT)."""
    return fold(text).rstrip(" ")


def text_equal(left: str, right: str) -> bool:
    """`left = right` on the server."""
    return text_key(left) == text_key(right)


def compare_text(left: str, right: str) -> int:
    """-1, 0 or 1 as the server orders `left` and `right` (PAD SPACE)."""
    a, b = text_key(left), text_key(right)
    width = max(len(a), len(b))
    a, b = a.ljust(width), b.ljust(width)
    return (a > b) - (a < b)


sort_key: Callable[[str], Any] = functools.cmp_to_key(compare_text)
"""A `sorted()` key ordering strings as ORDER BY does."""


@functools.lru_cache(maxsize=512)
def _like_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    chars = iter(fold(pattern))
    for char in chars:
        if char == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append(re.escape(char))
    return re.compile("".join(out), re.DOTALL)


def like(text: str, pattern: str) -> bool:
    """`text LIKE pattern` on the server (the pattern as MySQL reads it, escapes included)."""
    return _like_regex(pattern).fullmatch(fold(text)) is not None
