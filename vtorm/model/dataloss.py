"""No silent data loss: what the server would store for each value, checked before a save,
and the server's answer compared with what was sent, after it.

Real Vtiger changes values on save without saying so (docs/data-loss.md): it cuts text to
the column's width, stores characters outside the Basic Multilingual Plane as one `?` per
UTF-8 byte on its utf8mb3 tables, HTML-encodes values that look like a script tag, rounds
decimals (currency to 2 places) and clamps numbers to the column's range. `predict()` says
what it would store, from the field's `VtigerField.column`; `altered()` finds what the
answer changed, modulo the server's normal formatting (padded decimals, `"0"`/`"1"`, ...).

Everything here is pure except `Guard`, which wraps a backend for the length of one save.
"""

from __future__ import annotations

import html.entities
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TYPE_CHECKING, Any, Final

from vtorm.errors import (
    DATA_LOSS_POLICIES,
    DataLossError,
    DataLossPolicy,
    DataLossWarning,
    InvalidArgument,
    ValueAlteredError,
)
from vtorm.model.fields import VtigerField
from vtorm.model.values import to_python
from vtorm.query.backend import BackendWrapper
from vtorm.wire import LINE_ITEMS

if TYPE_CHECKING:
    from vtorm.model.base import Model
    from vtorm.query.backend import Backend

__all__ = [
    "Damage",
    "Guard",
    "altered",
    "as_stored",
    "data_loss_policy",
    "predict",
    "predict_element",
    "predict_lines",
]

#: The server's test (PHP `preg_match`, so `.` does not cross a newline).
_SCRIPT: Final = re.compile(r"(?i)(script).*(/script)")
_ENTITIES: Final = (("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"))
#: Types stored as numbers; the others that are not text are stored as sent.
_NUMBERS: Final = frozenset({"integer", "double", "currency", "percentage"})
_NOT_TEXT: Final = frozenset({"boolean", "date", "datetime", "time", "reference", "owner"})
#: The user preference "Number of currency decimals" (2 on a stock install) rounds currency.
CURRENCY_PLACES: Final = 2
#: Significant digits PHP writes a float with (its `precision` setting).
PHP_FLOAT_DIGITS: Final = 14
#: Double fields that Vtiger also sends through a PHP float (uitype 1 fields CRMEntity
#: converts, and uitype 7 number fields), as currency: stock 8.0 field names.
FLOAT_DOUBLES: Final = frozenset(
    {"qty_per_unit", "qtyinstock", "salescommission", "exciseduty", "quantity"}
    | {"total_units", "used_units"}
)
#: Types whose answer is not comparable with what was sent: datetimes are read in the
#: user's time zone and answered in the server's.
_NOT_COMPARED: Final = frozenset({"datetime"})

#: What PHP's `html_entity_decode($s, ENT_QUOTES)` decodes: HTML 4.01 names, numbers, with `;`.
_ENTITY: Final = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));")

_WHY_DECODE = "a revise decodes HTML entities before it saves (&amp; is stored as &)"
_WHY_BMP = "characters outside the Basic Multilingual Plane become '?' on a utf8mb3 server"
_WHY_SCRIPT = 'text matching /(script).*(\\/script)/i is stored with <, > and " HTML-encoded'


@dataclass(frozen=True, slots=True)
class Damage:
    """One value the server would store differently: field names, sent, stored, why."""

    name: str
    wire_name: str
    sent: str
    stored: str
    reasons: tuple[str, ...]


def data_loss_policy(value: object, backend: object = None) -> DataLossPolicy:
    """The policy of one save: `value` if given, else the backend's, else "raise"."""
    chosen = getattr(backend, "data_loss", "raise") if value is None else value
    if chosen not in DATA_LOSS_POLICIES:
        raise InvalidArgument(f"data_loss must be one of {DATA_LOSS_POLICIES}, not {chosen!r}")
    return chosen


def predict(
    spec: VtigerField, wire: str, *, utf8mb4: bool = False, revise: bool = False
) -> tuple[str, tuple[str, ...]]:
    """What the server stores for the wire value `wire`, and why it differs (`()`: it doesn't).

    `revise`: the value is sent by a revise, which decodes HTML entities first (Vtiger's
    `VtigerCRMObject::revise` runs `decode_html` over every value; create does not).

    >>> predict(VtigerField("bill_city", "string", column="varchar(30)"), "x" * 31)[1]
    ('the column is varchar(30): text is cut to 30 characters',)
    >>> predict(VtigerField("amount", "currency", column="decimal(25,8)"), "2.675")[0]
    '2.68'
    """
    if spec.vtiger_type in _NUMBERS:
        return _predict_number(spec, wire)
    if spec.vtiger_type in _NOT_TEXT:
        return wire, ()
    return _predict_text(spec, wire, utf8mb4, revise)


