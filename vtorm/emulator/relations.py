"""Related records: relatedtypes, retrieve_related, query_related and add_related.

Which modules relate to which, and under what labels, is the real server's `relatedtypes`
answer (package data, `Schema.related`). Which records are related is the emulator's model of
Vtiger's relation-list queries, the union of:

- records of the related module whose reference field points at the source record
  (`Contacts.account_id` for Accounts -> Contacts, `HelpDesk.parent_id`, ...);
- records the source record itself references (`Potentials.contact_id` for Potentials ->
  Contacts, as Vtiger's `contpotentialrel` holds them);
- links made by `add_related`, kept in the `relation` table (Vtiger's `crmentityrel`,
  `seproductsrel`, ...), readable from both ends; only between Products and Products does the
  direction matter ("Product Bundles" lists children, "Parent Product" parents).

`query_related` rewrites the client's query exactly as QueryRelated.php does, quirks included
(a trailing `;` or a lower-case `where` breaks it), and runs it through the VTQL executor.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vtorm.emulator.errors import FatalError, WebserviceError
from vtorm.emulator.records import NON_CRM_TYPES, denied
from vtorm.emulator.storage import Store, quote_ident, table_name
from vtorm.wire import ErrorCode

if TYPE_CHECKING:
    from vtorm.emulator.backend import Backend

__all__ = [
    "add_related",
    "ensure_relation_table",
    "link",
    "query_related",
    "related_ids",
    "related_types",
    "retrieve_related",
]

_FROM = re.compile(r"FROM\s+(\S+)", re.IGNORECASE)
_LEADING_INT = re.compile(r"\s*(\d+)")
_PARENT_LABEL = "parent product"
#: Marks a type the relatedtypes data does not mention (a custom module).
_MISSING: dict[str, Any] = {}


def ensure_relation_table(store: Store) -> None:
    """Create the `relation(crmid, relcrmid)` link table if this database lacks it."""
    store.conn.execute(
        "CREATE TABLE IF NOT EXISTS relation (crmid INTEGER NOT NULL, relcrmid INTEGER NOT NULL,"
        " PRIMARY KEY (crmid, relcrmid))"
    )


def link(store: Store, source_crmid: int, related_crmid: int) -> None:
    """Record that `related_crmid` is related to `source_crmid` (idempotent)."""
    ensure_relation_table(store)
    store.conn.execute(
        "INSERT OR IGNORE INTO relation (crmid, relcrmid) VALUES (?, ?)",
        (source_crmid, related_crmid),
    )


def related_types(backend: Backend, element_type: str) -> dict[str, Any]:
    """relatedtypes: the modules related to `element_type`, keyed by relation label."""
    schema = backend.schema
    if element_type not in schema:
        raise denied(f" for name : {element_type}")
    module = schema[element_type]
    data = schema.related.get(element_type, _MISSING)
    if data is None or (data is _MISSING and module.name in NON_CRM_TYPES):
        raise FatalError(f"{element_type} has no tab: relatedtypes dies")
    if data is _MISSING or not data:
        return {"types": [], "information": []}
    types = [name for name in data.get("types", ()) if name in schema]
    information = {
        label: dict(info)
        for label, info in (data.get("information") or {}).items()
        if info.get("name") in schema
    }
    return {"types": types, "information": information or []}


def related_ids(
    backend: Backend, source_module: str, source_crmid: int, target_module: str, label: str
) -> list[str]:
    """Ids of the live `target_module` records related to the source record, in crmid order."""
    schema = backend.schema
    if target_module not in schema or target_module in NON_CRM_TYPES:
        return []
    crmids = _referencing(backend, source_module, source_crmid, target_module)
    crmids |= _referenced(backend, source_module, source_crmid, target_module)
    crmids |= _linked(backend, source_module, source_crmid, target_module, label)
    prefix = schema[target_module].id_prefix
    return [f"{prefix}x{crmid}" for crmid in sorted(crmids)]


def _live_of(store: Store, module: str, crmids: set[int]) -> set[int]:
    if not crmids:
        return set()
    marks = ", ".join("?" * len(crmids))
    rows = store.conn.execute(
        f"SELECT crmid FROM entity WHERE deleted = 0 AND setype = ? AND crmid IN ({marks})",
        [module, *sorted(crmids)],
    )
    return {int(row[0]) for row in rows}


def _referencing(backend: Backend, source: str, crmid: int, target: str) -> set[int]:
    """Target records with a reference field (that may point at `source`) holding `crmid`."""
    fields = [
        f.name
        for f in backend.schema[target].fields
        if f.type == "reference" and source in f.refers_to
    ]
    found: set[int] = set()
    for name in fields:
        rows = backend.store.conn.execute(
            f"SELECT crmid FROM {table_name(target)} WHERE {quote_ident(name)} = ?", (str(crmid),)
        )
        found |= {int(row[0]) for row in rows}
    return _live_of(backend.store, target, found)


def _referenced(backend: Backend, source: str, crmid: int, target: str) -> set[int]:
    """Target records the source record's own reference fields point at."""
    if source not in backend.schema or source in NON_CRM_TYPES:
        return set()
    row = backend.store.fetch_row(source, crmid) or {}
    fields = [
        f.name
        for f in backend.schema[source].fields
        if f.type == "reference" and target in f.refers_to and f.name != "modifiedby"
    ]
    found = {int(row[name]) for name in fields if row.get(name, "").isdigit()}
    return _live_of(backend.store, target, found)


