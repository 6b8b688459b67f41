"""The MySQL column behind each field, which decides what a saved value becomes.

Standard fields: `data/columns.json` (derived from a fresh Vtiger 8.0.0's `vtiger_field` joined
with `information_schema.columns`; see tests/emulator/test_column_data.py), read on first use.
Custom fields (`cf_NNN`) and fields the data does not list get the column Vtiger's layout
editor creates for their type (Settings_LayoutEditor_Module_Model::getTypeDetailsForAddField),
unless their describe entry names one itself under `column_type` (an emulator extension, since
describe does not tell lengths and decimals). Custom references get no column (vtlib lets
their creator choose), so they keep sorting by crmid.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from vtorm.emulator.schema import FieldSchema

__all__ = ["Column", "column_of", "parse_column"]

#: MySQL's INT is 4 bytes whatever its display width ("int(19)" included); BIGINT 8.
INT_RANGE = (-(2**31), 2**31 - 1)
BIGINT_RANGE = (-(2**63), 2**63 - 1)
#: Byte limits of the TEXT types (MySQL cuts longer values with an empty sql_mode).
TEXT_BYTES = {"tinytext": 255, "text": 65535, "mediumtext": 16777215, "longtext": 2**32 - 1}

#: Columns of custom fields by describe type. Text and picklist-like fields are VARCHAR(255)
#: (the longest Text the layout editor offers); decimals follow the reference server's custom
#: fields (a double stores 3 places, a currency 8).
CUSTOM_COLUMNS = {
    "string": "varchar(255)",
    "picklist": "varchar(255)",
    "url": "varchar(255)",
    "skype": "varchar(255)",
    "email": "varchar(50)",
    "phone": "varchar(30)",
    "boolean": "varchar(3)",
    "text": "text",
    "multipicklist": "text",
    "integer": "int(11)",
    "double": "decimal(25,3)",
    "currency": "decimal(25,8)",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
}
#: uitypes that go through CurrencyField::convertToDBFormat (a PHP float) before MySQL.
FLOAT_UITYPES = frozenset({71, 72})
#: uitype-1 number fields CRMEntity also sends through convertToDBFormat.
FLOAT_UITYPE1_FIELDS = frozenset({"qty_per_unit", "qtyinstock", "salescommission", "exciseduty"})

_TYPE = re.compile(r"([a-z]+)(?:\((\d+)(?:,(\d+))?\))?")


@dataclass(frozen=True)
class Column:
    """A column type: `kind` ("varchar", "decimal", "int", "text", "date", ...) and its sizes."""

    kind: str
    length: int = 0
    scale: int = 0
    uitype: int = 0
    datatype: str = ""

    @property
    def via_float(self) -> bool:
        """Whether Vtiger turns the value into a PHP float (rounded to 2 places) first."""
        return self.uitype in FLOAT_UITYPES or (self.uitype == 7 and self.datatype in ("N", "NN"))


def parse_column(text: str, uitype: int = 0, datatype: str = "") -> Column:
    """`varchar(80)`, `decimal(25,8)`, `int(19)`, `date`, ... as a `Column`."""
    match = _TYPE.fullmatch(text.strip().lower())
    if match is None:
        return Column("text", uitype=uitype, datatype=datatype)
    kind, length, scale = match.group(1), match.group(2), match.group(3)
    kind = {"numeric": "decimal", "integer": "int", "char": "varchar"}.get(kind, kind)
    return Column(kind, int(length or 0), int(scale or 0), uitype, datatype)


@cache
def _standard() -> dict[str, dict[str, list[Any]]]:
    path = resources.files("vtorm.emulator") / "data" / "columns.json"
    modules: dict[str, dict[str, list[Any]]] = json.loads(path.read_text("utf-8"))["modules"]
    return modules


@cache
def _standard_column(module: str, name: str) -> Column | None:
    entry = _standard().get(module, {}).get(name)
    if entry is None:
        return None
    column_type, uitype, datatype = entry
    uitype1 = uitype == 1 and datatype in ("N", "NN") and name in FLOAT_UITYPE1_FIELDS
    return parse_column(str(column_type), 7 if uitype1 else int(uitype), str(datatype))


def column_of(module: str, field: FieldSchema) -> Column | None:
    """The column `field` of `module` is stored in; None where the data does not say."""
    declared = field.raw.get("column_type")
    if isinstance(declared, str):
        return parse_column(declared)
    if not field.name.startswith("cf_"):
        return _standard_column(module, field.name)
    custom = CUSTOM_COLUMNS.get(field.type)
    return parse_column(custom, 71 if field.type == "currency" else 0) if custom else None
