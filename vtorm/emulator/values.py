"""Input values to stored strings, exactly as a real Vtiger 8.0 stores them.

Everything the server keeps is a string shaped by its MySQL column: booleans `"0"`/`"1"`
(`"1"` only for `1`, `"1"`, `true`, `"on"`), decimals padded to the column's scale
(`"149.99000000"`, `"60.000"`), currency rounded to 2 decimals first, dates `YYYY-MM-DD`,
multipicklists joined by `" |##| "`. Text loses characters outside the Basic Multilingual
Plane (one `?` per UTF-8 byte: the tables are utf8mb3) and gets `<`, `>`, `"` encoded when it
looks like a script tag. Everything else is kept byte for byte, picklist values unchecked.

References and owners are not handled here: they need the store (see `records.py`).
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from vtorm.emulator.schema import FieldSchema
from vtorm.wire import MULTIPICKLIST_SEPARATOR

__all__ = [
    "DEFAULT_SCALE",
    "FIELD_SCALES",
    "NUMERIC_TYPES",
    "clean_text",
    "decimal_text",
    "empty_value",
    "label_text",
    "php_string",
    "store_value",
]

NUMERIC_TYPES = frozenset({"integer", "double", "currency"})

#: Scale of the MySQL DECIMAL column behind a double/currency field, where it is not 8.
FIELD_SCALES: Mapping[str, int] = {
    "probability": 3,
    "commissionrate": 3,
    "qty_per_unit": 2,
    "qtyinstock": 3,
    "quantity": 3,
    "discount_percent": 3,
    "hdnDiscountPercent": 3,
    "tax1": 3,
    "tax2": 3,
    "tax3": 3,
    "conversion_rate": 3,
    "percentage": 3,
    "taxpercentage": 3,
    "total_units": 2,
    "used_units": 2,
    "progress": 2,
    "numsent": 3,
    "salescommission": 3,
    "exciseduty": 3,
}
DEFAULT_SCALE = 8
#: Custom decimal/percent fields (`cf_NNN`) are created as DECIMAL(…, 3).
CUSTOM_DOUBLE_SCALE = 3

_SCRIPT = re.compile(r"(script).*(/script)", re.IGNORECASE | re.DOTALL)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_DATE_FORMS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def php_string(value: Any) -> str:
    """A JSON value as PHP's string conversion gives it (`true` -> "1", `false`/null -> "")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return _php_float(value)
    if isinstance(value, (list, dict)):
        return "Array"
    return str(value)


def _php_float(value: float) -> str:
    if math.isfinite(value) and value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def clean_text(text: str) -> str:
    """What survives a save: astral characters become `?` per UTF-8 byte, scripts get encoded."""
    text = _ASTRAL.sub(lambda m: "?" * len(m.group().encode("utf-8")), text)
    if _SCRIPT.search(text):
        text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text


def decimal_text(value: Any, scale: int, *, round_to: int | None = None) -> str:
    """A number as MySQL shows a DECIMAL(…, scale) column; unparsable input counts as 0."""
    number = _to_decimal(value)
    if round_to is not None:
        number = number.quantize(Decimal(1).scaleb(-round_to), rounding=ROUND_HALF_UP)
    fixed = number.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
    return format(fixed.copy_abs() if fixed.is_zero() else fixed, "f")


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    match = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", php_string(value))
    if match is None:
        return Decimal(0)
    try:
        return Decimal(match.group().strip())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return Decimal(0)


def _integer_text(value: Any) -> str:
    return str(int(_to_decimal(value)))


def _boolean_text(value: Any) -> str:
    if value == "on" or value is True:
        return "1"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "1" if value == 1 else "0"
    if isinstance(value, str):
        try:
            return "1" if float(value.strip()) == 1 else "0"
        except ValueError:
            return "0"
    return "0"


def _date_text(value: Any) -> str:
    text = php_string(value).strip()
    if not text:
        return ""
    head = text.split(" ")[0].split("T")[0]
    for form in _DATE_FORMS:
        try:
            return datetime.strptime(head, form).date().isoformat()
        except ValueError:
            continue
    return ""


def _datetime_text(value: Any) -> str:
    text = php_string(value).strip()
    if not text:
        return ""
    try:
        return datetime.fromisoformat(text.replace("T", " ")).strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        day = _date_text(text)
        return f"{day} 00:00:00" if day else ""


def _time_text(value: Any) -> str:
    text = php_string(value).strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?", text)
    if match is None:
        return text
    hours, minutes, seconds = match.group(1), match.group(2), match.group(3) or "00"
    return f"{int(hours):02d}:{minutes}:{seconds}"


def _multipicklist_text(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return MULTIPICKLIST_SEPARATOR.join(clean_text(php_string(v)) for v in value)
    return clean_text(php_string(value))


def field_scale(field: FieldSchema) -> int:
    """Decimal places the field's column keeps."""
    if field.name.startswith("cf_") and field.type == "double":
        return CUSTOM_DOUBLE_SCALE
    return FIELD_SCALES.get(field.name, DEFAULT_SCALE)


def store_value(field: FieldSchema, value: Any) -> str:
    """The string the server stores for `value` sent for `field` (not references or owners)."""
    kind = field.type
    if kind == "boolean":
        return _boolean_text(value)
    if kind == "integer":
        return _integer_text(value)
    if kind == "currency":
        return decimal_text(value, field_scale(field), round_to=2)
    if kind == "double":
        return decimal_text(value, field_scale(field))
    if kind == "date":
        return _date_text(value)
    if kind == "datetime":
        return _datetime_text(value)
    if kind == "time":
        return _time_text(value)
    if kind == "multipicklist":
        return _multipicklist_text(value)
    if isinstance(value, (list, dict)):
        return clean_text(json.dumps(value))
    return clean_text(php_string(value))


def empty_value(field: FieldSchema) -> str:
    """What a field holds when a new record does not set it (numeric columns default to 0)."""
    if field.type == "boolean":
        return "0"
    if field.type == "integer":
        return "0"
    if field.type in ("double", "currency"):
        return decimal_text(0, field_scale(field))
    return ""


def label_text(values: Mapping[str, str], label_fields: Sequence[str]) -> str:
    """The record label (`vtiger_crmentity.label`): label fields joined by a space, HTML-encoded."""
    parts = [values.get(name, "") for name in label_fields]
    return html.escape(" ".join(p for p in parts if p).strip(), quote=True).replace(
        "&#x27;", "&#039;"
    )
