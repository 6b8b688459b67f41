"""vtorm/emulator/data/columns.json is derived from the reference capture's columns.json.

The emulator may not read `../shared` at run time (it ships as a package), so the part it needs
is copied into its data folder: for every standard field its MySQL column type, uitype and the
first letter group of its typeofdata. Regenerate with `python tests/emulator/test_column_data.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared" / "vtiger-reference" / "columns.json"
SHIPPED = ROOT / "vtorm" / "emulator" / "data" / "columns.json"


def derive(source: dict[str, Any]) -> dict[str, Any]:
    """{module: {field: [column_type, uitype, datatype]}} from the reference file."""
    modules: dict[str, Any] = {}
    for module, fields in sorted(source["modules"].items()):
        modules[module] = {
            name: [info["column_type"], int(info["uitype"]), info["typeofdata"].split("~")[0]]
            for name, info in sorted(fields.items())
        }
    about = "Derived from vtiger-reference/columns.json; see tests/emulator/test_column_data.py."
    return {"_about": about, "modules": modules}


def render(data: dict[str, Any]) -> str:
    """One module per line: small, diffable, quick to load."""
    lines = [f'{{"_about": {json.dumps(data["_about"])}, "modules": {{']
    items = list(data["modules"].items())
    for index, (module, fields) in enumerate(items):
        comma = "," if index < len(items) - 1 else ""
        lines.append(f"{json.dumps(module)}: {json.dumps(fields, ensure_ascii=False)}{comma}")
    lines.append("}}")
    return "\n".join(lines) + "\n"


@pytest.mark.skipif(not SOURCE.exists(), reason="the reference captures are not checked out")
def test_the_shipped_column_data_matches_the_reference() -> None:
    expected = render(derive(json.loads(SOURCE.read_text("utf-8"))))
    assert SHIPPED.read_text("utf-8") == expected


def test_the_shipped_data_names_the_columns_of_the_issue() -> None:
    modules = json.loads(SHIPPED.read_text("utf-8"))["modules"]
    assert modules["Contacts"]["lastname"][0] == "varchar(80)"
    assert modules["Contacts"]["department"][0] == "varchar(30)"
    assert modules["Accounts"]["bill_city"][0] == "varchar(30)"
    assert modules["Vendors"]["vendorname"][0] == "varchar(100)"
    assert modules["Campaigns"]["numsent"][0] == "decimal(11,0)"


if __name__ == "__main__":
    SHIPPED.write_text(render(derive(json.loads(SOURCE.read_text("utf-8")))), "utf-8")
