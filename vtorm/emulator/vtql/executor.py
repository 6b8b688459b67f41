"""The query operation of the embedded server: VTQL text in, result rows out.

Follows the real pipeline (§6.1): the module is found with the server's regex before any
parsing, the statement is parsed, the select list and WHERE columns are checked against
the module's fields in the server's order, and the SQL runs on the SQLite store with
MySQL's semantics (see `sqlfuncs`). Statements the real server would send to MySQL in a
broken form (unknown ORDER BY column, `LIMIT -1`, a bare word as value, ...) answer
success with no rows, as Vtiger 8.0 does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from vtorm.emulator.columns import column_of
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.jsontext import EncodedRows
from vtorm.emulator.schema import FieldSchema, ModuleSchema, Schema
from vtorm.emulator.vtql.ast import Statement, WhereValue
from vtorm.emulator.vtql.literals import Broken, cap_limit, mysql_value
from vtorm.emulator.vtql.parser import denied_for_name, parse, syntax_error
from vtorm.emulator.vtql.rows import (
    JsonRowSql,
    RowShaper,
    php_json_rows,
    record_table,
    uses_entity_table,
)

__all__ = ["RowKeeper", "execute_query", "execute_query_encoded", "query_module"]

_MODULE: Final = re.compile(r"[fF][rR][oO][mM][ \t\n\x0b\f\r]+([^ \t\n\x0b\f\r;]+)")
_HIDDEN: Final = {"Users": frozenset({"user_password", "confirm_password", "accesskey"})}
# Columns the server's field map has although describe leaves them out: (name, after).
_UNDESCRIBED: Final = {
    "LineItem": (("description", "comment"),),
    "HelpDesk": (("update_log", "ticketcategories"),),  # as retrieve shows it too
}
_NUMERIC: Final = frozenset({"integer", "double", "currency"})
# Vtiger keeps most checkboxes in VARCHAR(3) columns (compared as text); `discontinued` is
# an INT(1), so `discontinued = 'true'` compares 0 = 0 and matches the unchecked rows.
_INTEGER_BOOLEANS: Final = frozenset({"discontinued"})
_DATES: Final = frozenset({"date", "datetime"})
# Single-column indexes of a stock Vtiger 8.0 schema. When a WHERE clause is nothing but
# equalities on one of them joined by OR (or one IN list), MySQL reads the rows through
# that index, so they come in index order (value, then crmid), not in crmid order.
_INDEXED: Final = frozenset(
    {
        ("Potentials", "sales_stage"),
        ("Potentials", "related_to"),
        ("Contacts", "account_id"),
        ("HelpDesk", "ticketstatus"),
        ("Accounts", "accounttype"),
    }
)


def _denied(suffix: str = "") -> WebserviceError:
    return WebserviceError(
        "ACCESS_DENIED", "Permission to perform the operation is denied" + suffix
    )


def query_module(schema: Schema, text: str) -> ModuleSchema:
    """The module a query is about, found as the server finds it (before parsing)."""
    found = _MODULE.search(text or "")
    if not text or found is None:
        raise _denied(" for query")
    name = found.group(1).strip()
    if name not in schema.modules:
        raise denied_for_name(name)
    return schema.modules[name]


def execute_query(
    conn: sqlite3.Connection,
    schema: Schema,
    text: str,
    owners: Callable[[str], frozenset[int] | None] | None = None,
) -> list[dict[str, str | None]]:
    """Run one VTQL query; raise WebserviceError (or FatalError) as the real server fails.

    `owners(module)` gives the owners whose records a non-admin user may read (None: all),
    the sharing join the real server adds before WHERE.
    """
    plan = _prepare(schema, text, owners)
    try:
        return plan.run(conn, schema)
    except Broken:
        return []


def execute_query_encoded(
    conn: sqlite3.Connection,
    schema: Schema,
    text: str,
    owners: Callable[[str], frozenset[int] | None] | None = None,
) -> list[dict[str, str | None]] | EncodedRows:
    """`execute_query` for the answer: rows come as JSON text SQLite wrote (`JsonRowSql`)
    where it can (a select of rows, SQLite with its JSON functions), else as rows."""
    plan = _prepare(schema, text, owners)
    derived = _derived(conn)
    try:
        if not plan.statement.is_count and _has_json(conn, derived):
            with contextlib.suppress(Broken):  # rows from Python say whether it really is
                return plan.run_encoded(conn, schema, derived)
        return plan.run(conn, schema)
    except Broken:
        return []


class RowKeeper:
    """Keeps each entity record's `SELECT *` row, as the query answers it, beside the record.

    The store calls `written` after every insert or update of a row and `moved` after a
    delete, so a page of a `SELECT *` reads one text per row (`row_json`) instead of SQLite
    building ~50 JSON values per row. A kept row is used only while `row_json_generation`
    has not moved since it was written: it moves when a record is deleted or restored, or a
    user, group or other non-record row changes (what references and owners resolve to), and
    on every start (a reopened database's rows were written by an older schema). A row with
    a reference that a later record could take is not kept. Without a kept row the query
    builds it.
    """

    def __init__(self, conn: sqlite3.Connection, schema: Schema) -> None:
        self.conn = conn
        self.schema = schema
        self._writes: dict[str, str | None] = {}  # per module, None: it holds no records
        execute = conn.execute
        execute(
            "CREATE TABLE IF NOT EXISTS row_json"
            " (crmid INTEGER PRIMARY KEY, gen INTEGER, json TEXT)"
        )
        execute("CREATE TABLE IF NOT EXISTS row_json_generation (gen INTEGER NOT NULL)")
        execute("CREATE TABLE IF NOT EXISTS row_json_keys (module TEXT PRIMARY KEY, keys TEXT)")
        execute("DELETE FROM row_json_generation")
        execute("INSERT INTO row_json_generation (gen) VALUES (?)", (secrets.randbits(62),))
        execute("DELETE FROM row_json_keys")
        kept = [m for m in schema.modules.values() if uses_entity_table(m)]
        conn.executemany(
            "INSERT INTO row_json_keys (module, keys) VALUES (?, ?)",
            [(m.name, "\x1f".join(_field_map(m))) for m in kept],
        )

    def written(self, module: str, crmid: int) -> None:
        """A row of `module` was inserted or updated."""
        if module not in self._writes:
            self._writes[module] = self._write_statement(module)
        write = self._writes[module]
        if write is None:
            self.moved()
        else:
            self.conn.execute(write, (crmid,))

    def moved(self) -> None:
        """What some reference or owner resolves to may have changed: kept rows are stale."""
        self.conn.execute("UPDATE row_json_generation SET gen = gen + 1")

    def _write_statement(self, name: str) -> str | None:
        """The statement keeping one record's row (None: `name` holds no records)."""
        module = self.schema.modules.get(name)
        if module is None or not uses_entity_table(module):
            return None
        table = record_table(name)
        existing = _table_columns(self.conn, _derived(self.conn), table)
        fields = _field_map(module)
        keys = tuple(fields)
        selected = _selected_sql(module, keys, fields, existing)
        rows = JsonRowSql(self.conn, self.schema, module)
        settled, row = rows.settled(keys, selected), rows.row(keys, selected)
        return (
            "INSERT OR REPLACE INTO row_json (crmid, gen, json) SELECT r.crmid, g.gen,"
            f" CASE WHEN {settled} THEN vt_php_json({row}) END"
            f" FROM {table} AS r, row_json_generation AS g WHERE r.crmid = ?"
        )


def _prepare(
    schema: Schema, text: str, owners: Callable[[str], frozenset[int] | None] | None
) -> _Plan:
    """The checked plan of `text`, kept per schema (schemas are immutable) for the last
    `_PLANS_KEPT` statements: a test suite or a pager sends the same few statements again."""
    plans: dict[str, _Plan] | None = schema.__dict__.get("_vtql_plans")
    if plans is None:
        plans = {}
        object.__setattr__(schema, "_vtql_plans", plans)
    plan = plans.get(text)
    if plan is None:
        query_module(schema, text)
        statement = parse(text, schema.modules)
        plan = _Plan.build(schema.modules[statement.module], statement)
        if len(plans) >= _PLANS_KEPT:
            plans.pop(next(iter(plans)), None)
        plans[text] = plan
    if owners is not None:
        plan = dataclasses.replace(plan, owners=owners(plan.module.name))
    return plan


_PLANS_KEPT = 512


def _field_map(module: ModuleSchema) -> dict[str, FieldSchema]:
    """The fields a query may name, in `select *` order (the server's field-column map).

    For entity modules, what describe lists after `id` (Products' taxes, inventory
    shipping and handling) is added by describe, not a column of the module: not queryable
    (`ModuleSchema.record_fields`). Built once per module (schemas are immutable); callers
    only read it.
    """
    cached: dict[str, FieldSchema] | None = module.__dict__.get("_field_map")
    if cached is None:
        cached = _build_field_map(module)
        object.__setattr__(module, "_field_map", cached)
    return cached


def _build_field_map(module: ModuleSchema) -> dict[str, FieldSchema]:
    hidden = _HIDDEN.get(module.name, frozenset())
    extras = dict((after, name) for name, after in _UNDESCRIBED.get(module.name, ()))
    fields: dict[str, FieldSchema] = {}
    for field in module.record_fields:
        if field.name not in hidden:
            fields[field.name] = field
        if field.name in extras:
            fields[extras[field.name]] = _text_field(extras[field.name])
    return fields


def _text_field(name: str) -> FieldSchema:
    return FieldSchema(name, name, "text", False, True, True, "", False)


def _kind(field: FieldSchema) -> str:
    if field.name == "id":
        return "id"
    if field.type in ("reference", "owner"):
        return "ref"
    if field.type in _NUMERIC or (field.type == "boolean" and field.name in _INTEGER_BOOLEANS):
        return "num"
    return "date" if field.type in _DATES else "str"


def _column(field: FieldSchema, row: str = "r") -> str:
    return (
        f"{row}.crmid" if field.name == "id" else f'{row}."' + field.name.replace('"', '""') + '"'
    )


def _selected_sql(
    module: ModuleSchema,
    keys: tuple[str, ...],
    fields: dict[str, FieldSchema],
    existing: frozenset[str],
    row: str = "r",
) -> list[str]:
    """The SQL of each key, in order: the id already as `<prefix>x<crmid>` and NULL as ""
    (as the server answers them), computed by SQLite rather than per value in Python."""
    prefix = "'" + module.id_prefix.replace("'", "''") + "x'"
    return [
        f"{prefix} || {row}.crmid"
        if key == "id"
        else f"COALESCE({_column(fields[key], row)}, '')"
        if key in existing
        else "''"
        for key in keys
    ]


@dataclass(frozen=True)
class _Condition:
    field: FieldSchema
    operator: str
    value: WhereValue

    def sql(self, params: list[object]) -> str:
        """This condition as SQL (values bound into `params`); Broken if MySQL would fail."""
        kind, column = _kind(self.field), _column(self.field)
        values = self.value if isinstance(self.value, list) else [self.value]
        if isinstance(self.value, list) and self.operator != "IN":
            raise Broken("row comparison")
        operator = "=" if self.operator == "IN" else self.operator
        tests = []
        for value in values:
            arg_kind, arg = mysql_value(value)
            params.extend((kind, operator, arg_kind, arg))
            tests.append(f"vt_match(?, ?, {column}, ?, ?)")
        return "(" + " OR ".join(tests) + ")"


def _reference_value(value: WhereValue, operator: str, checked: bool) -> WhereValue:
    """A reference/owner value as the server rewrites it (the crmid after the `x`)."""
    if isinstance(value, list):
        if checked and any(item is None or "x" not in item for item in value):
            raise WebserviceError("INVALID_ID_ATTRIBUTE", "Id specified is incorrect")
        return [_after_x(item) for item in value]
    if checked and (value is None or "x" not in value):
        raise WebserviceError("INVALID_ID_ATTRIBUTE", "Id specified is incorrect")
    part = _after_x(value)
    return f"'{part or ''}'" if operator == "LIKE" else part


def _after_x(value: str | None) -> str | None:
    parts = (value or "").strip("'\"").split("x")
    return parts[1] if len(parts) > 1 else None


@dataclass(frozen=True)
class _Plan:
    module: ModuleSchema
    statement: Statement
    keys: tuple[str, ...]
    conditions: tuple[_Condition, ...]
    owners: frozenset[int] | None = None

    @classmethod
    def build(cls, module: ModuleSchema, statement: Statement) -> _Plan:
        """Check the statement against the module in the server's order."""
        fields = _field_map(module)
        return cls(
            module, statement, _select_keys(fields, statement), _conditions(fields, statement)
        )

    def run(self, conn: sqlite3.Connection, schema: Schema) -> list[dict[str, str | None]]:
        """The result rows, built in Python (`RowShaper`)."""
        existing, source, params = self._from(conn, _derived(conn))
        if self.statement.is_count:
            offset, count = cap_limit(self.statement.limit)
            total = _fetch(conn, f"SELECT COUNT(*) {source}", params)[0][0]
            counted: list[dict[str, str | None]] = [{"count": str(total)}]
            return counted[offset : offset + count]
        columns = ", ".join(self._selected(_field_map(self.module), existing))
        fetched = _fetch(conn, *self._page(f"SELECT {columns} {source}", params))
        return RowShaper(conn, schema, self.module).shape_all(self.keys, fetched)

    def run_encoded(
        self, conn: sqlite3.Connection, schema: Schema, derived: dict[tuple[str, ...], object]
    ) -> EncodedRows:
        """The rows of a select as the JSON array the server answers, written by SQLite (or
        kept by it since the record was written: `RowKeeper`)."""
        kept = self._uses_kept_rows(conn, derived)
        existing, source, params = self._from(conn, derived, kept=kept)
        key = ("row", self.module.name, *self.keys, "|", *schema.modules)
        row = derived.get(key)
        if not isinstance(row, str):
            selected = self._selected(_field_map(self.module), existing)
            row = derived[key] = JsonRowSql(conn, schema, self.module).row(self.keys, selected)
        if kept:
            row = (
                "CASE WHEN s.gen = (SELECT gen FROM row_json_generation) AND s.json IS NOT NULL"
                f" THEN s.json ELSE {row} END"
            )
        cursor = conn.cursor()
        cursor.row_factory = None  # plain tuples: one text each
        fetched = _fetch(cursor, *self._page(f"SELECT {row} {source}", params))
        return EncodedRows(php_json_rows([text for (text,) in fetched]))

    def _uses_kept_rows(
        self, conn: sqlite3.Connection, derived: dict[tuple[str, ...], object]
    ) -> bool:
        """Whether the rows kept by `RowKeeper` answer this select: all of a record type's
        fields, as the store's own schema has them (a user who may not see some fields gets
        fewer keys)."""
        if not self.statement.is_star or not uses_entity_table(self.module):
            return False
        kept = derived.get(("kept",))
        if not isinstance(kept, dict):
            try:
                found = conn.execute("SELECT module, keys FROM row_json_keys").fetchall()
            except sqlite3.OperationalError:  # a store without them
                found = []
            kept = derived["kept",] = {str(m): tuple(str(k).split("\x1f")) for m, k in found}
        return bool(kept.get(self.module.name) == self.keys)

    def _from(
        self,
        conn: sqlite3.Connection,
        derived: dict[tuple[str, ...], object],
        *,
        kept: bool = False,
    ) -> tuple[frozenset[str], str, list[object]]:
        """What both renderings share: the table's columns, the FROM/WHERE clause (with the
        kept rows joined as `s`) and its parameters."""
        existing = _table_columns(conn, derived, self.table)
        params: list[object] = []
        join = " LEFT JOIN row_json AS s ON s.crmid = r.crmid" if kept else ""
        return existing, self._source(existing, params, join), params

    def _page(self, select: str, params: list[object]) -> tuple[str, list[object]]:
        offset, count = cap_limit(self.statement.limit)
        return f"{select} ORDER BY {self._order_by()} LIMIT ? OFFSET ?", [*params, count, offset]

    def _selected(self, fields: dict[str, FieldSchema], existing: frozenset[str]) -> list[str]:
        return _selected_sql(self.module, self.keys, fields, existing)

    @property
    def table(self) -> str:
        """The quoted name of the module's record table."""
        return record_table(self.module.name)

    def _source(self, existing: frozenset[str], params: list[object], join: str = "") -> str:
        table = self.table
        if not existing:
            raise Broken(f"no table {table}")
        filters = [f"({self._where(params)})"] if self.conditions else []
        sql = f"FROM {table} AS r"
        if uses_entity_table(self.module):
            sql += " JOIN entity AS e ON e.crmid = r.crmid"
            filters.append("e.deleted = 0")
        sql += join
        if self.module.name == "Leads" and "_converted" in existing:
            filters.append('COALESCE(vt_num(r."_converted"), 0) = 0')
        if self.module.name == "Users" and "status" in existing:
            filters.append("r.\"status\" COLLATE vtci = 'Active'")
        if self.owners is not None and "assigned_user_id" in existing:
            marks = ", ".join("?" for _ in self.owners)
            filters.append(f'r."assigned_user_id" IN ({marks})')
            params.extend(str(owner) for owner in sorted(self.owners))
        return sql + (" WHERE " + " AND ".join(filters) if filters else "")

    def _where(self, params: list[object]) -> str:
        parts = [self.conditions[0].sql(params)]
        for connector, condition in zip(
            self.statement.connectors, self.conditions[1:], strict=False
        ):
            parts.append("AND" if connector.lower() == "and" else "OR")
            parts.append(condition.sql(params))
        return " ".join(parts)

    def _order_by(self) -> str:
        names = self.statement.order_by
        fields = _field_map(self.module)
        terms = []
        for index, name in enumerate(names):
            field = fields.get(name)
            if field is None:
                raise Broken(f"ORDER BY {name}")
            term = _sort_term(field, self.module.name)
            if index == len(names) - 1 and self.statement.sort_order == "DESC":
                term += " DESC"
            terms.append(term)
        return ", ".join([*terms, *self._index_order(), "r.crmid"])

    def _index_order(self) -> list[str]:
        """The index MySQL would scan for an OR of equalities on one indexed column."""
        fields = {c.field.name for c in self.conditions}
        if len(fields) != 1 or (self.module.name, *fields) not in _INDEXED:
            return []
        equalities = all(c.operator in ("=", "IN") for c in self.conditions)
        if not equalities or any(c.lower() != "or" for c in self.statement.connectors):
            return []
        return [_sort_term(self.conditions[0].field)]


#: Per connection (the last few used): its schema version and what queries derived from
#: the database schema (table columns, row SQL, whether SQLite has its JSON functions).
_DERIVED: dict[int, tuple[sqlite3.Connection, int, dict[tuple[str, ...], object]]] = {}


def _derived(conn: sqlite3.Connection) -> dict[tuple[str, ...], object]:
    """What this connection's queries derived, kept until its schema changes (custom fields,
    Leads' conversion column): one cheap pragma per query instead of table_info."""
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    entry = _DERIVED.get(id(conn))
    if entry is None or entry[0] is not conn or entry[1] != version:
        if len(_DERIVED) >= 4:
            _DERIVED.pop(next(iter(_DERIVED)), None)
        entry = _DERIVED[id(conn)] = (conn, version, {})
    return entry[2]


def _table_columns(
    conn: sqlite3.Connection, derived: dict[tuple[str, ...], object], table: str
) -> frozenset[str]:
    """The columns of `table` (quoted)."""
    columns = derived.get(("columns", table))
    if not isinstance(columns, frozenset):
        rows = conn.execute(f"PRAGMA table_info({table})").fetchall()
        columns = derived["columns", table] = frozenset(row[1] for row in rows)
    return columns


def _has_json(conn: sqlite3.Connection, derived: dict[tuple[str, ...], object]) -> bool:
    """Whether this SQLite has `json_object` (built in since 3.38; optional before)."""
    known = derived.get(("json",))
    if not isinstance(known, bool):
        try:
            conn.execute("SELECT json_object('a', '')").fetchone()
            known = True
        except sqlite3.OperationalError:
            known = False
        derived["json",] = known
    return known


def _fetch(
    conn: sqlite3.Connection | sqlite3.Cursor, sql: str, params: list[object]
) -> list[sqlite3.Row]:
    """Rows of `sql`; an SQL error is a broken statement (no rows), as on the server."""
    try:
        return list(conn.execute(sql, params).fetchall())
    except sqlite3.OperationalError as exc:
        raise Broken(str(exc)) from exc


def _sort_term(field: FieldSchema, module: str = "") -> str:
    """How MySQL orders the column (a reference kept in a VARCHAR, as HelpDesk's parent_id, as
    text: "10" before "9")."""
    column, kind = _column(field), _kind(field)
    if kind == "ref" and module:
        stored_in = column_of(module, field)
        if stored_in is not None and stored_in.kind == "varchar":
            return f"{column} COLLATE vtci"
    if kind == "id":
        return column
    return {
        "str": f"{column} COLLATE vtci",
        "num": f"vt_num({column})",
        "date": f"vt_date({column})",
    }.get(kind, f"vt_ref({column})")


def _select_keys(fields: dict[str, FieldSchema], statement: Statement) -> tuple[str, ...]:
    if statement.is_star:
        return tuple(fields)
    if statement.is_count:
        return ()
    keys: dict[str, None] = {}
    for name in statement.columns:
        if name not in fields:
            raise WebserviceError(
                "ACCESS_DENIED", f"Permission to access '.{name}.' attribute denied."
            )
        keys[name] = None
    return tuple(keys)


def _conditions(fields: dict[str, FieldSchema], statement: Statement) -> tuple[_Condition, ...]:
    if not statement.has_where:
        return ()
    names, values = statement.where_columns, statement.where_values
    operators = statement.where_operators
    if len(names) != len(values) or len(operators) != len(statement.connectors) + 1:
        raise syntax_error("columns data inappropriate")
    conditions = []
    for name, operator, value in zip(names, operators, values, strict=False):
        field = fields.get(name)
        if field is None:
            raise WebserviceError("ACCESS_DENIED", f"Permission to access {name} attribute denied.")
        if field.type in ("reference", "owner") and field.name != "id":
            value = _reference_value(value, operator, checked=field.type == "reference")
        conditions.append(_Condition(field, operator, value))
    return tuple(conditions)
