"""A fake backend that understands just enough VTQL to test paging and persistence.

It honours `id > '..'`, `id = '..'`, `id IN (..)`, `ORDER BY id [DESC]`, `LIMIT [m,] n` with the
server's 100-row cap, and `count(*)`; other conditions are ignored, so tests using it
filter only by id. Real query semantics are tested against the embedded server.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from vtorm.ids import RecordId
from vtorm.query.backend import Backend, set_default_backend

_AFTER = re.compile(r"id > '\d+x(\d+)'")
_EQ = re.compile(r"id = '\d+x(\d+)'")
_IN = re.compile(r"id IN \(([^)]*)\)")
_LIMIT = re.compile(r"LIMIT (?:(\d+), )?(\d+);$")


class FakeBackend:
    """In-memory records keyed by id; every call is logged in `calls`."""

    def __init__(self, prefix: str = "12", rows: list[dict[str, Any]] | None = None) -> None:
        self.prefix = prefix
        self.records: dict[int, dict[str, Any]] = {}
        self.calls: list[tuple[str, Any]] = []
        self.user_id = "19x1"
        self.count_rows: list[dict[str, Any]] | None = None
        self._crmids = itertools.count(1)
        for row in rows or []:
            self.add(row)

    @property
    def queries(self) -> list[str]:
        return [arg for op, arg in self.calls if op == "query"]

    def add(self, row: Mapping[str, Any], prefix: str | None = None) -> dict[str, Any]:
        crmid = next(self._crmids)
        record = {**row, "id": f"{prefix or self.prefix}x{crmid}"}
        self.records[crmid] = record
        return dict(record)

    def query(self, vtql: str, /) -> list[dict[str, Any]]:
        self.calls.append(("query", vtql))
        module = vtql.split(" FROM ")[1].split(" ")[0].rstrip(";")
        prefix = {"Accounts": "11", "Contacts": "12"}.get(module, self.prefix)
        rows = [self.records[k] for k in sorted(self.records)]
        rows = [r for r in rows if RecordId(r["id"]).prefix == prefix]
        if (after := _AFTER.search(vtql)) is not None:
            rows = [r for r in rows if RecordId(r["id"]).crmid > int(after.group(1))]
        if (equal := _EQ.search(vtql)) is not None:
            rows = [r for r in rows if RecordId(r["id"]).crmid == int(equal.group(1))]
        if (in_list := _IN.search(vtql)) is not None:
            wanted = {RecordId(v.strip(" '")).crmid for v in in_list.group(1).split(",")}
            rows = [r for r in rows if RecordId(r["id"]).crmid in wanted]
        if "count(*)" in vtql:
            return self.count_rows if self.count_rows is not None else [{"count": str(len(rows))}]
        if "ORDER BY id DESC" in vtql:
            rows.reverse()
        match = _LIMIT.search(vtql)
        offset, count = (int(match.group(1) or 0), int(match.group(2))) if match else (0, 100)
        return [dict(r) for r in rows[offset : offset + min(count, 100)]]

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.calls.append(("create", (module, dict(element))))
        return self.add({**element, "contact_no": "CON1", "modifiedtime": "2026-11-28 01:00:00"})

    def retrieve(self, id: str, /) -> dict[str, Any]:
        self.calls.append(("retrieve", id))
        return dict(self.records[RecordId(id).crmid])

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        self.calls.append(("revise", dict(element)))
        record = self.records[RecordId(element["id"]).crmid]
        record.update(element)
        record["modifiedtime"] = "2026-11-28 02:00:00"
        return dict(record)

    def delete(self, id: str, /) -> None:
        self.calls.append(("delete", id))
        del self.records[RecordId(id).crmid]


B = TypeVar("B", bound=Backend)


@contextmanager
def as_default(backend: B) -> Iterator[B]:
    """`backend` as the process-wide default client for the block, the previous one after."""
    previous = set_default_backend(backend)
    try:
        yield backend
    finally:
        set_default_backend(previous)
