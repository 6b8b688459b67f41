"""Input values to stored strings, exactly as a real Vtiger 8.0 on MySQL stores them.

Everything the server keeps is a string shaped by its MySQL column (`columns.py`), which with
an empty `sql_mode` never refuses a value: text longer than `varchar(N)` is cut to N
characters (TEXT columns to their byte size), `decimal(p,s)` rounds half away from zero to s
places and clamps to p digits, `int` rounds and clamps to its 4-byte range, and what is not a
number counts as 0. Booleans become `"0"`/`"1"` (`"1"` only for `1`, `"1"`, `true`, `"on"`),
currency goes through a PHP float first (rounded to 2 places, then printed with PHP's 14
significant digits: `12345678901234.5` -> `12345678901234`), dates `YYYY-MM-DD`,
multipicklists joined by `" |##| "`, a JSON float in a text field as MariaDB prints the
number PHP pasted into the SQL (`1e20`, `0.3` for 0.30000000000000004). Text loses
characters outside the Basic Multilingual Plane (one `?` per UTF-8 byte: the tables are
utf8mb3) and gets `<`, `>`, `"` encoded when one line of it looks like a script tag (PHP's
`preg_match` without `s`: `.` stops at a newline). Everything else is kept byte for byte,
picklist values unchecked.

References and owners are not handled here: they need the store (see `records.py`).
"""

from __future__ import annotations

import html
import html.entities
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Any

from vtorm.emulator.columns import BIGINT_RANGE, INT_RANGE, TEXT_BYTES, Column
from vtorm.emulator.schema import FieldSchema
from vtorm.wire import MULTIPICKLIST_SEPARATOR

__all__ = [
    "DEFAULT_SCALE",
    "FIELD_SCALES",
    "NUMERIC_TYPES",
    "clean_text",
    "cut_text",
    "decimal_text",
    "empty_value",
    "label_text",
    "mb3_text",
    "php_decode",
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

#: The server's test, `preg_match('/(script).*(\/script)/i')`: `.` does not cross a newline.
_SCRIPT = re.compile(r"(script).*(/script)", re.IGNORECASE)
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
    """PHP's `(string)` of a float: 14 significant digits (`precision`), `1.0E+25`, `INF`."""
    if not math.isfinite(value):
        return "NAN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    text = f"{value:.14G}"
    if "E" not in text:
        return text
    mantissa, exponent = text.split("E")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{exponent[0]}{int(exponent[1:])}"


def sql_number_text(value: float) -> str:
    """A JSON float as a text column stores it: PHP pastes its 14-digit string into the SQL
    unquoted, and MariaDB prints a double literal (`1.0E+20`) its own way (`1e20`,
    `0.00000015`: fixed from 1e-15 up to 1e15, else `<digits>e<exponent>`)."""
    text = _php_float(value)
    if "E" not in text:
        return text
    number = Decimal(repr(float(text)))
    exponent = number.adjusted()
    if -15 <= exponent < 15:
        fixed = format(number, "f")
        return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed
    digits = number.scaleb(-exponent).normalize()
    return f"{format(digits, 'f')}e{exponent}"


def mb3_text(text: str) -> str:
    """`text` as a utf8mb3 column keeps it: each astral character becomes `?` per UTF-8 byte."""
    return _ASTRAL.sub(lambda m: "?" * len(m.group().encode("utf-8")), text)


#: What PHP's `html_entity_decode($s, ENT_QUOTES, 'UTF-8')` (ENT_HTML401) decodes: named
#: HTML 4.01 entities and numeric ones, each only with its `;`.
_ENTITY = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));")


def php_decode(text: str) -> str:
    """PHP's `html_entity_decode(..., ENT_QUOTES)` (Vtiger's `decode_html`): `&lt;` -> `<`,
    `&#039;` -> `'`; unknown names, `&apos;` and entities without `;` stay as they are."""
    return _ENTITY.sub(_decode_entity, text)


def _decode_entity(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        codepoint = html.entities.name2codepoint.get(name)
    else:
        codepoint = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if codepoint is None or not 0 < codepoint <= 0x10FFFF or 0xD800 <= codepoint <= 0xDFFF:
        return match.group()
    return chr(codepoint)


def clean_text(text: str) -> str:
    """What survives a save: astral characters become `?` per UTF-8 byte, scripts get encoded."""
    text = mb3_text(text)
    if _SCRIPT.search(text):
        text = text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return text


def cut_text(text: str, column: Column | None) -> str:
    """`text` as a VARCHAR(N) (N characters) or TEXT column (its bytes) keeps it."""
    if column is None:
        return text
    if column.kind in ("varchar", "char") and column.length:
        return text[: column.length]
    limit = TEXT_BYTES.get(column.kind)
    if limit is not None and len(text) * 3 > limit:
        return text.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return text


_WIDE = Context(prec=400, Emax=10**6, Emin=-(10**6))
#: DECIMAL's largest precision, the clamp for columns the data does not describe.
_MAX_DIGITS = 65


def decimal_text(
    value: Any, scale: int, *, round_to: int | None = None, precision: int = _MAX_DIGITS
) -> str:
    """A number as MySQL shows a DECIMAL(precision, scale) column; non-numbers count as 0.

    `round_to` first rounds the way Vtiger's PHP float step does (2 places, then 14
    significant digits); values beyond `precision` digits clamp to the largest one.
    """
    number = _to_decimal(value)
    if round_to is not None:  # PHP: (float) the text, round() it, print it for the query
        number = _to_decimal(_php_float(float(_round(_to_decimal(float(number)), round_to))))
    largest = _WIDE.subtract(Decimal(10) ** (precision - scale), Decimal(1).scaleb(-scale))
    number = max(min(number, largest), -largest)
    fixed = _round(number, scale)
    return format(fixed.copy_abs() if fixed.is_zero() else fixed, "f")


def _round(number: Decimal, places: int) -> Decimal:
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)