def _linked(backend: Backend, source: str, crmid: int, target: str, label: str) -> set[int]:
    """Records linked by add_related, in the direction the relation reads."""
    ensure_relation_table(backend.store)
    execute = backend.store.conn.execute
    forward = {
        int(r[0]) for r in execute("SELECT relcrmid FROM relation WHERE crmid = ?", (crmid,))
    }
    reverse = {
        int(r[0]) for r in execute("SELECT crmid FROM relation WHERE relcrmid = ?", (crmid,))
    }
    if source == target:
        found = reverse if label.lower() == _PARENT_LABEL else forward
    else:
        found = forward | reverse
    return _live_of(backend.store, target, found)


def retrieve_related(
    backend: Backend, id_text: str, related_type: str, label: str, user_id: int | None = None
) -> list[dict[str, Any]]:
    """retrieve_related: query_related with `SELECT * FROM <relatedType>`."""
    return query_related(backend, f"SELECT * FROM {related_type}", id_text, label, user_id)


def query_related(
    backend: Backend, query: str, id_text: str, label: str, user_id: int | None = None
) -> list[dict[str, Any]]:
    """query_related: the client's query restricted to the records related to `id_text`,
    run as `user_id` (the admin when None) sees the related module."""
    source_module, crmid = _source_record(backend, id_text)
    match = _FROM.search(query)
    related_type = match.group(1).strip() if match else ""
    relations = related_types(backend, source_module)
    information = relations["information"] or {}
    if not any(
        key == label and info.get("name") == related_type for key, info in information.items()
    ):
        raise WebserviceError(ErrorCode.UNKOWN_ENTITY, "Relation specified is incorrect")
    ids = related_ids(backend, source_module, crmid, related_type, label)
    if not ids:
        return []
    rewritten = _rewrite(query, ids)
    return list(backend.query(rewritten) if user_id is None else backend.query(rewritten, user_id))


def _source_record(backend: Backend, id_text: str) -> tuple[str, int]:
    """The source record's real module (from the database, not the id prefix) and crmid."""
    match = _LEADING_INT.match(id_text)
    prefix = str(int(match.group(1))) if match else "0"
    module = backend.records.module_of_prefix(prefix)
    if module is None:
        raise denied(" for id")
    tail = id_text.partition("x")[2]
    crmid = int(tail) if tail.isdigit() else 0
    if module.name in NON_CRM_TYPES:
        if module.name == "Users" and crmid and backend.store.row_exists("Users", crmid):
            return "Users", crmid
        raise denied(" for name : ")
    setype = backend.store.live_setype(crmid) if crmid else None
    if setype is None:
        raise denied(" for name : ")
    return setype, crmid


def _rewrite(query: str, ids: list[str]) -> str:
    """QueryRelated.php's rewrite: `stripos` for WHERE, then `explode` on upper-case WHERE."""
    clause = "id IN ('" + "','".join(ids) + "')"
    if query.lower().find("where") <= 0:  # PHP: `stripos(...) == false`, position 0 included
        return f"{query} WHERE {clause};"
    parts = query.split("WHERE")
    rest = parts[1] if len(parts) > 1 else ""
    return f"{parts[0]} WHERE {clause} AND {rest};"


def add_related(backend: Backend, source_id: str, related_id: str, relation: str) -> dict[str, str]:
    """add_related: link two records if their modules have such a relation; no permission checks."""
    source_prefix, _, source_tail = source_id.partition("x")
    related_prefix, _, related_tail = related_id.partition("x")
    if not source_tail.isdigit() or backend.store.live_setype(int(source_tail)) is None:
        raise _internal_error()
    source = backend.records.module_of_prefix(_int_text(source_prefix))
    target = backend.records.module_of_prefix(_int_text(related_prefix))
    if source is None or target is None:
        raise _internal_error()
    if _has_relation(backend, source.name, target.name, relation) and related_tail.isdigit():
        link(backend.store, int(source_tail), int(related_tail))
    return {"message": "successfull"}


def _has_relation(backend: Backend, source: str, target: str, relation: str) -> bool:
    """Whether `source` relates to `target` under `relation` (a label; empty means any).

    Numeric relation ids name rows of Vtiger's `vtiger_relatedlists`, which the emulator does
    not number: like an unknown label, they link nothing (and the call still succeeds).
    """
    if source in NON_CRM_TYPES or relation.strip().lstrip("+-").isdigit():
        return False
    information = (backend.schema.related.get(source) or {}).get("information") or {}
    return any(
        info.get("name") == target and (not relation or key.lower() == relation.lower())
        for key, info in information.items()
    )


def _int_text(text: str) -> str:
    match = _LEADING_INT.match(text)
    return str(int(match.group(1))) if match else "0"


def _internal_error() -> WebserviceError:
    """What webservice.php makes of the plain Exceptions add_related throws."""
    return WebserviceError(
        ErrorCode.INTERNAL_SERVER_ERROR, "Unknown Error while processing request"
    )
