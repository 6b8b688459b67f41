"""Turning stored rows into query result rows, as Vtiger 8.0's query post-processing does.

Only the selected fields plus `id` leave the server. Reference fields stored as a bare
crmid become `<prefix>x<crmid>` of the first `refersTo` module that has that live record
(or "" when none has), owners become a group (`20x`) or user (`19x`) id, and empty columns
come back as "" (8.0 answers "" where the code would suggest null).

Two renderings of the same rules: `RowShaper` builds the rows in Python (the reference, used
where rows are needed as values), `JsonRowSql` has SQLite write each row's JSON text (what
the query operation answers: a page of Contacts is 6,500 values, and building and encoding
them one by one in Python was most of a query's time). A test holds them byte-identical.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from vtorm.emulator.jsontext import TextRows, php_escaped
from vtorm.emulator.schema import FieldSchema, ModuleSchema, Schema

__all__ = ["JsonRowSql", "RowShaper", "php_json_rows", "record_table", "uses_entity_table"]


def uses_entity_table(module: ModuleSchema) -> bool:
    """Whether the module's records live in `entity` (Users and non-entity types do not)."""
    return module.is_entity and module.name != "Users"


class RowShaper:
    """Shapes the rows of one query; caches the reference look-ups it makes."""

    def __init__(self, conn: sqlite3.Connection, schema: Schema, module: ModuleSchema) -> None:
        self.conn = conn
        self.schema = schema
        self.module = module
        self._owners: dict[str, str] = {}
        self._references: dict[tuple[tuple[str, ...], str], str] = {}

    def shape_all(self, keys: Sequence[str], fetched: Iterable[Sequence[object]]) -> TextRows:
        """One result row per fetched row (the values of `keys`, in order, the id already
        `<prefix>x<crmid>` and NULL already ""). The per-field work is planned once per
        query: text columns are taken as they come, reference and owner columns resolved
        once per distinct stored value."""
        special: list[tuple[str, FieldSchema, dict[object, str]]] = [
            (key, field, {})
            for key in keys
            if (field := self.module.field(key)) is not None
            and field.type in ("reference", "owner")
        ]
        rows = TextRows()
        join = "".join
        for values in fetched:
            try:
                join(values)  # type: ignore[arg-type]  # a TypeError: a value is not text
            except TypeError:
                values = ["" if v is None else v if type(v) is str else str(v) for v in values]
            row: dict[str, str | None] = dict(zip(keys, values, strict=True))  # type: ignore[arg-type]
            for key, field, resolved in special:
                value = row[key]
                if value:
                    text = resolved.get(value)
                    if text is None:
                        text = resolved[value] = self._value(field, value)
                    row[key] = text
            rows.append(row)
        return rows

    def _value(self, field: FieldSchema | None, value: object) -> str:
        if value is None:
            return ""
        text = str(value)
        if field is None:
            return text
        if field.type == "reference":
            return self.reference(field.refers_to, text)
        if field.type == "owner":
            return self.owner(text)
        return text

    def reference(self, refers_to: tuple[str, ...], text: str) -> str:
        """`<prefix>x<crmid>` of the first module in `refers_to` holding the live record."""
        if not _digits(text):
            return text  # e.g. Users' roleid ("H2") is not converted
        if int(text) == 0:
            return ""
        key = (refers_to, text)
        if key not in self._references:
            self._references[key] = self._resolve(refers_to, int(text))
        return self._references[key]

    def owner(self, text: str) -> str:
        """A group id as `20x<id>`, a user id as `19x<id>`, anything else unchanged."""
        if not _digits(text):
            return text
        if text not in self._owners:
            resolved = self._resolve(("Groups", "Users"), int(text))
            self._owners[text] = resolved or text
        return self._owners[text]

    def _resolve(self, refers_to: Sequence[str], crmid: int) -> str:
        for name in refers_to:
            target = self.schema.modules.get(name)
            if target is not None and self._exists(target, crmid):
                return f"{target.id_prefix}x{crmid}"
        return ""

    def _exists(self, target: ModuleSchema, crmid: int) -> bool:
        if uses_entity_table(target):
            sql = "SELECT 1 FROM entity WHERE crmid = ? AND setype = ? AND deleted = 0"
            return self.conn.execute(sql, (crmid, target.name)).fetchone() is not None
        if not _table_known(self.conn, target.name):
            return False
        table = record_table(target.name)
        return (
            self.conn.execute(f"SELECT 1 FROM {table} WHERE crmid = ?", (crmid,)).fetchone()
            is not None
        )


