"""`InventoryModel`: Quotes, SalesOrder, PurchaseOrder and Invoice with typed line items.

The webservice only writes these records with a `LineItems` list, mixes line-item columns
into their describe, and computes their totals. The wire quirks stay here, not with the user:

- the record-level `productid` that real 8.0 insists on is sent from the first line;
- totals come back as floats with noise on create/revise (`344.53000000000003`) and as
  padded strings on retrieve; both are read as the exact `Decimal` the database holds;
- returned lines carry a broken `parent_id` (`"4xArray"`), replaced by the record's id;
- `save()` sends the full line list through `revise` when any line changed (the server
  replaces all lines), and nothing about lines otherwise; with the lines it repeats S&H,
  adjustment and tax mode, which real 8.0 resets on a lines revise that leaves them out;
  a change to any of those or to a discount sends the stored lines too, since 8.0 computes
  totals (and takes discounts) only on a revise with lines; a discount cannot be cleared;
- records loaded by a query carry no lines: `record.line_items` fetches them on first use
  (`LineItem.objects.filter(parent_id=record.id)`).
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import PrivateAttr
from typing_extensions import Self

from vtorm import errors
from vtorm.model import dataloss
from vtorm.model.base import Model
from vtorm.query.backend import Backend
from vtorm.wire import LINE_ITEMS

__all__ = ["LINE_ITEMS", "InventoryModel", "exact_number", "line_element"]

#: The element key that carries the lines on create, revise and retrieve.
#: The python attribute that holds the lines on an inventory model.
_ATTRIBUTE = "line_items"
#: What the database columns hold: 8 decimal places; float noise lies beyond them.
_STORED_PLACES = Decimal("1E-8")
#: Computed currency amounts (the totals) are stored rounded to cents.
_CENTS = Decimal("0.01")
#: Line fields a write sends when set (the rest are computed or bookkeeping).
_SENT_LINE_FIELDS = ("productid", "quantity", "listprice", "comment", "tax1", "tax2", "tax3")
_DECIMAL_TYPES = frozenset({"double", "currency", "percentage"})
#: Record fields real 8.0 resets (to 0, or '' for the tax mode) on a revise that sends
#: `LineItems` without them: a lines save sends their current values too.
_RESET_BY_LINES = ("hdnS_H_Amount", "txtAdjustment", "hdnTaxType")
#: The record-level discounts (set one non-zero; the server then clears the other).
_DISCOUNTS = ("hdnDiscountPercent", "hdnDiscountAmount")
#: Record fields the totals are computed from.
_TOTAL_INPUTS = (*_RESET_BY_LINES, *_DISCOUNTS)


def exact_number(value: object, *, currency: bool = False) -> object:
    """A JSON number from create/revise as the decimal text retrieve gives for it.

    Create and revise answer the PHP floats the totals were computed in; the database
    stores currency totals rounded to cents (half away from zero, as PHP's round()).

    >>> exact_number(344.53000000000003, currency=True)
    '344.53000000'
    >>> exact_number(269.982, currency=True)
    '269.98000000'
    >>> exact_number(700)
    '700'
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if isinstance(value, int):
        return str(value)
    number = Decimal(repr(value))
    if currency:
        number = number.quantize(_CENTS, rounding=ROUND_HALF_UP)
    return format(number.quantize(_STORED_PLACES, rounding=ROUND_HALF_UP), "f")


def line_element(line: Model) -> dict[str, str]:
    """One line as `LineItems` sends it: set fields only, and one discount at most.

    A loaded line has both `discount_percent` ("0.000") and `discount_amount`. Which one
    the server applies when both arrive is not worth relying on, so only the non-zero one
    is sent (the percentage if both are non-zero, as the emulator also prefers it).
    """
    values = line.__dict__
    names = [
        name
        for name in _SENT_LINE_FIELDS
        if name in type(line).vtiger_fields and values.get(name) is not None
    ]
    for name in ("discount_percent", "discount_amount"):
        if values.get(name):
            names.append(name)
            break
    return line.vtiger_wire(names)


class InventoryModel(Model):
    """Base class of the generated inventory models (the four types with line items).

    Generated subclasses declare `line_items: list[LineItem]` (required: Vtiger stores no
    inventory record without lines); the item class is read from that annotation, so this
    module never imports generated code.
    """

    vtiger_line_model: ClassVar[type[Model] | None] = None

    _vt_lines: list[dict[str, str]] | None = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get(_ATTRIBUTE)
        if field is None:
            return
        args = typing.get_args(field.annotation)
        if len(args) != 1 or not (isinstance(args[0], type) and issubclass(args[0], Model)):
            raise errors.UsageError(f"{cls.__name__}.{_ATTRIBUTE} must be list[<a Model>]")
        cls.vtiger_line_model = args[0]
        cls._vt_defaults = {k: v for k, v in cls._vt_defaults.items() if k != _ATTRIBUTE}

    # -- loading -------------------------------------------------------------------

    @classmethod
    def vtiger_from_wire(cls, row: dict[str, Any], backend: Backend | None = None) -> Self:
        """A record from a server row; lines are read from it or fetched on first use."""
        instance = super().vtiger_from_wire(cls._vt_exact(row), backend)
        instance.__pydantic_private__["_vt_lines"] = None  # type: ignore[index]
        vars(instance).pop(_ATTRIBUTE, None)
        if isinstance(row.get(LINE_ITEMS), list):
            instance._vt_take_lines(row[LINE_ITEMS])
        return instance

    def _vt_apply(self, row: Mapping[str, Any], keep: Iterable[str] = ()) -> None:
        kept = set(keep)
        super()._vt_apply(self._vt_exact(row), kept)
        if isinstance(row.get(LINE_ITEMS), list) and _ATTRIBUTE not in kept:
            self._vt_take_lines(row[LINE_ITEMS])

    @classmethod
    def _vt_exact(cls, row: Mapping[str, Any]) -> dict[str, Any]:
        """The row with JSON numbers of decimal fields turned into exact decimal text."""
        fields, names = cls.vtiger_fields, cls.vtiger_wire_names
        out = dict(row)
        for wire, value in row.items():
            name = names.get(wire)
            if name is not None and fields[name].vtiger_type in _DECIMAL_TYPES:
                out[wire] = exact_number(value, currency=fields[name].vtiger_type == "currency")
        return out

    def _vt_take_lines(self, rows: list[Any]) -> None:
        """Lines from the server, with `parent_id` set to this record's id."""
        line_model = self._vt_line_model()
        wire_names = line_model.vtiger_wire_names
        lines = []
        for raw in rows:
            if not isinstance(raw, Mapping):
                raise errors.ServerError(f"a line of {self.id} is not an object: {raw!r}")
            # product_name, entity_type, deleted, ... describe the line; they are not fields
            line_row = {k: v for k, v in raw.items() if k in wire_names or k == "id"}
            line_row["parent_id"] = str(self.id) if self.id else ""
            lines.append(line_model.vtiger_from_wire(line_row, self._vt_backend))
        vars(self)[_ATTRIBUTE] = lines
        self._vt_set_snapshot(lines)

    def _vt_set_snapshot(self, lines: list[Model]) -> None:
        self._vt_lines = [line_element(x) for x in lines]

    @classmethod
    def _vt_line_model(cls) -> type[Model]:
        if cls.vtiger_line_model is None:
            raise errors.UsageError(f"{cls.__name__} declares no {_ATTRIBUTE}: list[...]")
        return cls.vtiger_line_model

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            # Only reached when `line_items` is not in __dict__: a record loaded by a query.
            if name == _ATTRIBUTE:
                return self._vt_fetch_lines()
            return super().__getattr__(name)

    def _vt_fetch_lines(self) -> list[Any]:
        """The lines of a record loaded without them (by a query), fetched once."""
        lines: list[Any] = []
        if self.id is not None:
            line_model = self._vt_line_model()
            backend = self.vtiger_backend()
            found = line_model.objects.using(backend).filter(parent_id=self.id)  # type: ignore[attr-defined]
            lines = sorted(found, key=lambda line: line.sequence_no or 0)
        vars(self)[_ATTRIBUTE] = lines
        self._vt_set_snapshot(lines)
        return lines

    # -- writing -------------------------------------------------------------------

    def _vt_lines_to_send(self, action: str) -> list[dict[str, str]]:
        lines = self.__dict__.get(_ATTRIBUTE) or []
        if not lines:
            raise errors.MissingFieldsError(
                f"cannot {action} {type(self).__name__} without line_items: Vtiger stores "
                "inventory records only with at least one line",
                fields=[_ATTRIBUTE],
            )
        for number, line in enumerate(lines, start=1):
            line.vtiger_check_mandatory(action=f"send line {number} of")
        return [line_element(line) for line in lines]

    def _vt_create(self, backend: Backend) -> None:
        cls = type(self)
        self._vt_fill_owner(backend)
        self.vtiger_check_mandatory(cls.vtiger_fields, "create")
        lines = self._vt_lines_to_send("create")
        names = [
            name
            for name, spec in cls.vtiger_fields.items()
            if spec.editable and self.__dict__.get(name) is not None
        ]
        element: dict[str, Any] = self.vtiger_wire(names)
        element["productid"] = lines[0]["productid"]  # real 8.0 wants it besides the lines
        element[LINE_ITEMS] = lines
        result = backend.create(cls.vtiger_module, element)
        self._vt_loaded = {}
        self._vt_apply(dataloss.as_stored(cls, element, result, {}))

    def vtiger_lines_changed(self) -> bool:
        """Whether the lines differ from those loaded or last saved (in-place edits count)."""
        if _ATTRIBUTE not in self.__dict__:
            return False  # never looked at, so never changed
        snapshot = self._vt_lines
        current = [line_element(line) for line in self.__dict__[_ATTRIBUTE]]
        return snapshot is None or current != snapshot

    def vtiger_resend_lines(self) -> None:
        """Make the next `save()` send the lines even if unchanged.

        The server recomputes the totals from the lines it is sent; this repairs a record
        stored with zero totals (real 8.0 does that before answering HTTP 500 on create).
        """
        values = vars(self)
        lines = values[_ATTRIBUTE] if _ATTRIBUTE in values else self._vt_fetch_lines()
        if not lines:
            raise errors.InvalidArgument(f"{type(self).__name__} {self.id} has no lines to send")
        self._vt_lines = None

    def _vt_revise(self, backend: Backend, update_fields: Iterable[str] | None) -> None:
        changed = self.vtiger_changed()
        send_lines = self.vtiger_lines_changed()
        if update_fields is not None:
            wanted = set(update_fields)
            send_lines = send_lines and _ATTRIBUTE in wanted
            wanted.discard(_ATTRIBUTE)
            wanted = self._vt_check_names(wanted)
            changed = [name for name in changed if name in wanted]
        if not changed and not send_lines:
            return
        self.vtiger_check_mandatory(changed, "save")
        pending = set(self.vtiger_changed()) - set(changed)
        if self.vtiger_lines_changed() and not send_lines:
            pending.add(_ATTRIBUTE)
        self._vt_check_discounts(changed)
        lines: list[dict[str, str]] | None = None
        if send_lines:
            lines = self._vt_lines_to_send("save")
        elif self._vt_changes_totals(changed):
            lines = self._vt_stored_lines()
        sent = list(changed)
        if lines:
            sent += [name for name in self._vt_kept_by_lines() if name not in sent]
        element: dict[str, Any] = {"id": str(self.id), **self.vtiger_wire(sent)}
        if lines:
            element[LINE_ITEMS] = lines
        result = backend.revise(element)
        stored = dataloss.as_stored(type(self), element, result, self._vt_loaded, revise=True)
        self._vt_apply(stored, keep=pending)

    def _vt_changes_totals(self, changed: Iterable[str]) -> bool:
        """Whether a changed field feeds the totals, which 8.0 computes only with lines.

        A revise without lines stores S&H, adjustment and tax mode but leaves the totals as
        they were, and ignores the discounts: such a save sends the stored lines along.
        """
        names = type(self).vtiger_wire_names
        inputs = {names[wire] for wire in _TOTAL_INPUTS if wire in names}
        return any(name in inputs for name in changed)

    def _vt_stored_lines(self) -> list[dict[str, str]]:
        """The lines as last loaded or saved (unsaved line edits held back stay local)."""
        if _ATTRIBUTE not in self.__dict__:
            self._vt_fetch_lines()
        return list(self._vt_lines or [])

    def _vt_check_discounts(self, changed: Iterable[str]) -> None:
        """A discount can be replaced but not removed: 8.0 ignores a zero or empty one.

        Clearing one while setting the other is fine (the server clears it itself); clearing
        the only one is refused before sending anything, as an empty `hdnDiscountAmount`
        next to no percentage even crashes the server (HTTP 500, a PHP TypeError).
        """
        names = type(self).vtiger_wire_names
        fields = [names[wire] for wire in _DISCOUNTS if wire in names]
        values = self.__dict__
        cleared = [name for name in fields if name in changed and not values.get(name)]
        if cleared and not any(values.get(name) for name in fields):
            raise errors.InvalidArgument(
                f"{type(self).__name__}.{cleared[0]} cannot be cleared to "
                f"{values.get(cleared[0])!r}: Vtiger 8.0's webservice keeps a record discount "
                "once set; it only takes a non-zero percentage or amount, which replaces the "
                "other kind"
            )

    def _vt_kept_by_lines(self) -> list[str]:
        """The set fields a lines revise must repeat, or the server resets them (S&H, ...)."""
        names = type(self).vtiger_wire_names
        values = self.__dict__
        return [
            names[wire]
            for wire in _RESET_BY_LINES
            if wire in names and values.get(names[wire]) is not None
        ]

    def refresh(self, *, using: Backend | None = None) -> None:
        """Reload every field and the lines from the server, dropping unsaved changes."""
        vars(self).pop(_ATTRIBUTE, None)
        self._vt_lines = None
        super().refresh(using=using)
