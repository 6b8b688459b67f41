"""Settling a create whose outcome is unknown, so an import can be re-run without duplicates.

A create that timed out, met an HTTP 500 or lost its connection may have been stored
(`OutcomeUnknown`). Sending it again could store it twice; `resolve_unknown` looks it up
by a natural key first and, when found, makes the instance the stored record.
"""

from __future__ import annotations

from collections.abc import Sequence

from vtorm.errors import InvalidArgument, MultipleObjectsReturned
from vtorm.model.base import Model
from vtorm.query.backend import Backend
from vtorm.query.compiler import resolve_field
from vtorm.query.queryset import QuerySet

__all__ = ["resolve_unknown"]


def resolve_unknown(
    record: Model, key: Sequence[str] | str, *, using: Backend | None = None
) -> bool:
    """Settle a create whose outcome is unknown: look the record up by its natural key.

    `key` names the fields that identify the record (e.g. `("email",)`). Found: the record
    adopts the stored one (id, record number, every stored value) and this returns True, so
    it must not be created again. Not found: False, and the create can be sent again. More
    than one match: `MultipleObjectsReturned` (the key does not identify a record). A
    record that already has an id is resolved as it is (True, no request).
    """
    if record.id is not None:
        return True
    names = (key,) if isinstance(key, str) else tuple(key)
    lookups = _key_lookups(record, names)
    found = list(QuerySet(type(record), using=record.vtiger_backend(using)).filter(**lookups)[:2])
    if len(found) > 1:
        raise MultipleObjectsReturned(
            f"more than one {type(record).__name__} has {lookups!r}: "
            f"{', '.join(names)} is not a natural key ({found[0].id}, {found[1].id})"
        )
    if not found:
        return False
    record.vtiger_adopt(found[0])
    return True


def _key_lookups(record: Model, names: tuple[str, ...]) -> dict[str, object]:
    if not names:
        raise InvalidArgument("resolve_unknown needs at least one key field")
    lookups: dict[str, object] = {}
    for name in names:
        resolve_field(type(record).vtiger_fields, name)
        value = getattr(record, name)
        if value is None or value == "":
            raise InvalidArgument(
                f"{type(record).__name__}.{name} is empty: it cannot identify the record"
            )
        lookups[name] = value
    return lookups
