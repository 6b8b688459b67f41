"""`VtigerField`: the per-field spec that generated models attach with `Annotated`.

The python attribute name may differ from the wire name (custom fields are `cf_853` on the
wire), so every conversion and every query goes through this spec, never through the
attribute name alone.
"""

from __future__ import annotations

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
        return json_schema
