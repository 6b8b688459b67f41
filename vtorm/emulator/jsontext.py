"""PHP 8.0's `json_encode`, as the server writes every answer.

Query pages are most of what a test suite asks for (a page of Contacts is 6,000 values), so
rows that are known to hold only text travel as `TextRows` and are not walked for floats,
and a page SQLite already wrote as JSON travels as `EncodedRows`, spliced in as it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

__all__ = ["EncodedRows", "TextRows", "encode_json", "encode_success"]


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
