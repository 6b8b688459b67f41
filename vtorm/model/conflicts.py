"""Opt-in conflict detection for `save(detect_conflicts=...)`.

Vtiger has no conditional update: a `revise` overwrites whatever the server holds. So right
before the revise, `ConflictCheck` retrieves the record and compares what the instance was
loaded with against what the server holds now: the wire values of the fields being saved
and, under the default rule, `modifiedtime` (any change of the record). A difference raises
`ConflictError` and the revise is not sent. A write that lands between that retrieve and the
revise still goes unnoticed: the window is one round trip (docs/saving.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from vtorm.errors import ConflictError, InvalidArgument
from vtorm.model.fields import VtigerField
from vtorm.model.values import to_python
from vtorm.query.backend import BackendWrapper
from vtorm.wire import LINE_ITEMS

if TYPE_CHECKING:
    from vtorm.model.base import Model
    from vtorm.query.backend import Backend

__all__ = ["ConflictCheck", "ConflictMode", "conflict_mode", "conflicts"]

#: `"record"`: any change since loading (modifiedtime moved) or of a saved field is a
#: conflict; `"fields"`: only a change of a field being saved is.
ConflictMode = Literal["record", "fields"]
MODES: Final = ("record", "fields")
MODIFIED: Final = "modifiedtime"
#: Element keys that are not fields of the record (the id, inventory lines).
_NOT_COMPARED: Final = frozenset({"id", LINE_ITEMS})


def conflict_mode(value: object) -> ConflictMode | None:
    """The rule `detect_conflicts=value` asks for; None: no check."""
    if value is False or value is None:
        return None
    if value is True:
        return "record"
    if value in MODES:
        return value
    raise InvalidArgument(
        f"detect_conflicts must be True, False, 'record' or 'fields', not {value!r}"
    )


def conflicts(
    model: type[Model],
    loaded: Mapping[str, Any],
    current: Mapping[str, Any],
    wire_names: Iterable[str],
    mode: ConflictMode,
) -> dict[str, tuple[str, str]]:
    """Python name -> (loaded, now) of each saved field (and modifiedtime) that changed."""
    changed: dict[str, tuple[str, str]] = {}
    names = [w for w in wire_names if w not in _NOT_COMPARED]
    if mode == "record" and MODIFIED not in names:
        names.append(MODIFIED)
    for wire in names:
        if wire not in loaded or wire not in current:
            continue
        was, now = _text(loaded[wire]), _text(current[wire])
        name = model.vtiger_wire_names.get(wire, wire)
        spec = model.vtiger_fields.get(name)
        if not _same(spec, was, now):
            changed[name] = (was, now)
    return changed


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _same(spec: VtigerField | None, was: str, now: str) -> bool:
    """Whether the server's `now` is the loaded `was`: the same wire text, or the same value
    in another format (a query's `1.5`, a retrieve's `1.50000000`)."""
    if was == now or spec is None:
        return was == now
    try:
        return bool(to_python(spec.vtiger_type, was) == to_python(spec.vtiger_type, now))
    except InvalidArgument:
        return False


def _message(model: str, record_id: str, changed: Mapping[str, tuple[str, str]]) -> str:
    lines = [f"  {name}: loaded {was!r}, now {now!r}" for name, (was, now) in changed.items()]
    return "\n".join(
        [
            f"{model} {record_id} changed on the server since it was loaded:",
            *lines,
            "Nothing was saved. refresh() it and apply your changes again, or save without "
            "detect_conflicts to overwrite.",
        ]
    )


def _check_loaded(
    model: type[Model], loaded: Mapping[str, Any], element: Mapping[str, Any], mode: ConflictMode
) -> None:
    """Refuse, before any request, a check without the loaded values it compares."""
    if mode == "record":
        if MODIFIED not in loaded:
            raise InvalidArgument(
                f"save(detect_conflicts=True) needs the modifiedtime this {model.__name__} "
                "was loaded with: load the record with that field, or pass "
                "detect_conflicts='fields'"
            )
        return
    missing = [w for w in element if w not in _NOT_COMPARED and w not in loaded]
    if missing:
        names = ", ".join(model.vtiger_wire_names.get(w, w) for w in missing)
        raise InvalidArgument(
            f"save(detect_conflicts='fields') compares what {model.__name__} was loaded "
            f"with, and {names} were not loaded: retrieve the record first"
        )


class ConflictCheck(BackendWrapper):
    """The backend of one `save(detect_conflicts=...)`: each revise is preceded by a
    retrieve, and sent only if the record is as the instance loaded it."""

    def __init__(self, backend: Backend, record: Model, mode: ConflictMode) -> None:
        super().__init__(backend)
        self._record = record
        self._mode = mode

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        model = type(self._record)
        loaded = self._record._vt_loaded
        _check_loaded(model, loaded, element, self._mode)
        record_id = str(element["id"])
        current = self.wrapped.retrieve(record_id)
        changed = conflicts(model, loaded, current, element, self._mode)
        if changed:
            raise ConflictError(
                _message(model.__name__, record_id, changed),
                model=model.__name__,
                id=record_id,
                changes=changed,
            )
        return self.wrapped.revise(element)
