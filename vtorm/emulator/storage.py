"""The emulator's SQLite store: tables, the shared crmid sequence, record numbers, one lock.

Layout (see docs/architecture.md, which the VTQL executor follows too):

- `entity(crmid, setype, deleted, createdtime, modifiedtime, label)`: one row per entity
  record of any module; crmids come from its AUTOINCREMENT sequence, shared by all modules
  (the first record gets 2, as on a fresh Vtiger). Deletes only set `deleted = 1`.
- `"rec_<Module>"`: one per type in the schema, `crmid INTEGER PRIMARY KEY` plus one TEXT
  column per describe field except `id`, holding the strings retrieve returns (references and
  owners hold the bare crmid). Users, Groups, Currency and the other non-entity types use the
  same shape with their own ids.
- `numbering(module, prefix, next)`: the record-number sequences (`ACC1`, `CON1`, ...).

The store knows nothing of HTTP or of the webservice's rules; it only reads and writes rows.
Every access holds `lock` (one connection, shared by threads); `transaction()` makes a group
of writes atomic, so a request that fails part-way leaves nothing behind.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone, tzinfo
from typing import Protocol

from vtorm.emulator.schema import ModuleSchema, Schema
from vtorm.emulator.sqlfuncs import install as install_sql_functions
from vtorm.wire import DATETIME_FORMAT

__all__ = ["RECORD_NUMBER_PREFIXES", "Store", "quote_ident", "table_name"]

#: Record-number prefixes of a stock Vtiger 8.0 (`vtiger_modentity_num`), by module.
RECORD_NUMBER_PREFIXES: Mapping[str, tuple[str, str]] = {
    "Accounts": ("account_no", "ACC"),
    "Contacts": ("contact_no", "CON"),
    "Leads": ("lead_no", "LEA"),
    "Potentials": ("potential_no", "POT"),
    "Products": ("product_no", "PRO"),
    "HelpDesk": ("ticket_no", "TT"),
    "Campaigns": ("campaign_no", "CAM"),
    "Vendors": ("vendor_no", "VEN"),
    "Faq": ("faq_no", "FAQ"),
    "Quotes": ("quote_no", "QUO"),
    "PurchaseOrder": ("purchaseorder_no", "PO"),
    "SalesOrder": ("salesorder_no", "SO"),
    "Invoice": ("invoice_no", "INV"),
    "PriceBooks": ("pricebook_no", "PB"),
    "Documents": ("note_no", "DOC"),
    "Services": ("service_no", "SER"),
    "ServiceContracts": ("contract_no", "SERCON"),
    "Assets": ("asset_no", "ASSET"),
    "Project": ("project_no", "PROJ"),
    "ProjectTask": ("projecttask_no", "PT"),
    "ProjectMilestone": ("projectmilestone_no", "PM"),
}


def quote_ident(name: str) -> str:
    """An SQL identifier in double quotes (field names may hold `&` or start with a digit)."""
    return '"' + name.replace('"', '""') + '"'


def table_name(module: str) -> str:
    """The quoted name of a module's record table."""
    return quote_ident(f"rec_{module}")


@functools.lru_cache(maxsize=1024)
def _insert_statement(module: str, names: tuple[str, ...]) -> str:
    """The INSERT of a row with these columns (a create writes every column of its type, so
    the same few statements recur: quoting every column anew was half of `insert_row`)."""
    columns = ", ".join(["crmid", *(quote_ident(n) for n in names)])
    marks = ", ".join("?" * (len(names) + 1))
    return f"INSERT INTO {table_name(module)} ({columns}) VALUES ({marks})"


class RowKeeping(Protocol):
    """What the store tells whoever keeps rows derived from its records."""

    def written(self, module: str, crmid: int) -> None: ...

    def moved(self) -> None: ...


