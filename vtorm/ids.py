"""Record ids: `"<prefix>x<crmid>"`, e.g. `"12x5"` for the Contact with crmid 5.

`RecordId` is a `str`, so it goes on the wire unchanged and compares equal to the plain
string the server sent. Construction validates the shape: an id without its prefix
silently matches nothing in a real server's query, so it is refused here instead.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from vtorm.errors import InvalidRecordId

__all__ = ["RecordId"]

_ID = re.compile(r"([0-9]+)x([0-9]+)")


class RecordId(str):
    """A validated webservice record id.

    >>> rid = RecordId("12x5")
    >>> rid.prefix, rid.crmid
    ('12', 5)
    >>> RecordId.of("12", 5) == "12x5"
    True
    """

    __slots__ = ()

    def __new__(cls, value: str) -> RecordId:
        if isinstance(value, RecordId):
            return value
        if not isinstance(value, str) or _ID.fullmatch(value) is None:
            raise InvalidRecordId(
                f"{value!r} is not a record id: expected '<prefix>x<number>', e.g. '12x5'"
            )
        return super().__new__(cls, value)

    @classmethod
    def of(cls, prefix: str | int, crmid: int) -> RecordId:
        """The id of record `crmid` in the module whose id prefix is `prefix`."""
        return cls(f"{prefix}x{crmid}")

    @classmethod
    def is_valid(cls, value: object) -> bool:
        """Whether `value` is a string shaped like a record id."""
        return isinstance(value, str) and _ID.fullmatch(value) is not None

    @property
    def prefix(self) -> str:
        """The module's id prefix (`describe`'s `idPrefix`)."""
        return self.partition("x")[0]

    @property
    def crmid(self) -> int:
        """The record's number, shared by one sequence across all modules."""
        return int(self.partition("x")[2])

    def __repr__(self) -> str:
        return f"RecordId({str.__repr__(self)})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            cls,
            core_schema.str_schema(),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )
