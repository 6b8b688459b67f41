"""`convertlead`: turn a lead into an account, a contact and a deal, as ConvertLead.php does.

Steps, in the real order: retrieve the lead (retrieve's errors), refuse a lead already
converted, return null unless Accounts or Contacts is to be created, then for Accounts,
Contacts, Potentials (those with `create` set): fill the new record from the lead through
Vtiger's default lead-mapping table, lay field defaults and then the client's values over it,
give still-empty mandatory fields their describe default (picklists, dates) or `'????'`,
reuse an existing account with the same name, create the rest as the admin user with
`isconvertedfromlead = 1`, link contact -> account and deal -> account/contact, move the
lead's add_related links to the `transferRelatedRecordsTo` record, and mark the lead
converted (its modifiedtime changes; sync then lists it as deleted).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.relations import ensure_relation_table
from vtorm.emulator.storage import Store, quote_ident, table_name
from vtorm.wire import ErrorCode

if TYPE_CHECKING:
    from vtorm.emulator.backend import Backend

__all__ = ["CONVERTED_COLUMN", "LEAD_MAPPING", "convert_lead", "converted_leads"]

#: The column of `rec_Leads` marking converted leads (Vtiger's `vtiger_leaddetails.converted`);
#: the VTQL executor leaves rows with `"_converted" = 1` out, as the real query does.
CONVERTED_COLUMN = "_converted"

CONVERTIBLE = ("Accounts", "Contacts", "Potentials")

#: Vtiger 8.0's default `vtiger_convertleadmapping`: lead field -> (account, contact, deal) field.
LEAD_MAPPING: Mapping[str, tuple[str, str, str]] = {
    "company": ("accountname", "", "potentialname"),
    "industry": ("industry", "", ""),
    "phone": ("phone", "phone", ""),
    "fax": ("fax", "fax", ""),
    "rating": ("rating", "", ""),
    "email": ("email1", "email", ""),
    "website": ("website", "", ""),
    "annualrevenue": ("annual_revenue", "", ""),
    "noofemployees": ("employees", "", ""),
    "lane": ("bill_street", "mailingstreet", ""),
    "code": ("bill_code", "mailingzip", ""),
    "city": ("bill_city", "mailingcity", ""),
    "country": ("bill_country", "mailingcountry", ""),
    "state": ("bill_state", "mailingstate", ""),
    "pobox": ("bill_pobox", "mailingpobox", ""),
    "description": ("description", "description", "description"),
    "salutationtype": ("", "salutationtype", ""),
    "firstname": ("", "firstname", ""),
    "lastname": ("", "lastname", ""),
    "mobile": ("", "mobile", ""),
    "designation": ("", "title", ""),
    "secondaryemail": ("", "secondaryemail", ""),
    "emailoptout": ("emailoptout", "emailoptout", ""),
    "leadsource": ("", "leadsource", "leadsource"),
}
_DEFAULTED_TYPES = frozenset({"picklist", "multipicklist", "date", "datetime"})


def converted_leads(store: Store) -> set[int]:
    """Crmids of the leads convertlead has converted."""
    if not _has_converted_column(store):
        return set()
    column = quote_ident(CONVERTED_COLUMN)
    rows = store.conn.execute(f"SELECT crmid FROM {table_name('Leads')} WHERE {column} = '1'")
    return {int(row[0]) for row in rows}


def _has_converted_column(store: Store) -> bool:
    columns = store.conn.execute(f"PRAGMA table_info({table_name('Leads')})").fetchall()
    return any(row[1] == CONVERTED_COLUMN for row in columns)


def _mark_converted(store: Store, crmid: int) -> None:
    if not _has_converted_column(store):
        column = quote_ident(CONVERTED_COLUMN)
        store.conn.execute(f"ALTER TABLE {table_name('Leads')} ADD COLUMN {column} TEXT")
    store.update_row("Leads", crmid, {CONVERTED_COLUMN: "1"})


def convert_lead(backend: Backend, element: Any, user_id: int) -> dict[str, str] | None:
    """convertlead: the ids of the records created or reused, by module (or None)."""
    values: dict[str, Any] = dict(element) if isinstance(element, dict) else {}
    assigned = values.get("assignedTo") or backend.records.format_id("Users", user_id)
    transfer_to = values.get("transferRelatedRecordsTo") or "Contacts"
    lead_id = _text(values.get("leadId"))
    lead = backend.records.retrieve(lead_id)
    lead_crmid = int(str(lead["id"]).partition("x")[2])
    if lead_crmid in converted_leads(backend.store):
        raise WebserviceError(ErrorCode.LEAD_ALREADY_CONVERTED, "Lead is already converted")
    entities = values.get("entities")
    entities = entities if isinstance(entities, dict) else {}
    wanted: dict[str, dict[str, Any]] = {}
    for name in CONVERTIBLE:
        requested = entities.get(name)
        if isinstance(requested, dict) and _php_truthy(requested.get("create")):
            wanted[name] = requested
    if "Accounts" not in wanted and "Contacts" not in wanted:
        return None
    ids: dict[str, str] = {}
    for name, requested in wanted.items():
        ids[name] = _create_entity(backend, name, requested, lead, ids, assigned)
    _finish(backend, lead_crmid, ids, transfer_to, user_id)
    return ids


def _create_entity(
    backend: Backend,
    name: str,
    requested: Mapping[str, Any],
    lead: Mapping[str, Any],
    ids: Mapping[str, str],
    assigned: Any,
) -> str:
    """Create (or, for an account of the same name, reuse) one converted record."""
    module_name = _text(requested.get("name"))
    if module_name not in backend.schema:
        raise WebserviceError(
            ErrorCode.ACCESS_DENIED,
            f"Permission to perform the operation is denied for name : {module_name}",
        )
    record = _populate(backend, module_name, requested, lead, name, assigned)
    if module_name == "Potentials":
        record.update({k: v for k, v in (("related_to", ids.get("Accounts")),
                                         ("contact_id", ids.get("Contacts"))) if v})  # fmt: skip
    if module_name == "Contacts" and ids.get("Accounts"):
        record["account_id"] = ids["Accounts"]
    if module_name == "Accounts":
        name_given = _text(requested.get("accountname"))
        existing = backend.store.find_live("Accounts", "accountname", name_given)
        if name_given and existing:
            return backend.records.format_id("Accounts", existing[0])
    record["imagename"] = ""
    record["isconvertedfromlead"] = 1
    try:
        created = backend.records.create(module_name, record, backend.admin_id)
    except WebserviceError as error:
        if error.code == ErrorCode.DUPLICATE:
            raise
        raise WebserviceError(
            ErrorCode.UNKNOWN_OPERATION, f"{error.message} : {module_name}"
        ) from error
    return str(created["id"])


def _populate(
    backend: Backend,
    module_name: str,
    requested: Mapping[str, Any],
    lead: Mapping[str, Any],
    slot: str,
    assigned: Any,
) -> dict[str, Any]:
    """Owner, lead mapping, field defaults, the client's non-empty values, then '????'."""
    module = backend.schema[module_name]
    column = CONVERTIBLE.index(slot) if slot in CONVERTIBLE else -1
    record: dict[str, Any] = {"assigned_user_id": assigned}
    for lead_field, targets in LEAD_MAPPING.items():
        target = targets[column] if column >= 0 else ""
        if target and target in module.fields_by_name and lead_field in lead:
            record[target] = lead[lead_field]
    given = dict(requested)
    for field in module.fields:
        defaulted = field.default and field.name != "isconvertedfromlead"
        if defaulted and field.name not in given and not record.get(field.name):
            given[field.name] = field.default
    record.update({k: v for k, v in given.items() if _php_truthy(v)})
    for field in module.fields:
        if field.mandatory and field.editable and not _php_truthy(record.get(field.name)):
            record[field.name] = field.default if field.type in _DEFAULTED_TYPES else "????"
    return record


def _finish(
    backend: Backend, lead_crmid: int, ids: Mapping[str, str], transfer_to: str, user_id: int
) -> None:
    """Move the lead's links, mark it converted and record the change on it."""
    store = backend.store
    target = ids.get(transfer_to, "").partition("x")[2]
    if target.isdigit():
        ensure_relation_table(store)
        for column in ("crmid", "relcrmid"):
            store.conn.execute(
                f"UPDATE OR IGNORE relation SET {column} = ? WHERE {column} = ?",
                (int(target), lead_crmid),
            )
    _mark_converted(store, lead_crmid)
    now = store.now()
    lead_fields = backend.schema["Leads"].fields_by_name
    changes = {"modifiedtime": now, "modifiedby": str(user_id)}
    store.update_row("Leads", lead_crmid, {k: v for k, v in changes.items() if k in lead_fields})
    store.touch_entity(lead_crmid, now)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _php_truthy(value: Any) -> bool:
    """PHP's `!empty()`: "", "0", 0, false, null and empty arrays are empty."""
    return value not in (None, "", "0", 0, False) and value != [] and value != {}