def _predict_text(
    spec: VtigerField, wire: str, utf8mb4: bool, revise: bool
) -> tuple[str, tuple[str, ...]]:
    stored, reasons = wire, []
    if revise and (decoded := php_decode(stored)) != stored:
        stored = decoded
        reasons.append(_WHY_DECODE)
    if _SCRIPT.search(stored):
        for character, entity in _ENTITIES:
            stored = stored.replace(character, entity)
        reasons.append(_WHY_SCRIPT)
    if not utf8mb4 and not all(ord(character) <= 0xFFFF for character in stored):
        stored = "".join(_mb3(character) for character in stored)
        reasons.append(_WHY_BMP)
    limit = spec.max_length
    if limit is not None and len(stored) > limit:
        stored = stored[:limit]
        reasons.append(f"the column is {spec.column}: text is cut to {limit} characters")
    return stored, tuple(reasons)


def php_decode(text: str) -> str:
    """PHP's `html_entity_decode(text, ENT_QUOTES)`: `&lt;` -> `<`, `&#039;` -> `'`; unknown
    names, `&apos;` and entities without their `;` stay as they are."""
    return _ENTITY.sub(_decode_entity, text)


def _decode_entity(match: re.Match[str]) -> str:
    """One entity as PHP decodes it, or left as it stands where PHP leaves it."""
    number, hexadecimal, name = match.groups()
    if name is not None:
        return chr(_HTML4_NAMES[name]) if name in _HTML4_NAMES else match.group()
    code = int(number) if number is not None else int(hexadecimal, 16)
    return chr(code) if _decodable(code) else match.group()


def _decodable(code: int) -> bool:
    """Whether PHP turns this code point into a character: not NUL, not a surrogate, in range."""
    return 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF


#: The named entities PHP's default (ENT_HTML401) table knows: HTML 4.01's, without `apos`.
_HTML4_NAMES: Final = html.entities.name2codepoint


def _mb3(character: str) -> str:
    """How MySQL stores one character in a utf8mb3 column: a 4-byte one as `????`."""
    return character if ord(character) <= 0xFFFF else "?" * len(character.encode("utf-8"))


def _predict_number(spec: VtigerField, wire: str) -> tuple[str, tuple[str, ...]]:
    try:
        number = Decimal(wire)
    except InvalidOperation:
        return wire, ()  # not a number: the server's own error, not silent loss
    if not number.is_finite():
        return wire, ()
    if spec.decimal is not None:
        return _predict_decimal(spec, number, wire)
    if spec.int_range is not None:
        return _predict_integer(spec, number, wire)
    return wire, ()


def _predict_decimal(spec: VtigerField, number: Decimal, wire: str) -> tuple[str, tuple[str, ...]]:
    assert spec.decimal is not None
    precision, scale = spec.decimal
    reasons: list[str] = []
    stored = number
    if _via_float(spec):
        stored = _php_float(number)
        if stored != number:
            reasons.append(_float_reason(number))
    if _places(stored) > scale:
        stored = stored.quantize(Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP)
        reasons.append(f"the column is {spec.column}: {scale} decimal places are kept")
    largest = Decimal(10) ** (precision - scale) - Decimal(1).scaleb(-scale)
    if abs(stored) > largest:
        stored = largest.copy_sign(stored)
        reasons.append(f"the column is {spec.column}: the largest value is {largest}")
    return (format(stored, "f") if reasons else wire), tuple(reasons)


def _via_float(spec: VtigerField) -> bool:
    """Whether Vtiger turns the value into a PHP float first (currency, some doubles)."""
    return spec.vtiger_type == "currency" or (
        spec.vtiger_type == "double" and spec.wire_name in FLOAT_DOUBLES
    )