def _to_decimal(value: Any) -> Decimal:
    """The number MySQL reads from `value` (its numeric prefix; INF, NAN and junk are 0)."""
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):  # PHP prints a float with 14 digits before MySQL reads it
        return Decimal(_php_float(value)) if math.isfinite(value) else Decimal(0)
    match = re.match(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", php_string(value))
    if match is None:
        return Decimal(0)
    try:
        number = Decimal(match.group().strip())
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return Decimal(0)
    return number if abs(number.adjusted()) < 10**5 else _far(number)


def _far(number: Decimal) -> Decimal:
    """An exponent MySQL cannot hold: tiny numbers are 0, huge ones beyond any clamp."""
    if number.adjusted() < 0:
        return Decimal(0)
    return Decimal(10) ** 100 * (1 if number > 0 else -1)


def _integer_text(value: Any, column: Column | None) -> str:
    """An INT (or DECIMAL(p,0)) column's value: rounded half away from zero, clamped."""
    number = _round(_to_decimal(value), 0)
    if column is not None and column.kind == "decimal":
        return decimal_text(number, 0, precision=column.length)
    low, high = BIGINT_RANGE if column is not None and column.kind == "bigint" else INT_RANGE
    return str(int(max(min(number, Decimal(high)), Decimal(low))))


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


def field_scale(field: FieldSchema, column: Column | None = None) -> int:
    """Decimal places the field's column keeps."""
    if column is not None and column.kind == "decimal":
        return column.scale
    if field.name.startswith("cf_") and field.type == "double":
        return CUSTOM_DOUBLE_SCALE
    return FIELD_SCALES.get(field.name, DEFAULT_SCALE)


def _number_text(field: FieldSchema, value: Any, column: Column | None) -> str:
    scale = field_scale(field, column)
    if column is not None and column.kind == "decimal" and column.scale == 0:
        return _integer_text(value, column)
    via_float = field.type == "currency" or (column is not None and column.via_float)
    digits = column.length if column is not None and column.kind == "decimal" else _MAX_DIGITS
    return decimal_text(value, scale, round_to=2 if via_float else None, precision=digits)


def store_value(field: FieldSchema, value: Any, column: Column | None = None) -> str:
    """The string the server stores for `value` sent for `field` (not references or owners)."""
    kind = field.type
    if kind == "boolean":
        return _boolean_text(value)
    if kind == "integer":
        return _integer_text(value, column)
    if kind in ("currency", "double"):
        return _number_text(field, value, column)
    if kind == "date":
        return _date_text(value)
    if kind == "datetime":
        return _datetime_text(value)
    if kind == "time":
        return _time_text(value)
    if kind == "multipicklist":
        return cut_text(_multipicklist_text(value), column)
    if isinstance(value, (list, dict)):
        return cut_text(clean_text(json.dumps(value)), column)
    if isinstance(value, float):
        return cut_text(sql_number_text(value), column)
    return cut_text(clean_text(php_string(value)), column)


def empty_value(field: FieldSchema, column: Column | None = None) -> str:
    """What a field holds when a new record does not set it (numeric columns default to 0)."""
    if field.type == "boolean":
        return "0"
    if field.type == "integer":
        return "0"
    if field.type in ("double", "currency"):
        return _number_text(field, 0, column)
    return ""


#: `vtiger_crmentity.label` is a varchar(255).
LABEL_LENGTH = 255


def label_text(values: Mapping[str, str], label_fields: Sequence[str]) -> str:
    """The record label as retrieve shows it: label fields joined by a space, cut to the
    label column, then PHP `htmlentities` (`é` -> `&eacute;`)."""
    parts = [values.get(name, "") for name in label_fields]
    label = " ".join(p for p in parts if p).strip()[:LABEL_LENGTH]
    return "".join(_entity(c) for c in label)


def _entity(char: str) -> str:
    if char == "'":
        return "&#039;"
    if char in '&<>"' or ord(char) > 127:
        name = html.entities.codepoint2name.get(ord(char))
        return f"&{name};" if name else char
    return char
