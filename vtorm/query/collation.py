"""The server's text comparison rules (MySQL `utf8_general_ci`), for what vtorm evaluates itself.

Written from the documented rules (`docs/vtiger-webservice.md` §0, §6.5), not from the
embedded server, so the two implementations check each other:

- each character compares by one weight: its base letter (accents dropped), upper-cased,
  so `é` = `E` = `e`, `ü` = `U`; `ß` equals `s` (one character, unlike `utf8_unicode_ci`);
  characters without a base letter (`Ø`, `Æ`, `Đ`) keep their own weight, and so does
  everything outside Latin, Greek, Cyrillic, Armenian and a few symbol blocks (Hangul,
  CJK, ...), as in MySQL's table;
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
from typing import Any, Final

__all__ = ["compare_text", "fold", "like", "sort_key", "text_equal", "text_key"]


#: The code point pages (`U+00xx`, ...) where the collation has weights of its own; every
#: other character weighs its own code point (Hangul syllables, CJK, ...).
_FOLDED_PAGES: Final = frozenset({0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x1E, 0x1F, 0x21, 0x24, 0xFF})
#: Characters of those pages the rule below would fold, but MySQL's (older) table keeps as
#: themselves (`й` stays apart from `и`) or maps elsewhere (Greek oxia to the tonos capital).
_OWN_WEIGHT_POINTS: Final = (
    "0180 019A 019E 023C 023F 0240 0242 0247 0249 024B 024D 024F 0250 0251 0252 025C 0261 "
    "0265 0266 026A 026B 026C 0271 027D 0282 0287 0289 028C 029D 029E 0340 0341 0343 0344 "
    "0371 0373 0374 0377 037B 037C 037D 037E 0385 0387 03D7 03D9 03F3 03F5 03F8 03FB 0419 "
    "048B 04C6 04CA 04CE 04CF 04F7 04FB 04FD 04FF 1EFB 1EFD 1EFF 1FBB 1FC1 1FC9 1FCB 1FCD "
    "1FCE 1FCF 1FD3 1FDB 1FDD 1FDE 1FDF 1FE3 1FEB 1FED 1FEE 1FEF 1FF9 1FFB 1FFD 2126 212A "
    "212B 214E 2184 219A 219B 21AE 21CD 21CE 21CF"
)
_OWN_WEIGHT: Final = frozenset(int(point, 16) for point in _OWN_WEIGHT_POINTS.split()) | frozenset(
    range(0x0501, 0x0530, 2)
)
_MAPPED: Final = {
    0x03F2: "\u03a3", 0x0439: "\u0419", 0x1F71: "\u1fbb", 0x1F73: "\u1fc9", 0x1F75: "\u1fcb",
    0x1F77: "\u1fdb", 0x1F79: "\u1ff9", 0x1F7B: "\u1feb", 0x1F7D: "\u1ffb",
}  # fmt: skip


class _Weights(dict[int, str]):
    """Code point -> the character whose code point is its weight; filled on first use.

    The rule (base letter, upper-cased) plus the two tables above give MariaDB 10.11's
    `utf8mb3_general_ci` weight of every BMP character (checked with `WEIGHT_STRING`).
    """

    def __missing__(self, point: int) -> str:
        char = chr(point)
        if point >> 8 not in _FOLDED_PAGES or point in _OWN_WEIGHT:
            weight = char
        elif point in _MAPPED:
            weight = _MAPPED[point]
        elif char == "ß":
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