class Store:
    """All persistent state of one emulated server, in one SQLite connection."""

    def __init__(
        self,
        schema: Schema,
        path: str = ":memory:",
        clock: Callable[[], float] = time.time,
        zone: tzinfo = timezone.utc,
    ) -> None:
        self.schema = schema
        self.clock = clock
        #: The server's `$default_timezone`: datetimes are stored as its wall clock.
        self.zone = zone
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        install_sql_functions(self.conn)
        self._depth = 0
        #: Told of every row write, when the backend keeps query rows (`vtql` RowKeeper).
        self.keeper: RowKeeping | None = None
        with self.transaction():
            self._create_tables()

    # -- transactions -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Hold the lock and make everything inside atomic (nested uses join the outer one)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
            finally:
                self._depth = 0

    def now(self) -> str:
        """The server clock as the DB stores datetimes (`YYYY-MM-DD HH:MM:SS` in `zone`)."""
        return datetime.fromtimestamp(self.clock(), self.zone).strftime(DATETIME_FORMAT)

    def epoch_text(self, seconds: float) -> str:
        """Epoch seconds as PHP's `date('Y-m-d H:i:s')` writes them in the server's zone."""
        return datetime.fromtimestamp(seconds, self.zone).strftime(DATETIME_FORMAT)

    def epoch_of(self, text: str) -> int:
        """PHP's `strtotime()` of a stored datetime: its epoch seconds in the server's zone."""
        return int(datetime.strptime(text, DATETIME_FORMAT).replace(tzinfo=self.zone).timestamp())

    # -- schema -----------------------------------------------------------------------

    def _create_tables(self) -> None:
        execute = self.conn.execute
        execute(
            "CREATE TABLE IF NOT EXISTS entity (crmid INTEGER PRIMARY KEY AUTOINCREMENT,"
            " setype TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,"
            " createdtime TEXT, modifiedtime TEXT, label TEXT)"
        )
        execute("CREATE INDEX IF NOT EXISTS entity_modified ON entity (modifiedtime)")
        execute(
            "CREATE TABLE IF NOT EXISTS numbering"
            " (module TEXT PRIMARY KEY, prefix TEXT NOT NULL, next INTEGER NOT NULL)"
        )
        if execute("SELECT 1 FROM sqlite_sequence WHERE name = 'entity'").fetchone() is None:
            execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('entity', 1)")
        for module in self.schema.modules.values():
            self._create_module_table(module)

    def _create_module_table(self, module: ModuleSchema) -> None:
        columns = [f.name for f in module.fields if f.name != "id"]
        table = table_name(module.name)
        existing = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})").fetchall()}
        if not existing:
            body = ", ".join(
                ["crmid INTEGER PRIMARY KEY"] + [f"{quote_ident(c)} TEXT" for c in columns]
            )
            self.conn.execute(f"CREATE TABLE {table} ({body})")
            return
        for column in columns:
            if column not in existing:
                self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {quote_ident(column)} TEXT")

    # -- entity rows ------------------------------------------------------------------

    def new_entity(self, setype: str, label: str, now: str) -> int:
        """A fresh crmid from the shared sequence, registered as a live record of `setype`."""
        cursor = self.conn.execute(
            "INSERT INTO entity (setype, deleted, createdtime, modifiedtime, label)"
            " VALUES (?, 0, ?, ?, ?)",
            (setype, now, now, label),
        )
        crmid = cursor.lastrowid
        assert crmid is not None
        return crmid

    def entity(self, crmid: int) -> sqlite3.Row | None:
        """The `entity` row of `crmid`, deleted or not."""
        row: sqlite3.Row | None = self.conn.execute(
            "SELECT * FROM entity WHERE crmid = ?", (crmid,)
        ).fetchone()
        return row

    def live_setype(self, crmid: int) -> str | None:
        """The module of a live (not deleted) entity record, or None."""
        row = self.conn.execute(
            "SELECT setype FROM entity WHERE crmid = ? AND deleted = 0", (crmid,)
        ).fetchone()
        return None if row is None else str(row[0])

    def touch_entity(self, crmid: int, now: str, label: str | None = None) -> None:
        """Record a modification (and the new label, when given)."""
        if label is None:
            self.conn.execute("UPDATE entity SET modifiedtime = ? WHERE crmid = ?", (now, crmid))
        else:
            self.conn.execute(
                "UPDATE entity SET modifiedtime = ?, label = ? WHERE crmid = ?",
                (now, label, crmid),
            )

    def mark_deleted(self, crmid: int, now: str | None) -> None:
        """Soft delete: the row stays, so sync can report it (`now` None: keep modifiedtime)."""
        if now is None:
            self.conn.execute("UPDATE entity SET deleted = 1 WHERE crmid = ?", (crmid,))
        else:
            self.conn.execute(
                "UPDATE entity SET deleted = 1, modifiedtime = ? WHERE crmid = ?", (now, crmid)
            )
        if self.keeper is not None:
            self.keeper.moved()  # references to it now read ""

    # -- module rows ------------------------------------------------------------------

    def insert_row(self, module: str, crmid: int, values: Mapping[str, str]) -> None:
        """Insert one record's values (only columns the table has)."""
        names = tuple(n for n in values if n != "id" and n != "crmid")
        self.conn.execute(_insert_statement(module, names), [crmid, *(values[n] for n in names)])
        if self.keeper is not None:
            self.keeper.written(module, crmid)

    def update_row(self, module: str, crmid: int, values: Mapping[str, str]) -> None:
        """Overwrite the given columns of one record."""
        names = [n for n in values if n != "id" and n != "crmid"]
        if not names:
            return
        assignments = ", ".join(f"{quote_ident(n)} = ?" for n in names)
        self.conn.execute(
            f"UPDATE {table_name(module)} SET {assignments} WHERE crmid = ?",
            [values[n] for n in names] + [crmid],
        )
        if self.keeper is not None:
            self.keeper.written(module, crmid)

    def rows_deleted(self) -> None:
        """Rows were deleted outside `mark_deleted` (an order's line items)."""
        if self.keeper is not None:
            self.keeper.moved()

    def fetch_row(self, module: str, crmid: int) -> dict[str, str] | None:
        """One record's stored values by column name (NULL read as ""), or None."""
        row = self.conn.execute(
            f"SELECT * FROM {table_name(module)} WHERE crmid = ?", (crmid,)
        ).fetchone()
        if row is None:
            return None
        pairs = zip(row.keys(), row, strict=True)
        return {key: "" if value is None else str(value) for key, value in pairs}

    def find_live(self, module: str, column: str, value: str, *, exact: bool = False) -> list[int]:
        """Crmids of live `module` records whose `column` equals `value`.

        Compared under utf8_general_ci (case and accents ignored, trailing spaces padded,
        leading ones significant), as MySQL compares the column; `exact` compares bytes.
        """
        collation = "" if exact else " COLLATE vtci"
        rows = self.conn.execute(
            f"SELECT r.crmid FROM {table_name(module)} r JOIN entity e ON e.crmid = r.crmid"
            f" WHERE e.deleted = 0 AND r.{quote_ident(column)} = ?{collation}",
            (value,),
        ).fetchall()
        return [int(r[0]) for r in rows]

    def row_exists(self, module: str, crmid: int) -> bool:
        """Whether a non-entity type (Users, Groups, Currency, ...) has a row with this id."""
        query = f"SELECT 1 FROM {table_name(module)} WHERE crmid = ?"
        return self.conn.execute(query, (crmid,)).fetchone() is not None

    def next_record_number(self, module: str) -> tuple[str, str] | None:
        """(field, next number such as "ACC1") for a numbered module; advances the sequence."""
        spec = RECORD_NUMBER_PREFIXES.get(module)
        if spec is None or spec[0] not in self.schema[module].fields_by_name:
            return None
        field_name, prefix = spec
        row = self.conn.execute(
            "SELECT prefix, next FROM numbering WHERE module = ?", (module,)
        ).fetchone()
        if row is None:
            number = 1
            self.conn.execute(
                "INSERT INTO numbering (module, prefix, next) VALUES (?, ?, 2)", (module, prefix)
            )
        else:
            prefix, number = str(row[0]), int(row[1])
            self.conn.execute(
                "UPDATE numbering SET next = ? WHERE module = ?", (number + 1, module)
            )
        return field_name, f"{prefix}{number}"

    def close(self) -> None:
        """Close the connection (the store is unusable afterwards)."""
        with self.lock:
            self.conn.close()
