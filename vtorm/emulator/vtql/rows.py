"""Turning stored rows into query result rows, as Vtiger 8.0's query post-processing does.

Only the selected fields plus `id` leave the server. Reference fields stored as a bare
crmid become `<prefix>x<crmid>` of the first `refersTo` module that has that live record
(or "" when none has), owners become a group (`20x`) or user (`19x`) id, and empty columns
come back as "" (8.0 answers "" where the code would suggest null).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from vtorm.emulator.jsontext import TextRows
from vtorm.emulator.schema import FieldSchema, ModuleSchema, Schema

__all__ = ["RowShaper", "uses_entity_table"]


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

    def shape_all(
        self, keys: Sequence[str], fetched: Iterable[Sequence[object]]
    ) -> TextRows:
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
        if not text.isdigit():
            return text  # e.g. Users' roleid ("H2") is not converted
        if int(text) == 0:
            return ""
        key = (refers_to, text)
        if key not in self._references:
            self._references[key] = self._resolve(refers_to, int(text))
        return self._references[key]

    def owner(self, text: str) -> str:
        """A group id as `20x<id>`, a user id as `19x<id>`, anything else unchanged."""
        if not text.isdigit():
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
        table = f"rec_{target.name}"
        known = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if known is None:
            return False
        quoted = '"' + table.replace('"', '""') + '"'
        return (
            self.conn.execute(f"SELECT 1 FROM {quoted} WHERE crmid = ?", (crmid,)).fetchone()
            is not None
        )