class JsonRowSql:
    """The SQL expression that renders one result row as its JSON object text.

    Reference and owner columns are resolved by correlated look-ups in the same statement,
    with `RowShaper.reference` / `RowShaper.owner`'s rules: a stored value that is not all
    digits is answered unchanged, a reference `0` (or one no module holds) becomes "", an
    owner no group or user holds stays as stored.
    """

    def __init__(self, conn: sqlite3.Connection, schema: Schema, module: ModuleSchema) -> None:
        self.conn = conn
        self.schema = schema
        self.module = module

    def row(self, keys: Sequence[str], selected: Sequence[str]) -> str:
        """`selected` holds each key's SQL (text, NULL already "")."""
        pairs = []
        for key, value in zip(keys, selected, strict=True):
            field = self.module.field(key)
            if field is not None and field.type == "reference":
                value = self._reference(field.refers_to, value)
            elif field is not None and field.type == "owner":
                value = self._owner(value)
            pairs.append(f"{_sql_text(key)}, {value}")
        if not pairs:
            return "'{}'"
        # json_object takes at most 127 arguments: objects of 60 keys, their braces joined.
        objects = [
            "json_object(" + ", ".join(pairs[start : start + _KEYS_PER_OBJECT]) + ")"
            for start in range(0, len(pairs), _KEYS_PER_OBJECT)
        ]
        joined = []
        for index, sql in enumerate(objects):
            if index > 0:
                sql = f"ltrim({sql}, '{{')"
            if index < len(objects) - 1:
                sql = f"rtrim({sql}, '}}')"  # each value is a JSON string: only one brace goes
            joined.append(sql)
        return " || ',' || ".join(joined)

    def settled(self, keys: Sequence[str], selected: Sequence[str]) -> str:
        """An SQL condition: every reference of the row holds a live record's id, or none
        that a later record could take (empty, not digits, or a type without records).
        Only a settled row's JSON can be kept: a new record never changes it."""
        tests = ["1"]
        for key, value in zip(keys, selected, strict=True):
            field = self.module.field(key)
            if field is None or field.type != "reference":
                continue
            found = self._lookups(field.refers_to, value)
            if found:
                tests.append(
                    f"({value} = '' OR {value} GLOB '*[^0-9]*' OR {_first_of([*found, 'NULL'])}"
                    " IS NOT NULL)"
                )
        return " AND ".join(tests)

    def _reference(self, refers_to: Sequence[str], value: str) -> str:
        found = _first_of([*self._lookups(refers_to, value), "''"])
        return (
            f"CASE WHEN {value} = '' THEN '' WHEN {value} GLOB '*[^0-9]*' THEN {value}"
            f" ELSE {found} END"  # no record has crmid 0: "0" answers "" too
        )

    def _owner(self, value: str) -> str:
        found = _first_of([*self._lookups(("Groups", "Users"), value), value])
        return f"CASE WHEN {value} = '' OR {value} GLOB '*[^0-9]*' THEN {value} ELSE {found} END"

    def _lookups(self, refers_to: Sequence[str], value: str) -> list[str]:
        """One scalar subquery per target module, in `refers_to` order: `<prefix>x<crmid>`
        when that module holds the live record, else NULL."""
        found = []
        for name in refers_to:
            target = self.schema.modules.get(name)
            if target is None:
                continue
            prefix = _sql_text(f"{target.id_prefix}x")
            if uses_entity_table(target):
                found.append(
                    f"(SELECT {prefix} || t.crmid FROM entity AS t WHERE t.crmid ="
                    f" CAST({value} AS INTEGER) AND t.setype = {_sql_text(target.name)}"
                    " AND t.deleted = 0)"
                )
            elif _table_known(self.conn, target.name):
                found.append(
                    f"(SELECT {prefix} || t.crmid FROM {record_table(target.name)} AS t"
                    f" WHERE t.crmid = CAST({value} AS INTEGER))"
                )
        return found


def record_table(module: str) -> str:
    """The quoted name of a module's record table."""
    return '"rec_' + module.replace('"', '""') + '"'


def _table_known(conn: sqlite3.Connection, module: str) -> bool:
    """Whether the store has a record table for `module` (a schema may name types it lacks)."""
    known = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (f"rec_{module}",)
    ).fetchone()
    return known is not None


_KEYS_PER_OBJECT = 60


def php_json_rows(rows: Sequence[str]) -> str:
    """The JSON array of rows SQLite wrote, as PHP's json_encode writes it (and
    `encode_json`): `\\uXXXX` for DEL and all that is not ASCII (UTF-16 pairs beyond the
    BMP), and `\\/` for `/`. Most rows are ASCII and pass through."""
    return "[" + ",".join([php_escaped(row) for row in rows]).replace("/", "\\/") + "]"


def _first_of(candidates: Sequence[str]) -> str:
    """The first non-NULL of `candidates` (SQL's COALESCE needs two or more)."""
    return candidates[0] if len(candidates) == 1 else f"COALESCE({', '.join(candidates)})"


def _digits(text: str) -> bool:
    """ASCII digits only, as the server's integer columns hold them ("٣" is text)."""
    return text.isascii() and text.isdigit()


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
