"""Forward relations: which model a reference field points at, and fetching in bulk.

A reference value is a record id whose prefix names the module, so a field that may point
at several modules (`parent_id` -> Accounts or Contacts) is dispatched on the prefix.
`select_related()` loads the targets of a whole page with one `id IN (...)` query per
module instead of one request per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

from vtorm.errors import FieldError, UsageError
from vtorm.ids import RecordId
from vtorm.model.registry import model_for
from vtorm.query.backend import Backend
from vtorm.query.compiler import QueryDescription, compile_query, where_formula
from vtorm.query.pages import pages
from vtorm.query.q import Q

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["check_related", "fetch_by_ids", "prefetch_related", "related_models"]

M = TypeVar("M", bound="Model")

_OWNER_MODULES = ("Users", "Groups")


def related_models(model: type[Model], field: str) -> tuple[type[Model], ...]:
    """The model classes a reference field of `model` may point at."""
    spec = model.vtiger_fields.get(field)
    if spec is None or not spec.is_reference:
        refs = [n for n, s in model.vtiger_fields.items() if s.is_reference]
        raise FieldError(
            f"{model.__name__}.{field} is not a reference field; references: {', '.join(refs)}"
        )
    modules = spec.refers_to or (_OWNER_MODULES if spec.vtiger_type == "owner" else ())
    found = (model_for(name, near=model) for name in modules)
    return tuple(m for m in found if m is not None)


def check_related(model: type[Model], fields: Iterable[str]) -> None:
    """Refuse fields that are not references, or whose target models are not defined."""
    for field in fields:
        if not related_models(model, field):
            raise UsageError(
                f"no model class is defined for the modules {model.__name__}.{field} refers to"
            )


def fetch_by_ids(model: type[M], ids: Sequence[RecordId], backend: Backend) -> dict[str, M]:
    """The records of `model` with these ids (missing ones left out), in few requests."""
    if not ids:
        return {}
    formula = where_formula(model.vtiger_fields, Q(id__in=list(ids)))
    compiled = compile_query(QueryDescription(model.vtiger_module, model.vtiger_fields, formula))
    found: dict[str, M] = {}
    for rows in pages(backend, compiled, 0, len(ids)):
        for row in rows:
            found[row["id"]] = model.vtiger_from_wire(row, backend)
    return found


def _target_model(models: tuple[type[Model], ...], target: RecordId) -> type[Model] | None:
    return next((m for m in models if m.vtiger_id_prefix == target.prefix), None)


def prefetch_related(records: Sequence[Model], fields: Iterable[str], backend: Backend) -> None:
    """Load the targets of `fields` for all `records`, one query per referenced module."""
    if not records:
        return
    for field in fields:
        models = related_models(type(records[0]), field)
        wanted: dict[type[Model], set[RecordId]] = {}
        for record in records:
            target = record.__dict__.get(field)
            model = _target_model(models, target) if target is not None else None
            if target is not None and model is not None:
                wanted.setdefault(model, set()).add(target)
        found: dict[str, Model] = {}
        for model, ids in wanted.items():
            found.update(fetch_by_ids(model, sorted(ids, key=lambda i: i.crmid), backend))
        for record in records:
            target = record.__dict__.get(field)
            if target is not None:
                record.vtiger_set_related(field, found.get(target))
