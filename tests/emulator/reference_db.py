"""A SQLite store seeded like the real server was when `queries.json` was captured.

Built in the documented layout (docs/architecture.md: `entity` plus one `"rec_<Module>"`
table per type) straight from the captures: the `retrieve` payloads of
`records/*.json`, the 125 bulk leads as `SELECT * FROM Leads;` shows them, the admin user,
groups and currency as their queries show them. References and owners are stored as the
bare crmid, as the emulator stores them.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from vtorm.emulator import sqlfuncs
from vtorm.emulator.schema import ModuleSchema, Schema

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "vtiger-reference"
SKIP_REASON = f"reference captures not found at {REFERENCE} (../shared is absent)"
BULK_LEADS = 125
FIRST_BULK_CRMID = 18


def load(name: str) -> Any:
    """A capture file, parsed."""
    return json.loads((REFERENCE / name).read_text("utf-8"))


def create_tables(conn: sqlite3.Connection, schema: Schema) -> None:
    """`entity` and one TEXT-column table per module, as the emulator's store lays them out."""
    conn.execute(
        "CREATE TABLE entity (crmid INTEGER PRIMARY KEY AUTOINCREMENT, setype TEXT NOT NULL,"
        " deleted INTEGER NOT NULL DEFAULT 0, createdtime TEXT, modifiedtime TEXT, label TEXT)"
    )
    for module in schema.modules.values():
        columns = "".join(f', "{f.name}" TEXT' for f in module.fields if f.name != "id")
        extra = ', "_converted" TEXT' if module.name == "Leads" else ""
        conn.execute(
            f'CREATE TABLE "rec_{module.name}" (crmid INTEGER PRIMARY KEY{columns}{extra})'
        )


def stored(module: ModuleSchema, record: dict[str, Any]) -> dict[str, Any]:
    """A retrieve payload as the store keeps it: references/owners as bare crmids."""
    row: dict[str, Any] = {}
    for field in module.fields:
        if field.name == "id" or field.name not in record:
            continue
        value = record[field.name]
        if field.type in ("reference", "owner") and isinstance(value, str) and "x" in value:
            value = value.split("x", 1)[1]
        row[field.name] = value
    return row


def insert(
    conn: sqlite3.Connection, module: ModuleSchema, record: dict[str, Any], *, entity: bool = True
) -> int:
    """Store one record under the crmid of its `id`."""
    crmid = int(str(record["id"]).split("x", 1)[1])
    row = stored(module, record)
    if entity:
        conn.execute(
            "INSERT INTO entity (crmid, setype, deleted, createdtime, modifiedtime, label)"
            " VALUES (?, ?, 0, ?, ?, ?)",
            (crmid, module.name, row.get("createdtime"), row.get("modifiedtime"), ""),
        )
    names = ", ".join(f'"{n}"' for n in row)
    marks = ", ".join("?" for _ in row)
    conn.execute(
        f'INSERT INTO "rec_{module.name}" (crmid, {names}) VALUES (?, {marks})',
        (crmid, *row.values()),
    )
    return crmid


def _bulk_leads(queries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The 125 bulk leads: as `SELECT * FROM Leads;` returned them, the rest by their pattern."""
    shown = {
        row["id"]: row
        for q in queries
        if q["query"] == "SELECT * FROM Leads;"
        for row in q["response"]["result"]
    }
    template = shown[f"10x{FIRST_BULK_CRMID}"]
    leads = []
    for number in range(1, BULK_LEADS + 1):
        lead_id = f"10x{FIRST_BULK_CRMID + number - 1}"
        if lead_id in shown:
            leads.append(shown[lead_id])
            continue
        lead = {k: v.replace("001", f"{number:03d}") for k, v in template.items()}
        lead.update(id=lead_id, lead_no=f"LEA{number + 3}")
        leads.append(lead)
    return leads


def _query_rows(queries: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return next(q["response"]["result"] for q in queries if q["query"] == text)


def build(schema: Schema | None = None) -> tuple[sqlite3.Connection, Schema]:
    """A fresh in-memory store holding the records the queries ran against."""
    schema = schema or Schema.standard()
    conn = sqlite3.connect(":memory:")
    sqlfuncs.install(conn)
    create_tables(conn, schema)
    queries = load("queries.json")
    user = _query_rows(
        queries, "SELECT user_name, first_name, last_name, email1, is_admin, status FROM Users;"
    )[0]
    insert(conn, schema["Users"], user, entity=False)
    for name in ("Groups", "Currency"):
        for row in _query_rows(queries, f"SELECT * FROM {name};"):
            insert(conn, schema[name], row, entity=False)
    records: list[tuple[str, dict[str, Any]]] = []
    for file in sorted((REFERENCE / "records").glob("*.json")):
        for item in json.loads(file.read_text("utf-8")):
            records.append((file.stem, item["retrieve"]["result"]))
    records += [("Leads", lead) for lead in _bulk_leads(queries)]
    for name, record in sorted(records, key=lambda r: int(r[1]["id"].split("x")[1])):
        insert(conn, schema[name], record)
    return conn, schema
