"""PHP 8.0's `json_encode`, as the server writes every answer.

Query pages are most of what a test suite asks for (a page of Contacts is 6,000 values), so
rows that are known to hold only text travel as `TextRows` and are not walked for floats,
and a page SQLite already wrote as JSON travels as `EncodedRows`, spliced in as it is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii

__all__ = ["EncodedRows", "TextRows", "encode_json", "encode_success", "php_escaped"]


class TextRows(list[dict[str, "str | None"]]):
    """Result rows whose values are all text or None: nothing in them to rewrite."""


@dataclass(frozen=True)
class EncodedRows:
    """Result rows as the JSON array text PHP would write for them (`php_json_text`)."""

    text: str


def encode_success(result: object) -> bytes:
    """The envelope of a successful answer."""
    if isinstance(result, EncodedRows):
        return b'{"success":true,"result":' + result.text.encode("ascii") + b"}"
    return encode_json({"success": True, "result": result})


def encode_json(value: object) -> bytes:
    """PHP 8.0's native json_encode: compact, `\\uXXXX` for non-ASCII, `\\/` for slashes.

    A float without a fraction is written as an integer (`180`, not `180.0`): PHP adds
    the `.0` only under JSON_PRESERVE_ZERO_FRACTION, which Vtiger does not pass.
    """
    text = json.dumps(_zero_fractions(value), separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


def _zero_fractions(value: object) -> object:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, TextRows):
        return value
    if isinstance(value, dict):
        return {k: _zero_fractions(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_fractions(v) for v in value]
    return value


def php_escaped(text: str) -> str:
    """JSON text (SQLite's) with `\\uXXXX` for what is not ASCII, and for DEL, as PHP and
    `encode_json` write them (`/` is left to the caller).

    Python's `backslashreplace` writes `\\xXX`, `\\uXXXX` and `\\UXXXXXXXX` at C speed;
    the first becomes `\\u00XX` and the last a UTF-16 pair. That is unambiguous only when the
    row has no `\\x`/`\\U` of its own (a stored backslash before x or U), and then json's
    C escaper is used instead.
    """
    if text.isascii() and "\x7f" not in text:
        return text  # most rows
    if "\\x" in text or "\\U" in text:
        return _escaped_by_json(text)
    text = text.encode("ascii", "backslashreplace").decode("ascii").replace("\\x", "\\u00")
    if "\\U" in text:
        text = _ASTRAL.sub(_utf16_pair, text)
    return text.replace("\x7f", "\\u007f")


def _escaped_by_json(text: str) -> str:
    """json's C escaper also escapes the text's own quotes and backslashes, which are then
    unescaped: every backslash it writes starts an escape, so undoing `\\\\` first and then
    `\\"` restores exactly the text's own."""
    escaped = encode_basestring_ascii(text)[1:-1]
    return escaped.replace("\\\\", "\\").replace('\\"', '"')


_ASTRAL = re.compile(r"\\U([0-9a-f]{8})")


def _utf16_pair(found: re.Match[str]) -> str:
    code = int(found.group(1), 16) - 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
