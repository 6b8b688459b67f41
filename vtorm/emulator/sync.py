"""`sync`: one module's changes since a point in time, as Vtiger's GetUpdates.php computes them.

The real 8.0 server answers sync with HTTP 500 on PHP 8 (a parameter-name bug); the emulator
implements what the patched server in the reference captures does, i.e. the intended algorithm
with the default sync type `user`:

1. `modifiedTime` (Unix seconds) becomes `Y-m-d H:i:s` in UTC. Empty (or `"0"`, which PHP reads
   as missing) or non-numeric is a PHP TypeError: HTTP 500 with an empty body. So is a missing
   `elementType` (the patched server dies walking every module).
2. The page's upper bound is the largest `modifiedtime` among the first 100 records (by
   modifiedtime) changed after it, owned by the calling user (`smownerid`).
3. Every owned record with `since < modifiedtime <= bound` is returned, in crmid order, so a
   page holds more than 100 records when timestamps tie. Deleted ones (and, for Leads,
   converted ones: GetUpdates uses the module's "deleted" condition) go to `deleted` as ids;
   the others to `updated`, shaped like `SELECT *` query rows.
4. `more` says whether an owned record changed after the bound; `lastModifiedTime` is the bound
   in Unix seconds, or the input when nothing changed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from vtorm.emulator.conversion import converted_leads
from vtorm.emulator.errors import FatalError
from vtorm.emulator.records import NON_CRM_TYPES, denied
from vtorm.emulator.storage import quote_ident, table_name
from vtorm.wire import MAX_QUERY_ROWS

if TYPE_CHECKING:
    from vtorm.emulator.backend import Backend

__all__ = ["PAGE_SIZE", "sync_changes"]

#: How many records the first query looks at to find the page's upper bound.
PAGE_SIZE = 100

#: What PHP 8 accepts as a numeric string for an int parameter (surrounding blanks allowed).
_NUMERIC = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*")


def sync_changes(
    backend: Backend, modified_time: str, element_type: str, user_id: int
) -> dict[str, Any]:
    """The sync result for `element_type` since `modified_time` (Unix seconds, as text)."""
    since_seconds = _seconds(modified_time)
    if not element_type:
        raise FatalError("sync without elementType")
    module = backend.schema.modules.get(element_type)
    if module is not None and module.name == "Users" and module.is_entity:
        # Users passes the access check, then is dropped (`$ignoreModules`): the early return
        # puts lastModifiedTime before more, and echoes the parameter as sent (a string).
        return {"updated": [], "deleted": [], "lastModifiedTime": modified_time, "more": False}
    if module is None or not module.is_entity or module.name in NON_CRM_TYPES:
        raise denied()
    since = backend.store.epoch_text(since_seconds)
    owner = _owner_filter(backend, module.name)
    bound = _upper_bound(backend, module.name, since, owner, user_id)
    if bound is None:
        return {"updated": [], "deleted": [], "more": False, "lastModifiedTime": since_seconds}
    changed = _changed(backend, module.name, since, bound, owner, user_id)
    gone = converted_leads(backend.store) if module.name == "Leads" else set()
    live = [crmid for crmid, deleted in changed if not deleted and crmid not in gone]
    prefix = module.id_prefix
    return {
        "updated": _query_rows(backend, module.name, prefix, live, user_id),
        "deleted": [f"{prefix}x{crmid}" for crmid, deleted in changed if deleted or crmid in gone],
        "more": _more(backend, module.name, bound, owner, user_id),
        "lastModifiedTime": backend.store.epoch_of(bound),
    }


def _seconds(text: str) -> int:
    """`modifiedTime` as PHP's `date()` reads it; anything else is a fatal TypeError."""
    if not text or not _NUMERIC.fullmatch(text):
        raise FatalError(f"date(): modifiedTime {text!r} is not numeric")
    return int(float(text))


def _owner_filter(backend: Backend, module: str) -> str:
    """SQL restricting rows to the calling user's own records (sync type `user`)."""
    if "assigned_user_id" not in backend.schema[module].fields_by_name:
        return ""
    return f" AND r.{quote_ident('assigned_user_id')} = CAST(:user AS TEXT)"


def _source(module: str) -> str:
    return (
        f"FROM entity e JOIN {table_name(module)} r ON r.crmid = e.crmid WHERE e.setype = :module"
    )


def _upper_bound(backend: Backend, module: str, since: str, owner: str, user_id: int) -> str | None:
    sql = (
        f"SELECT max(modifiedtime) FROM (SELECT e.modifiedtime {_source(module)}"
        f" AND e.modifiedtime > :since{owner} ORDER BY e.modifiedtime LIMIT {PAGE_SIZE})"
    )
    row = backend.store.conn.execute(
        sql, {"module": module, "since": since, "user": user_id}
    ).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _changed(
    backend: Backend, module: str, since: str, bound: str, owner: str, user_id: int
) -> list[tuple[int, bool]]:
    sql = (
        f"SELECT e.crmid, e.deleted {_source(module)} AND e.modifiedtime > :since"
        f" AND e.modifiedtime <= :bound{owner} ORDER BY e.crmid"
    )
    params = {"module": module, "since": since, "bound": bound, "user": user_id}
    return [(int(r[0]), bool(r[1])) for r in backend.store.conn.execute(sql, params)]


def _more(backend: Backend, module: str, bound: str, owner: str, user_id: int) -> bool:
    sql = f"SELECT 1 {_source(module)} AND e.modifiedtime > :bound{owner} LIMIT 1"
    params = {"module": module, "bound": bound, "user": user_id}
    return backend.store.conn.execute(sql, params).fetchone() is not None


def _query_rows(
    backend: Backend, module: str, prefix: str, crmids: Sequence[int], user_id: int
) -> list[dict[str, Any]]:
    """The records as `SELECT * FROM <module>` rows, in crmid order, 100 ids per query."""
    rows: list[dict[str, Any]] = []
    for start in range(0, len(crmids), MAX_QUERY_ROWS):
        chunk = crmids[start : start + MAX_QUERY_ROWS]
        ids = ", ".join(f"'{prefix}x{crmid}'" for crmid in chunk)
        rows += backend.query(f"SELECT * FROM {module} WHERE id IN ({ids}) ORDER BY id;", user_id)
    return rows
