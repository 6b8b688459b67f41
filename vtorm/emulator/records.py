"""Record operations with the real server's checks, in its order, and its record shapes.

`Records` implements create, retrieve, update, revise and delete on top of the `Store`:
id parsing (`"11x5"`), reference and owner validation, the mandatory-field rules that differ
between create/update/revise, the duplicate check, the system fields (createdtime,
modifiedtime, modifiedby, source, record numbers) and the retrieve shape (describe order,
then `id`, then `label`). It raises `WebserviceError` with the real codes and messages and
knows nothing of HTTP. Callers hold a `store.transaction()` around each write.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from vtorm.emulator.cascades import DELETES, UNLINKS
from vtorm.emulator.columns import column_of
from vtorm.emulator.errors import FatalAfterWrite, WebserviceError
from vtorm.emulator.inventory import (
    DISCOUNTS,
    EMPTY_OVERRIDES,
    INVENTORY_MODULES,
    LINE_COLUMNS_AFTER_SH_PERCENT,
    LINE_FIELDS_IN_RECORD,
    MODULE_EMPTY_OVERRIDES,
    RESET_BY_LINES,
    Inventory,
    check_discount_operands,
    sent_discounts,
)
from vtorm.emulator.schema import FieldSchema, ModuleSchema, Schema
from vtorm.emulator.storage import Store
from vtorm.emulator.values import (
    clean_text,
    decimal_text,
    empty_value,
    label_text,
    mb3_text,
    php_decode,
    php_string,
    store_value,
)
from vtorm.wire import ErrorCode

__all__ = ["NON_CRM_TYPES", "Records", "denied"]

#: Types whose records live outside `entity` (their own ids, no crmid, no label).
NON_CRM_TYPES = frozenset(
    {
        "Users",
        "Groups",
        "Currency",
        "DocumentFolders",
        "CompanyDetails",
        "LineItem",
        "Tax",
        "ProductTaxes",
    }
)
#: Fields the server maintains itself: input for them is ignored.
SYSTEM_FIELDS = frozenset({"createdtime", "modifiedtime", "modifiedby", "created_user_id", "id"})
#: Fields the entity loader returns although describe hides them, after the named field.
HIDDEN_FIELDS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "HelpDesk": (("ticketcategories", "update_log"),),
}

#: describe's labelFields name DB columns; where the field is called otherwise, its field name.
LABEL_COLUMN_FIELDS: Mapping[tuple[str, str], str] = {
    ("HelpDesk", "title"): "ticket_title",
    ("Documents", "title"): "notes_title",
}

#: Users fields retrieve never shows (the real server sends them to the admin in clear).
SECRET_USER_FIELDS: Mapping[str, str] = {
    "accesskey": "<redacted-accesskey>",
    "user_password": "<redacted-password-hash>",
    "confirm_password": "<redacted-password-hash>",
}
ADMIN_ID = 1
#: Field types whose value the duplicate check and the label see uncut.
_TEXT_TYPES = frozenset({"string", "text", "email", "phone", "url"})

DENIED = "Permission to perform the operation is denied"
_ID = re.compile(r"(\d+)x(\d+)")


def denied(suffix: str = "") -> WebserviceError:
    """ACCESS_DENIED with the server's standard wording (`suffix` such as " for id")."""
    return WebserviceError(ErrorCode.ACCESS_DENIED, DENIED + suffix)


def _leading_int(text: str) -> str:
    """The id prefix as MySQL coerces the whole id string to an integer ("11x5" -> "11")."""
    match = re.match(r"\s*(\d+)", text)
    return str(int(match.group(1))) if match else "0"


