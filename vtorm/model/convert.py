"""Lead conversion: `lead.convert(account=..., contact=..., potential=...)` over `convertlead`.

The server wants one `element` (docs/vtiger-webservice.md, "convertlead", checked on a
real 8.0):

    {"leadId": "10x37", "assignedTo": "19x1", "transferRelatedRecordsTo": "Contacts",
     "entities": {"Accounts": {"create": true, "name": "Accounts", "accountname": "..."},
                  "Contacts": {"create": true, "name": "Contacts"}, ...}}

Each entity must name its module again in `name` (without it: ACCESS_DENIED "for name :").
Its fields are wire names and values; the lead's field mapping fills the rest first, so an
entity may be given no field at all. Unless an account or a contact is created the server
creates nothing and answers null, so that is refused here. Mandatory fields that neither the
mapping nor a default fill fail the whole conversion (a potential's `sales_stage`): raised as
`MandatoryFieldsMissing`. A second conversion of the same lead is `LEAD_ALREADY_CONVERTED`,
raised as `LeadAlreadyConverted` naming the lead.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeAlias, TypeVar, cast

from vtorm import errors
from vtorm.ids import RecordId
from vtorm.model.values import to_wire
from vtorm.query.backend import Backend, server_timezone

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["ConvertBackend", "ConvertedLead", "Entity", "convert_lead"]

A = TypeVar("A", bound="Model")
C = TypeVar("C", bound="Model")
P = TypeVar("P", bound="Model")

#: What to do with one entity: False (do not create), True (create from the lead's mapped
#: fields), or field values by python name that override the mapped ones.
Entity: TypeAlias = "bool | Mapping[str, Any]"
#: Where the lead's related records (activities, documents, ...) move.
TransferTarget: TypeAlias = Literal["Contacts", "Accounts"]


class ConvertBackend(Backend, Protocol):
    """A backend that answers `convertlead` (vtorm.Client does)."""

    def convert_lead(self, element: Mapping[str, Any], /) -> Any: ...


@dataclass(frozen=True, slots=True)
class ConvertedLead(Generic[A, C, P]):
    """The records a conversion created (or reused: an account of the same name), or None."""

    account: A | None
    contact: C | None
    potential: P | None


def _entity_fields(model: type[Model], values: Mapping[str, Any], zone: Any) -> dict[str, str]:
    """Wire names and values of an entity's fields; unknown or read-only names refused."""
    wire: dict[str, str] = {}
    for name, value in values.items():
        spec = model.vtiger_fields.get(name)
        if spec is None:
            close = difflib.get_close_matches(name, list(model.vtiger_fields), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise errors.FieldError(f"{model.__name__} has no field {name!r}{hint}")
        if not spec.editable:
            raise errors.ReadOnlyFieldError(f"{model.__name__}.{name} is read-only")
        try:
            wire[spec.wire_name] = to_wire(spec.vtiger_type, value, zone)
        except errors.InvalidArgument as exc:
            raise errors.InvalidArgument(f"{model.__name__}.{name}: {exc.message}") from None
    return wire


def _entities(
    models: tuple[type[Model], ...], entities: tuple[Entity, ...], zone: Any
) -> dict[str, dict[str, Any]]:
    """The `entities` object of the element, for the entities asked for."""
    element: dict[str, dict[str, Any]] = {}
    for model, entity in zip(models, entities, strict=True):
        if entity is False:
            continue
        if entity is not True and not isinstance(entity, Mapping):
            raise errors.InvalidArgument(
                f"{model.__name__}: give True, False or field values, not {entity!r}"
            )
        fields = {} if entity is True else _entity_fields(model, entity, zone)
        module = model.vtiger_module
        element[module] = {"create": True, "name": module, **fields}
    return element


def convert_lead(
    lead: Model,
    models: tuple[type[A], type[C], type[P]],
    entities: tuple[Entity, Entity, Entity],
    *,
    assigned_to: str | Model | None = None,
    transfer_related_to: TransferTarget = "Contacts",
    using: Backend | None = None,
) -> ConvertedLead[A, C, P]:
    """Convert `lead` into the (account, contact, potential) `entities` asked for.

    Everything is checked before the request: the lead is saved, an account or a contact is
    asked for, field names and values fit the target models. Returns the records the server
    made, loaded through the same client.
    """
    if lead.id is None:
        raise errors.InvalidArgument(f"this {type(lead).__name__} has not been saved")
    if entities[0] is False and entities[1] is False:
        raise errors.InvalidArgument(
            "convert() needs account or contact: without either the server creates nothing"
        )
    backend = lead.vtiger_backend(using)
    if not callable(getattr(backend, "convert_lead", None)):
        raise errors.UsageError(f"{type(backend).__name__} cannot answer convertlead")
    element: dict[str, Any] = {
        "leadId": str(lead.id),
        "entities": _entities(models, entities, server_timezone(backend)),
        "transferRelatedRecordsTo": _transfer(transfer_related_to),
    }
    if assigned_to is not None:
        element["assignedTo"] = _owner(assigned_to)
    return _converted(lead, models, _send(cast("ConvertBackend", backend), lead, element))


def _transfer(target: str) -> str:
    if target not in ("Contacts", "Accounts"):
        raise errors.InvalidArgument(
            f"transfer_related_to must be 'Contacts' or 'Accounts', not {target!r}"
        )
    return target


def _owner(owner: object) -> str:
    """A user or group id from an id or a saved record."""
    value = getattr(owner, "id", owner) if hasattr(owner, "vtiger_module") else owner
    if not isinstance(value, str) or not RecordId.is_valid(value):
        raise errors.InvalidArgument(f"assigned_to: {owner!r} is not a user or group id")
    return value


def _send(backend: ConvertBackend, lead: Model, element: Mapping[str, Any]) -> Mapping[str, str]:
    try:
        result = backend.convert_lead(element)
    except errors.LeadAlreadyConverted as exc:
        raise errors.LeadAlreadyConverted(
            f"{type(lead).__name__} {lead.id} is already converted: a lead converts once",
            operation=exc.operation,
            code=exc.code,
            http_status=exc.http_status,
        ) from exc
    except errors.OperationNotSupported as exc:
        if "does not have a value" not in exc.message:
            raise
        # The server reports a failed create as UNKNOWN_OPERATION "<field> does not have a
        # value : <Module>": a mandatory field that neither the mapping nor a default filled.
        raise errors.MandatoryFieldsMissing(
            f"converting {type(lead).__name__} {lead.id}: {exc.message} (give it in the "
            "entity's values)",
            operation=exc.operation,
            code=exc.code,
            http_status=exc.http_status,
        ) from exc
    if not isinstance(result, Mapping):
        raise errors.APIError(
            f"converting {type(lead).__name__} {lead.id} created nothing (the server answered "
            f"{result!r}: it deletes what it made when linking the records fails)",
            operation="convertlead",
        )
    return cast("Mapping[str, str]", result)


def _converted(
    lead: Model, models: tuple[type[A], type[C], type[P]], result: Mapping[str, str]
) -> ConvertedLead[A, C, P]:
    backend = lead.vtiger_backend()

    def load(model: type[Any]) -> Any:
        record_id = result.get(model.vtiger_module)
        if not record_id:
            return None
        return model.vtiger_from_wire(backend.retrieve(str(RecordId(record_id))), backend)

    account, contact, potential = models
    return ConvertedLead(load(account), load(contact), load(potential))
