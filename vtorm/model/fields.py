"""`VtigerField`: the per-field spec that generated models attach with `Annotated`.

The python attribute name may differ from the wire name (custom fields are `cf_853` on the
wire), so every conversion and every query goes through this spec, never through the
attribute name alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

__all__ = ["VtigerField"]


@dataclass(frozen=True, slots=True)
class VtigerField:
    """What `describe` says about one field, as the ORM needs it.

    >>> VtigerField("cf_853", "picklist", label="Customer Tier", picklist=("Gold",)).wire_name
    'cf_853'
    """

    wire_name: str
    vtiger_type: str
    label: str = ""
    mandatory: bool = False
    editable: bool = True
    refers_to: tuple[str, ...] = ()
    picklist: tuple[str, ...] = ()
    default: str | None = None
    #: The storage column as MySQL names it (`varchar(80)`, `decimal(25,8)`, `int(19)`, `text`),
    #: "" when unknown (custom fields of a live CRM): what the server keeps of a value.
    column: str = ""

    @property
    def max_length(self) -> int | None:
        """Characters a `varchar(N)`/`char(N)` column keeps (None: unknown or unbounded)."""
        found = _SIZED.fullmatch(self.column)
        if found is None or found["kind"] not in ("varchar", "char"):
            return None
        return int(found["size"])

    @property
    def decimal(self) -> tuple[int, int] | None:
        """`(precision, scale)` of a `decimal(p,s)` column, else None."""
        found = _SIZED.fullmatch(self.column)
        if found is None or found["kind"] != "decimal":
            return None
        return int(found["size"]), int(found["scale"] or 0)

    @property
    def int_range(self) -> tuple[int, int] | None:
        """The values a signed `int`/`bigint`/... column holds (the `(N)` is display width only)."""
        found = _SIZED.fullmatch(self.column) or _BARE.fullmatch(self.column)
        kind = found["kind"] if found is not None else ""
        bits = _INT_BITS.get(kind)
        if bits is None:
            return None
        return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    @property
    def is_reference(self) -> bool:
        """Whether values are record ids (reference and owner fields)."""
        return self.vtiger_type in ("reference", "owner")

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        """The label becomes the field's description, as in the CRM's own forms."""
        json_schema: dict[str, Any] = handler(schema)
        if self.label:
            json_schema.setdefault("description", self.label)
        if self.max_length is not None:
            json_schema.setdefault("maxLength", self.max_length)
        return json_schema


_SIZED = re.compile(r"(?P<kind>[a-z]+)\((?P<size>\d+)(?:,(?P<scale>\d+))?\)(?: unsigned)?")
_BARE = re.compile(r"(?P<kind>[a-z]+)")
_INT_BITS = {"tinyint": 8, "smallint": 16, "mediumint": 24, "int": 32, "bigint": 64}