def _php_float(number: Decimal) -> Decimal:
    """What `CurrencyField::convertToDBFormat` hands MySQL: the value as a PHP float, rounded
    half up to 2 places (PHP's `round()` pre-rounds, so 2.675 gives 2.68), then written
    with PHP's 14 significant digits (`precision=14`)."""
    with localcontext() as context:
        context.prec = 80
        rounded = Decimal(repr(float(number))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        return Decimal(format(float(rounded), ".14G"))


def _float_reason(number: Decimal) -> str:
    if _digits(number.quantize(Decimal("0.01"), ROUND_HALF_UP)) > PHP_FLOAT_DIGITS:
        return f"the value passes through a PHP float: {PHP_FLOAT_DIGITS} significant digits"
    return f"the value passes through a PHP float: rounded to {CURRENCY_PLACES} decimal places"


def _digits(number: Decimal) -> int:
    return len(number.normalize().as_tuple().digits)


def _predict_integer(spec: VtigerField, number: Decimal, wire: str) -> tuple[str, tuple[str, ...]]:
    assert spec.int_range is not None
    low, high = spec.int_range
    reasons: list[str] = []
    stored = number
    if number != number.to_integral_value():
        stored = number.to_integral_value(rounding=ROUND_HALF_UP)
        reasons.append(f"the column is {spec.column}: decimals are rounded away")
    if not low <= stored <= high:
        stored = Decimal(min(max(stored, Decimal(low)), Decimal(high)))
        reasons.append(f"the column is {spec.column}: values run from {low} to {high}")
    return (str(int(stored)) if reasons else wire), tuple(reasons)


def _places(number: Decimal) -> int:
    """Decimal places that carry a digit (`1.50` has one)."""
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def predict_element(
    model: type[Model],
    element: Mapping[str, Any],
    *,
    utf8mb4: bool = False,
    revise: bool = False,
) -> list[Damage]:
    """Each value of a create/revise element that the server would not store as sent."""
    damages: list[Damage] = []
    for wire, value in element.items():
        name = model.vtiger_wire_names.get(wire)
        if name is None or not isinstance(value, str) or not value:
            continue
        spec = model.vtiger_fields[name]
        stored, reasons = predict(spec, value, utf8mb4=utf8mb4, revise=revise)
        if reasons:
            damages.append(Damage(name, wire, value, stored, reasons))
    return damages


def predict_lines(
    model: type[Model], element: Mapping[str, Any], *, utf8mb4: bool = False
) -> list[Damage]:
    """`predict_element` for each inventory line an element carries, named `line_items[n]`."""

    line_model: type[Model] | None = getattr(model, "vtiger_line_model", None)
    lines = element.get(LINE_ITEMS)
    if line_model is None or not isinstance(lines, list):
        return []
    return [
        replace(damage, name=f"line_items[{number}].{damage.name}")
        for number, line in enumerate(lines, start=1)
        if isinstance(line, Mapping)
        for damage in predict_element(line_model, line, utf8mb4=utf8mb4)
    ]


def altered(
    model: type[Model],
    element: Mapping[str, Any],
    answer: Mapping[str, Any],
    *,
    revise: bool = False,
) -> list[Damage]:
    """Each sent value that the server's answer holds differently (normal formatting aside).

    `revise`: the element was sent by a revise (which decodes entities before it saves).
    """
    damages: list[Damage] = []
    label = answer.get("label")
    for wire, value in element.items():
        name = model.vtiger_wire_names.get(wire)
        if name is None or not isinstance(value, str) or not value or wire not in answer:
            continue
        spec = model.vtiger_fields[name]
        got = answer[wire]
        stored = _unechoed(spec, value, "" if got is None else str(got), label, revise)
        if spec.vtiger_type not in _NOT_COMPARED and not _same(spec, value, stored):
            damages.append(Damage(name, wire, value, stored, ("the server's answer differs",)))
    return damages


def _unechoed(spec: VtigerField, sent: str, got: str, label: object, revise: bool) -> str:
    """What the server stored for a field whose answer is `got`.

    A create/revise answer shows a value equal to the record's encoded label decoded (PHP's
    `to_html()` caches the label it encoded during the save under the encoded text): a script
    tag in `Contacts.lastname` comes back as sent, though the server keeps it encoded, and
    `AT&amp;T` as `AT&T`, though it keeps `AT&amp;T`. Such an answer means the server
    stored the label, encoded, which is what the prediction for the sent value says.
    """
    if not isinstance(label, str) or not label or got != php_decode(label):
        return got
    predicted = predict(spec, sent, utf8mb4=True, revise=revise)[0]
    return predicted if predicted == label else got


def as_stored(
    model: type[Model],
    sent: Mapping[str, Any],
    answer: dict[str, Any],
    loaded: Mapping[str, Any],
    *,
    revise: bool = False,
) -> dict[str, Any]:
    """A create/revise `answer` with each decoded echo (`_unechoed`) replaced by the value the
    server stored, so the instance holds what a retrieve would show. A field not sent is
    known to be stored encoded when it was loaded as the encoded label."""
    label = answer.get("label")
    if not isinstance(label, str) or not label or php_decode(label) == label:
        return answer
    echo = php_decode(label)
    fixed = dict(answer)
    for wire, got in answer.items():
        name = model.vtiger_wire_names.get(wire)
        if got != echo or name is None:
            continue
        value = sent.get(wire)
        if isinstance(value, str) and value:
            fixed[wire] = _unechoed(model.vtiger_fields[name], value, got, label, revise)
        elif wire not in sent and loaded.get(wire) == label:
            fixed[wire] = label
    return fixed


def _same(spec: VtigerField, sent: str, stored: str) -> bool:
    """Whether `stored` is `sent` as the server formats it ("1.5" is "1.50000000")."""
    if sent == stored:
        return True
    if spec.vtiger_type not in _NOT_TEXT and spec.vtiger_type not in _NUMBERS:
        return False  # text comes back byte-identical unless it was changed
    try:
        return bool(to_python(spec.vtiger_type, sent) == to_python(spec.vtiger_type, stored))
    except InvalidArgument:
        return False


def message(model: str, damages: list[Damage], *, stored: bool) -> str:
    """One line per damaged field: names, shortened values, what the server keeps, why."""
    verb = "stored" if stored else "would store"
    lines = [
        f"{model}.{d.name} (wire name {d.wire_name!r}): sent {_short(d.sent)}, the server "
        f"{verb} {_short(d.stored)}: {'; '.join(d.reasons)}"
        for d in damages
    ]
    hint = (
        "The record was saved with these values."
        if stored
        else "Nothing was sent. Pass data_loss='allow' (or 'warn') to save anyway."
    )
    return "\n".join([f"The server would not keep {model}'s values as given:", *lines, hint])


def _short(text: str, limit: int = 40) -> str:
    if len(text) <= limit:
        return repr(text)
    return f"{text[: limit - 1]!r}… ({len(text)} characters)"


class Guard(BackendWrapper):
    """The backend of one save: each create/revise is checked before and after it is sent.

    The checks that precede the request raise (or warn) at once, so nothing is sent;
    the answer is compared by `finish()`, once the instance holds the stored values.
    """

    def __init__(self, backend: Backend, model: type[Model], policy: DataLossPolicy) -> None:
        super().__init__(backend)
        self._model = model
        self._policy = policy
        self._utf8mb4 = getattr(backend, "charset", "utf8mb3") == "utf8mb4"
        self._sent: list[tuple[str, Mapping[str, Any], Mapping[str, Any]]] = []

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]:
        self._before("create", element)
        answer = self.wrapped.create(module, element)
        self._sent.append(("create", element, answer))
        return answer

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]:
        self._before("revise", element)
        answer = self.wrapped.revise(element)
        self._sent.append(("revise", element, answer))
        return answer

    def _before(self, operation: str, element: Mapping[str, Any]) -> None:
        revise = operation == "revise"
        damages = predict_element(self._model, element, utf8mb4=self._utf8mb4, revise=revise)
        damages += predict_lines(self._model, element, utf8mb4=self._utf8mb4)
        if not damages:
            return
        text = message(self._model.__name__, damages, stored=False)
        if not self._warned(text, stacklevel=6):
            raise DataLossError(
                text, model=self._model.__name__, changes=_changes(damages), operation=operation
            )

    def _warned(self, text: str, stacklevel: int) -> bool:
        """Under the "warn" policy, warn (at the caller's line) and say so; else False."""
        if self._policy != "warn":
            return False
        warnings.warn(DataLossWarning(text), stacklevel=stacklevel)
        return True

    def finish(self, record: Model) -> None:
        """Compare each answer with what was sent; `record` holds the stored values."""
        for operation, element, answer in self._sent:
            damages = altered(self._model, element, answer, revise=operation == "revise")
            if not damages:
                continue
            text = message(self._model.__name__, damages, stored=True)
            if self._warned(text, stacklevel=4):
                continue
            raise ValueAlteredError(
                text,
                model=self._model.__name__,
                changes=_changes(damages),
                record=record,
                operation=operation,
            )


def _changes(damages: list[Damage]) -> dict[str, tuple[str, str]]:
    return {d.name: (d.sent, d.stored) for d in damages}
