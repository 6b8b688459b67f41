"""The `convertlead` operation (see `conversion.py`)."""

from __future__ import annotations

from vtorm.emulator.conversion import convert_lead
from vtorm.emulator.operations import Call, operation


@operation("convertlead", "POST", ("element",), encoded=("element",))
def convertlead(call: Call) -> object:
    return convert_lead(call.backend, call.params.get("element"), call.user())