class Records:
    """Create, retrieve, update, revise and delete, as Vtiger 8.0's webservice does them."""

    def __init__(self, store: Store, schema: Schema) -> None:
        self.store = store
        self.schema = schema
        self._by_prefix = {m.id_prefix: m for m in schema.modules.values()}
        self.inventory = Inventory(self)
        #: Each type's row of a new record before its element is applied (see `_empty_row`).
        self._empty_rows: dict[str, tuple[ModuleSchema, dict[str, str]]] = {}
        #: Answer an individual-tax create as the captured server did: stored with zero
        #: totals, then HTTP 500 (the stock 8.0 installed here computes it and answers 200).
        self.individual_tax_crash = False

    # -- ids ----------------------------------------------------------------------------

    def module_of_prefix(self, prefix: str) -> ModuleSchema | None:
        """The type whose ids start with `prefix`."""
        return self._by_prefix.get(prefix)

    def locate(self, id_text: str) -> tuple[ModuleSchema, int]:
        """The live record an id names, with retrieve's errors for every way it can be wrong."""
        module = self.module_of_prefix(_leading_int(id_text)) if id_text else None
        if module is None:
            raise denied(" for id")
        match = _ID.fullmatch(id_text.strip())
        if match is None:
            raise WebserviceError(ErrorCode.INVALID_ID_ATTRIBUTE, "Id specified is incorrect")
        crmid = int(match.group(2))
        if module.name in NON_CRM_TYPES:
            if not self.store.row_exists(module.name, crmid):
                raise denied()
            return module, crmid
        setype = self.store.live_setype(crmid)
        if setype is None:
            raise denied()
        if setype != module.name:
            raise WebserviceError(ErrorCode.INVALID_ID_ATTRIBUTE, "Id specified is incorrect")
        return module, crmid

    def label_of(self, module: ModuleSchema, stored: Mapping[str, str]) -> str:
        """The record label the server computes from the module's label fields."""
        names = [LABEL_COLUMN_FIELDS.get((module.name, n), n) for n in module.label_fields]
        return label_text(stored, names)

    def format_id(self, module: str, crmid: int | str) -> str:
        """`<idPrefix>x<crmid>` for a record of `module`."""
        return f"{self.schema[module].id_prefix}x{crmid}"

    # -- reading ------------------------------------------------------------------------

    def retrieve(self, id_text: str, user_id: int = ADMIN_ID) -> dict[str, Any]:
        """The retrieve result for an id (Users records: for the admin only, as on 8.0)."""
        module, crmid = self.locate(id_text)
        if module.name == "Users" and user_id != ADMIN_ID:
            raise denied()
        result = self.shape(module, crmid)
        if module.name in INVENTORY_MODULES:
            result.update(self.inventory.extras(module, crmid))
        return result

    def shape(self, module: ModuleSchema, crmid: int) -> dict[str, Any]:
        """A stored record as retrieve returns it: describe order up to `id`, then `label`."""
        stored = self.store.fetch_row(module.name, crmid) or {}
        hidden = dict(HIDDEN_FIELDS.get(module.name, ()))
        result: dict[str, Any] = {}
        is_crm = module.name not in NON_CRM_TYPES
        skipped = LINE_FIELDS_IN_RECORD if module.name in INVENTORY_MODULES else frozenset()
        for field in module.record_fields:  # no taxes or shipping columns after id
            if field.name == "id":
                result["id"] = self.format_id(module.name, crmid)
                continue
            if field.name in skipped:
                continue
            result[field.name] = self.output_value(field, stored.get(field.name, ""))
            if field.name in hidden:
                result[hidden[field.name]] = ""
        result.setdefault("id", self.format_id(module.name, crmid))
        if module.name == "Users":
            result.update({k: v for k, v in SECRET_USER_FIELDS.items() if result.get(k)})
        if is_crm:
            entity = self.store.entity(crmid)
            if entity is not None and entity["label"]:
                result["label"] = str(entity["label"])
        if "currency1" in module.fields_by_name and "unit_price" in stored:
            result["currency1"] = _php_number(stored["unit_price"])
            result["currency_id"] = self.format_id("Currency", 1)
        return result

    def output_value(self, field: FieldSchema, stored: str) -> str:
        """One stored value as the server sends it (references get their type's prefix back)."""
        if field.type == "reference":
            return self.reference_out(field.refers_to, stored)
        if field.type == "owner":
            return self.owner_out(stored)
        return stored

    def reference_out(self, refers_to: tuple[str, ...], stored: str) -> str:
        """`NxM` for the first referable type holding a live record `stored`, else ""."""
        if not stored.isdigit() or stored == "0":
            return ""
        crmid = int(stored)
        setype = self.store.live_setype(crmid)
        for name in refers_to:
            if name not in self.schema:
                continue
            if name in NON_CRM_TYPES:
                if self.store.row_exists(name, crmid):
                    return self.format_id(name, crmid)
            elif setype == name:
                return self.format_id(name, crmid)
        return ""

    def owner_out(self, stored: str) -> str:
        """A group id as `20xN`, a user id as `19xN`, anything else as stored."""
        if stored.isdigit():
            for name in ("Groups", "Users"):
                if name in self.schema and self.store.row_exists(name, int(stored)):
                    return self.format_id(name, stored)
        return stored

    # -- writing ------------------------------------------------------------------------

    def create(self, type_name: str, element: Any, user_id: int) -> dict[str, Any]:
        """Create a record of `type_name` from `element`; the result is its retrieve shape."""
        module, crmid, values = self._store_new(type_name, element, user_id)
        if module.name not in INVENTORY_MODULES:
            return self.written_shape(module, crmid)
        result = self._inventory_written(module, crmid, values, first=("id",))
        result["new"] = True
        return result

    def create_id(self, type_name: str, element: Any, user_id: int) -> str:
        """Store a record as `create` does, and return only its id: seeding the demo data
        needs no answers, and shaping them was a fifth of its time."""
        module, crmid, _values = self._store_new(type_name, element, user_id)
        if module.name in INVENTORY_MODULES:
            self.inventory.update_totals(module, crmid)
        return self.format_id(module.name, crmid)

    def _store_new(
        self, type_name: str, element: Any, user_id: int
    ) -> tuple[ModuleSchema, int, dict[str, Any]]:
        """Check and store a new record (and an inventory record's lines): its type, crmid,
        and the element's values; the inventory totals are computed by the caller."""
        module = self.schema.modules.get(type_name)
        if module is None or module.name in NON_CRM_TYPES:
            raise denied()
        values = dict(element) if isinstance(element, dict) else {}
        is_inventory = module.name in INVENTORY_MODULES
        if is_inventory:
            check_discount_operands(values)
        lines = self.inventory.required_lines(values) if is_inventory else []
        refs = self._check_references(module, values, drop_empty=True)
        self._check_mandatory(module, values, present_only=False)
        stored = self._new_row(module, values, refs, user_id)
        crmid = self.insert(module, stored, sent=values)
        if is_inventory:
            self.inventory.replace_lines(module, crmid, lines)
            if self.individual_tax_crash and php_string(values.get("hdnTaxType")) == "individual":
                # the captured server saved the record with zero totals, then died (HTTP 500)
                raise FatalAfterWrite("individual tax mode crashes after the save")
        return module, crmid, values

    def insert(
        self, module: ModuleSchema, stored: dict[str, str], sent: Mapping[str, Any] | None = None
    ) -> int:
        """Insert an already normalised row (duplicate check, label, record number).

        The duplicate check and the label use the text as sent (`sent`), before the columns
        cut it: Vtiger checks and labels the request's values, MySQL cuts only the stored row.
        """
        as_sent = self._as_sent(module, stored, sent or {})
        self._check_duplicates(module, as_sent, None)
        label = self.label_of(module, self._label_values(module, stored, sent or {}))
        number = self.store.next_record_number(module.name)
        if number is not None:
            stored[number[0]] = number[1]
        crmid = self.store.new_entity(
            module.name, label, stored.get("createdtime") or self.store.now()
        )
        self.store.insert_row(module.name, crmid, stored)
        return crmid

    def _as_sent(
        self, module: ModuleSchema, stored: Mapping[str, str], sent: Mapping[str, Any]
    ) -> dict[str, str]:
        """`stored` with the text fields of `sent` as they were before any column cut them."""
        out = dict(stored)
        for name, value in sent.items():
            field = module.field(name)
            textual = field is not None and field.type in _TEXT_TYPES
            if textual and name in out and not isinstance(value, (list, dict)):
                out[name] = clean_text(php_string(value))
        return out

    def _label_values(
        self, module: ModuleSchema, stored: Mapping[str, str], sent: Mapping[str, Any]
    ) -> dict[str, str]:
        """The values the label is made of, as `vtiger_crmentity.label` keeps them.

        Vtiger labels the request's text uncut and without the script encoding, after its
        `decode_html` (`&amp;` -> `&`; a revise has decoded its values once already, so its
        label is decoded twice); fields not sent count as stored, decoded.
        """
        out = dict(stored)
        for name in module.label_fields:
            name = LABEL_COLUMN_FIELDS.get((module.name, name), name)
            field = module.field(name)
            value = sent.get(name)
            if field is not None and field.type in _TEXT_TYPES and isinstance(value, str):
                text = php_decode(value)
            else:
                text = php_decode(stored.get(name, ""))
            out[name] = mb3_text(text)
        return out

    def written_shape(self, module: ModuleSchema, crmid: int) -> dict[str, Any]:
        """What create, update and revise answer: the retrieve shape, except that a value
        equal to the shown label comes back decoded.

        Vtiger's `to_html()` caches each string it encodes under the *encoded* text. A save
        encodes the new label on its way, so when the answer's record is read back, a
        stored value equal to that encoded label hits the cache and is not encoded again,
        and the answer's final `html_entity_decode` then decodes it once: a script tag in
        `Contacts.lastname` (the whole label) is answered as sent, while retrieve, in a
        fresh request, shows it HTML-encoded. Checked on a real 8.0 (tests/emulator).
        """
        result = self.shape(module, crmid)
        label = result.get("label")
        if not label:
            return result
        raw = php_decode(label)
        for key, value in result.items():
            if key != "label" and value == label:
                result[key] = raw
        return result

    def update(self, element: Any, user_id: int) -> dict[str, Any]:
        """Full update: all mandatory fields must be sent; left-out fields keep their values."""
        values = dict(element) if isinstance(element, dict) else {}
        module, crmid = self.locate(php_string(values.get("id", "")))
        refs = self._check_references(module, values, drop_empty=True)
        self._check_mandatory(module, values, present_only=False)
        return self._save(module, crmid, values, refs, user_id)

    def revise(self, element: Any, user_id: int) -> dict[str, Any]:
        """Partial update: only the fields sent change; `""` clears a reference."""
        if not isinstance(element, dict):
            raise WebserviceError(
                ErrorCode.MANDATORY_FIELDS_MISSING, "Mandatory field does not have a value"
            )
        values = dict(element)
        module, crmid = self.locate(php_string(values.get("id", "")))
        refs = self._check_references(module, values, drop_empty=False)
        self._check_mandatory(module, values, present_only=True)
        # VtigerCRMObject::revise runs decode_html over every value before saving: a sent
        # "Tom &amp; Jerry" is stored as "Tom & Jerry" (update and create keep it).
        decoded = {k: php_decode(v) if isinstance(v, str) else v for k, v in values.items()}
        return self._save(module, crmid, decoded, refs, user_id)

    def delete(self, id_text: str, user_id: int) -> dict[str, str]:
        """Soft-delete a record (sync reports it afterwards)."""
        module, crmid = self.locate(id_text)
        if module.name in NON_CRM_TYPES:
            raise denied()
        now = self.store.now()
        if "modifiedby" in module.fields_by_name:
            self.store.update_row(
                module.name, crmid, {"modifiedby": str(user_id), "modifiedtime": now}
            )
        self.store.mark_deleted(crmid, now)
        self._cascade(module.name, crmid)
        return {"status": "successful"}

    def _cascade(self, module: str, crmid: int) -> None:
        """What the module's unlinkDependencies does: delete some dependents, unlink others.

        Dependents deleted this way keep their modifiedtime (Vtiger only sets `deleted = 1`).
        """
        for dependent, field in DELETES.get(module, ()):
            for other in self.store.find_live(dependent, field, str(crmid), exact=True):
                self.store.mark_deleted(other, None)
        for dependent, field in UNLINKS.get(module, ()):
            for other in self.store.find_live(dependent, field, str(crmid), exact=True):
                self.store.update_row(dependent, other, {field: ""})

    # -- rules --------------------------------------------------------------------------

    def _check_references(
        self, module: ModuleSchema, values: dict[str, Any], *, drop_empty: bool
    ) -> dict[str, str]:
        """Validate reference values; returns their stored form (bare crmids) by field name."""
        stored: dict[str, str] = {}
        for field in module.fields:
            if field.type != "reference" or field.name not in values or field.name in SYSTEM_FIELDS:
                continue
            value = values[field.name]
            text = "" if value is None else php_string(value)
            if text == "" and value is not None and drop_empty:
                del values[field.name]
                continue
            stored[field.name] = self.reference_input(field, text)
        return stored

    def reference_input(self, field: FieldSchema, text: str) -> str:
        """The stored crmid for a reference value `NxM`, after the server's type checks."""
        if text == "":
            return ""
        head, _, tail = text.partition("x")
        target = self.module_of_prefix(head) if head.isdigit() else None
        if target is None:
            raise denied(" for id")
        if target.name not in field.refers_to:
            raise WebserviceError(
                ErrorCode.REFERENCE_INVALID, f"Invalid reference specified for {field.name}"
            )
        return tail if tail.isdigit() else ""

    def _check_mandatory(
        self, module: ModuleSchema, values: Mapping[str, Any], *, present_only: bool
    ) -> None:
        for field in module.fields:
            if not field.mandatory or not field.editable or field.name in SYSTEM_FIELDS:
                continue
            if present_only and field.name not in values:
                continue
            value = values.get(field.name)
            if value is None or value == "":
                raise WebserviceError(
                    ErrorCode.MANDATORY_FIELDS_MISSING, f"{field.name} does not have a value"
                )

    def _check_duplicates(
        self, module: ModuleSchema, stored: Mapping[str, str], own_crmid: int | None
    ) -> None:
        if module.allow_duplicates:
            return
        unique = [f.name for f in module.fields if f.is_unique]
        if not unique:
            return
        candidates: set[int] | None = None
        for name in unique:
            found = set(self.store.find_live(module.name, name, stored.get(name, "")))
            candidates = found if candidates is None else candidates & found
        if candidates and candidates - {own_crmid}:
            raise WebserviceError(ErrorCode.DUPLICATE, "Duplicate(s) detected!")

    def _input_values(
        self, module: ModuleSchema, values: Mapping[str, Any], refs: Mapping[str, str]
    ) -> dict[str, str]:
        """The element's writable fields in stored form (unknown fields are ignored)."""
        out: dict[str, str] = {}
        for name, value in values.items():
            field = module.field(name)
            if field is None or name in SYSTEM_FIELDS:
                continue
            if not field.editable and name != "source":
                continue
            if field.type == "reference":
                out[name] = refs.get(name, "")
            elif field.type == "owner":
                out[name] = php_string(value).rpartition("x")[2]
            else:
                out[name] = store_value(field, value, column_of(module.name, field))
        return out

    def _new_row(
        self,
        module: ModuleSchema,
        values: Mapping[str, Any],
        refs: Mapping[str, str],
        user_id: int,
    ) -> dict[str, str]:
        now = self.store.now()
        row = self._empty_row(module)
        row.update(self._input_values(module, values, refs))
        system = {"createdtime": now, "modifiedtime": now, "modifiedby": str(user_id)}
        system["created_user_id"] = str(user_id)
        row.update({k: v for k, v in system.items() if k in row})
        if "source" in row and not row["source"]:
            row["source"] = "WEBSERVICE"
        _computed_fields(module, row)
        return row

    def _empty_row(self, module: ModuleSchema) -> dict[str, str]:
        """A copy of the row a new `module` record starts from (numeric columns 0, the rest
        empty, the inventory's own defaults): built once per type, as it was a fifth of a
        create's time. Keyed by the module object too, so a user's field view gets its own."""
        cached = self._empty_rows.get(module.name)
        if cached is None or cached[0] is not module:
            row = {
                f.name: empty_value(f, column_of(module.name, f))
                for f in module.fields
                if f.name != "id"
            }
            if module.name in INVENTORY_MODULES:
                row.update({k: v for k, v in EMPTY_OVERRIDES.items() if k in row})
                row.update(MODULE_EMPTY_OVERRIDES.get(module.name, {}))
            cached = (module, row)
            self._empty_rows[module.name] = cached
        return dict(cached[1])

    def _inventory_written(
        self,
        module: ModuleSchema,
        crmid: int,
        sent: Mapping[str, Any],
        first: tuple[str, ...],
    ) -> dict[str, Any]:
        """An inventory record as create/revise answer it: totals as numbers, then extras."""
        totals = self.inventory.update_totals(module, crmid)
        shape = self.written_shape(module, crmid)
        result = {key: shape[key] for key in first}
        result.update(shape)
        result.update({k: v for k, v in totals.items() if k in result})
        result.update(self.inventory.extras(module, crmid, sent))
        return result

    def _save(
        self,
        module: ModuleSchema,
        crmid: int,
        values: Mapping[str, Any],
        refs: Mapping[str, str],
        user_id: int,
    ) -> dict[str, Any]:
        if module.name == "Users":
            return self._save_user(crmid, values, user_id)
        if module.name in NON_CRM_TYPES:
            raise denied()
        is_inventory = module.name in INVENTORY_MODULES
        if is_inventory:
            check_discount_operands(values)
        lines = self.inventory.required_lines(values) if "LineItems" in values else None
        row = self.store.fetch_row(module.name, crmid) or {}
        if lines is not None:  # resending the lines resets these unless they are sent too
            row.update({k: v for k, v in RESET_BY_LINES.items() if k in row})
        inputs = self._input_values(module, values, refs)
        kept = DISCOUNTS if is_inventory else ()
        row.update({k: v for k, v in inputs.items() if k not in kept})
        if is_inventory and lines is not None:
            row.update(sent_discounts(values, inputs))
        now = self.store.now()
        row.update(
            {k: v for k, v in (("modifiedtime", now), ("modifiedby", str(user_id))) if k in row}
        )
        _computed_fields(module, row)
        as_sent = self._as_sent(module, row, values)
        self._check_duplicates(module, as_sent, crmid)
        self.store.update_row(module.name, crmid, row)
        label = self.label_of(module, self._label_values(module, row, values))
        self.store.touch_entity(crmid, now, label)
        if not is_inventory:
            return self.written_shape(module, crmid)
        if lines is None:
            return self._inventory_fields_written(module, crmid, values)
        self.inventory.replace_lines(module, crmid, lines)
        return self._inventory_written(module, crmid, values, first=("id", "conversion_rate"))

    def _inventory_fields_written(
        self, module: ModuleSchema, crmid: int, sent: Mapping[str, Any]
    ) -> dict[str, Any]:
        """A revise (or update) without lines as 8.0 answers it: the totals are not computed.

        PHP's `array_merge($element, $parent)`: `id` and the sent keys first, then
        `conversion_rate` (set by the inventory sanitizer), then the stored record with the
        first line's fields in their describe places, then `LineItems`; no price block.
        """
        shape = self.written_shape(module, crmid)
        lines = self.inventory.lines(crmid)
        first_line = self.inventory.record_line_fields(lines[0] if lines else {})
        record: dict[str, Any] = {}
        for field in module.record_fields:
            if field.name in first_line:
                record[field.name] = first_line[field.name]
            elif field.name in shape:
                record[field.name] = shape[field.name]
            if field.name == "hdnS_H_Percent":  # line columns describe does not list
                record.update(dict.fromkeys(LINE_COLUMNS_AFTER_SH_PERCENT, ""))
        record.update({k: v for k, v in shape.items() if k not in record})
        result: dict[str, Any] = {"id": record["id"]}
        result.update({k: record.get(k, v) for k, v in sent.items() if k != "id"})
        result["conversion_rate"] = record.get("conversion_rate", "1")
        result.update(record)
        result["LineItems"] = [self.inventory.line_out(module, line) for line in lines]
        return result

    def _save_user(self, crmid: int, values: Mapping[str, Any], user_id: int) -> dict[str, Any]:
        """Only the admin changes users; the secrets cannot be set through the webservice."""
        if user_id != ADMIN_ID:
            raise denied()
        module = self.schema["Users"]
        changes = {
            k: v
            for k, v in self._input_values(module, values, {}).items()
            if k not in SECRET_USER_FIELDS and k not in ("user_name", "is_admin", "status")
        }
        self.store.update_row("Users", crmid, changes)
        return self.shape(module, crmid)


def _computed_fields(module: ModuleSchema, row: dict[str, str]) -> None:
    """Values the server derives on save (Potentials' forecast_amount = amount x probability %)."""
    if module.name == "Potentials" and "forecast_amount" in row:
        amount = float(row.get("amount") or 0)
        probability = float(row.get("probability") or 0)
        row["forecast_amount"] = decimal_text(amount * probability / 100, 8, round_to=2)


def _php_number(text: str) -> float:
    """A stored decimal as the PHP float the server puts in JSON (149.99, 49.5)."""
    return float(text or 0)
