"""Lookups (`exact`, `in`, `gt`, `contains`, ...) as a table from name to condition builder.

Each builder turns one `field__lookup=value` into a small boolean formula over VTQL atoms
(`column op literal`). This module also owns the only function that formats a user value
into query text (`literal`), so escaping lives in exactly one place.

The server compares case- and accent-insensitively (MySQL `utf8_general_ci`), and its `=`
ignores trailing spaces, so `iexact`, `icontains`, `istartswith` and `iendswith` are the
same as their plain forms.

Two leaves have no VTQL form and are evaluated by vtorm itself (`vtorm.query.residual`):
`Unlike` (NOT LIKE, from negated patterns) and `Empty` (`isnull=True`).

An aware datetime is compared in the server's time zone, which is known only when the
query is sent: its literal is a `ZonedLiteral` holding the instant, and `localize()` (called
by the compiler with the server's zone) writes it as that zone's wall clock. A naive
datetime means server time and is written as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final, Literal, TypeAlias, TypeGuard

from vtorm.errors import InvalidArgument, InvalidRecordId, UnsupportedQuery
from vtorm.ids import RecordId
from vtorm.model.fields import VtigerField
from vtorm.model.values import UTC, is_text, server_wall_clock, to_wire
from vtorm.wire import DATETIME_FORMAT

__all__ = [
    "FALSE",
    "LOOKUPS",
    "TRUE",
    "Atom",
    "Empty",
    "Formula",
    "Junction",
    "Leaf",
    "Unlike",
    "ZonedLiteral",
    "like_escape",
    "literal",
    "localize",
    "negate",
    "quote",
]

Operator: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">=", "IN", "LIKE"]

#: The operator that is true exactly when the other one is false (NULL aside: SQL's NULL
#: makes both false, which is also what the negated condition means on the server).
COMPLEMENT: dict[str, Operator] = {
    "=": "!=",
    "!=": "=",
    "<": ">=",
    ">=": "<",
    ">": "<=",
    "<=": ">",
}


@dataclass(frozen=True, slots=True)
class Atom:
    """One VTQL comparison; `literals` are already quoted and escaped."""

    column: str
    op: Operator
    literals: tuple[str, ...]
    source: str = field(default="", compare=False)

    def render(self) -> str:
        """The comparison as VTQL text."""
        if self.op == "IN":
            return f"{self.column} IN ({', '.join(self.literals)})"
        return f"{self.column} {self.op} {self.literals[0]}"


@dataclass(frozen=True, slots=True)
class Junction:
    """AND or OR of formulas; `AND()` is true and `OR()` is false."""

    op: Literal["AND", "OR"]
    parts: tuple[Formula, ...]


@dataclass(frozen=True, slots=True)
class Unlike:
    """`NOT (column LIKE pattern)`: VTQL has no NOT, so vtorm evaluates it in Python."""

    atom: Atom

    @property
    def column(self) -> str:
        """The wire column the pattern tests."""
        return self.atom.column

    @property
    def source(self) -> str:
        """The lookup this came from (`lastname__contains`)."""
        return self.atom.source

    @property
    def reason(self) -> str:
        """Why the server cannot answer it (the text `server_only()` raises)."""
        return (
            f"negating {self.source} needs NOT LIKE, which VTQL does not have "
            "(exclude() and ~Q cannot use contains/startswith/endswith/like/isnull)"
        )

    def render(self) -> str:
        """The condition, written as SQL would (it is never sent)."""
        return f"NOT ({self.atom.render()})"


@dataclass(frozen=True, slots=True)
class Empty:
    """`column` holds no value (`isnull=True`); `present` is the VTQL test of the opposite.

    VTQL has neither `IS NULL` nor a working `= ''`, so vtorm evaluates it in Python.
    """

    present: Atom

    @property
    def column(self) -> str:
        """The wire column tested."""
        return self.present.column

    @property
    def source(self) -> str:
        """The lookup this came from (`email__isnull`)."""
        return self.present.source

    @property
    def reason(self) -> str:
        """Why the server cannot answer it (the text `server_only()` raises)."""
        return (
            f"{self.source}=True: VTQL cannot select empty values (no IS NULL, and = '' "
            "fails on the server); only isnull=False is supported"
        )

    def render(self) -> str:
        """The condition, written as SQL would (it is never sent)."""
        return f"{self.column} IS EMPTY"


Leaf: TypeAlias = Atom | Unlike | Empty
Formula: TypeAlias = Leaf | Junction
TRUE = Junction("AND", ())
FALSE = Junction("OR", ())
#: The literals of the atoms `isnull=False` builds: their complement is `Empty`, not `!=`.
_PRESENT: Final = {("LIKE", ("'_%'",)), (">", ("'0x0'",))}


class ZonedLiteral(str):
    """The literal of an aware datetime, written in the server's zone by `localize()`.

    Until then its text is the instant in UTC with its offset (`'2026-01-02 03:04:05+00:00'`),
    so it never equals the literal of a naive datetime, which means server time.
    """

    moment: dt.datetime

    def __new__(cls, moment: dt.datetime) -> ZonedLiteral:
        instant = moment.astimezone(UTC)
        self = super().__new__(cls, quote(instant.isoformat(sep=" ")))
        self.moment = instant
        return self

    def in_zone(self, zone: dt.tzinfo) -> str:
        """The quoted wall clock of the instant in `zone`."""
        return quote(server_wall_clock(self.moment, zone).strftime(DATETIME_FORMAT))


def localize(formula: Formula, zone: dt.tzinfo) -> Formula:
    """`formula` with every `ZonedLiteral` written in `zone` (the server's time zone)."""
    if isinstance(formula, Junction):
        parts = tuple(localize(part, zone) for part in formula.parts)
        return formula if parts == formula.parts else Junction(formula.op, parts)
    if not isinstance(formula, Atom):  # leaves that wrap a pattern or a presence test
        return formula
    if not any(isinstance(text, ZonedLiteral) for text in formula.literals):
        return formula
    literals = tuple(
        text.in_zone(zone) if isinstance(text, ZonedLiteral) else text for text in formula.literals
    )
    return Atom(formula.column, formula.op, literals, formula.source)


def negate(formula: Formula) -> Formula:
    """The complement of a formula, with negation pushed down to the leaves.

    The complement of a pattern is `Unlike`, and of a non-empty test (`LIKE '_%'`,
    `> '0x0'`) `Empty`: both are left for vtorm to evaluate. Like Django's `exclude()`,
    the complement of "has a value" includes records whose column is NULL.
    """
    if isinstance(formula, Junction):
        flipped: Literal["AND", "OR"] = "OR" if formula.op == "AND" else "AND"
        return Junction(flipped, tuple(negate(part) for part in formula.parts))
    if isinstance(formula, Unlike):
        return formula.atom
    if isinstance(formula, Empty):
        return formula.present
    if (formula.op, formula.literals) in _PRESENT:
        return Empty(formula)
    if formula.op in COMPLEMENT:
        return Atom(formula.column, COMPLEMENT[formula.op], formula.literals, formula.source)
    if formula.op == "IN":
        return Junction(
            "AND",
            tuple(Atom(formula.column, "!=", (lit,), formula.source) for lit in formula.literals),
        )
    return Unlike(formula)


def quote(text: str) -> str:
    """A VTQL string literal: backslashes doubled first (MySQL reads them), then quotes.

    >>> quote("O'Brien \\\\ Sons")
    "'O''Brien \\\\\\\\ Sons'"
    """
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def like_escape(text: str) -> str:
    """Escape LIKE's own metacharacters so `text` matches literally inside a pattern."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def literal(spec: VtigerField, value: object, source: str) -> str:
    """The VTQL literal comparing `value` with a field of this spec.

    Booleans are bare 1/0; everything else is quoted. Empty values cannot be written in
    VTQL (`= ''` crashes the real server, `IS NULL` does not exist), so they are refused.
    """
    if value is None or value == "":
        raise UnsupportedQuery(
            f"{source}: comparison with {value!r} cannot be expressed in VTQL "
            "('= \"\"' fails on the server and IS NULL does not exist); "
            "use isnull=True for empty values (vtorm checks them on the rows) or "
            "isnull=False for non-empty ones"
        )
    if spec.vtiger_type == "boolean":
        return _bool_literal(value, source)
    if spec.vtiger_type in ("reference", "owner", "autogenerated"):
        return quote(_record_id(value, source))
    if _is_aware(value) and spec.vtiger_type == "datetime":
        return ZonedLiteral(value)
    _check_text(spec, value, source)
    try:
        return quote(to_wire(spec.vtiger_type, value))
    except InvalidArgument as exc:
        raise InvalidArgument(f"{source}: {exc.message}") from None


def _is_aware(value: object) -> TypeGuard[dt.datetime]:
    return isinstance(value, dt.datetime) and value.utcoffset() is not None


def _check_text(spec: VtigerField, value: object, source: str) -> None:
    """Refuse what a text field cannot be compared with: `str()` of a list, bytes, a dict or
    any other object is some other text than the one the caller meant."""
    if not is_text(spec.vtiger_type):
        return
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidArgument(
            f"{source}: {value!r} is a {type(value).__name__}, not text "
            f"({spec.wire_name} is a {spec.vtiger_type} field)"
        )


def _record_id(value: object, source: str) -> RecordId:
    """A record id from an id string or a saved model instance (`account_id=acme`)."""
    if hasattr(value, "vtiger_module"):
        value = getattr(value, "id", None)
        if value is None:
            raise InvalidArgument(f"{source}: the record has not been saved, so it has no id")
    if not isinstance(value, str):
        raise InvalidArgument(f"{source}: {value!r} is not a record id like '12x5'")
    try:
        return RecordId(value)
    except InvalidRecordId as exc:
        raise InvalidRecordId(f"{source}: {exc.message}") from None


def _bool_literal(value: object, source: str) -> str:
    if value in (True, 1, "1"):
        return "1"
    if value in (False, 0, "0"):
        return "0"
    raise InvalidArgument(f"{source}: {value!r} is not a boolean")


def _pattern_text(spec: VtigerField, value: object, source: str) -> str:
    if spec.vtiger_type in ("reference", "owner", "autogenerated"):
        raise UnsupportedQuery(f"{source}: pattern lookups are not supported on record ids")
    if value is None:
        raise UnsupportedQuery(f"{source}: a pattern cannot be None")
    if _is_aware(value):
        raise InvalidArgument(
            f"{source}: a pattern is text, and an aware datetime has no text until it is "
            "written in the server's time zone; compare with gte/lt instead"
        )
    _check_text(spec, value, source)
    return value if isinstance(value, str) else to_wire(spec.vtiger_type, value)


_RECORD_TYPES = ("reference", "owner", "autogenerated")


def _compare(op: Operator) -> Builder:
    def build(column: str, spec: VtigerField, value: object, source: str) -> Formula:
        if value is None and op == "=" and spec.vtiger_type in _RECORD_TYPES:
            return _no_record(column, spec, source)
        return Atom(column, op, (literal(spec, value, source),), source)

    return build


def _no_record(column: str, spec: VtigerField, source: str) -> Formula:
    """`id=None` matches nothing (no stored record lacks an id: an unsaved one's id is None);
    `account_id=None` is an empty reference, as Django reads it: `isnull=True`."""
    if spec.vtiger_type == "autogenerated":
        return FALSE
    return LOOKUPS["isnull"](column, spec, True, source)


def _in(column: str, spec: VtigerField, value: object, source: str) -> Formula:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidArgument(f"{source} needs a list of values, got {value!r}")
    if spec.vtiger_type in _RECORD_TYPES:
        value = [item for item in value if item is not None]  # None is no record (Django)
    literals = tuple(dict.fromkeys(literal(spec, item, source) for item in value))
    return Atom(column, "IN", literals, source) if literals else FALSE


def _range(column: str, spec: VtigerField, value: object, source: str) -> Formula:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise InvalidArgument(f"{source} needs a (low, high) pair, got {value!r}")
    bounds = tuple(value)
    if len(bounds) != 2:
        raise InvalidArgument(f"{source} needs a (low, high) pair, got {value!r}")
    low = Atom(column, ">=", (literal(spec, bounds[0], source),), source)
    high = Atom(column, "<=", (literal(spec, bounds[1], source),), source)
    return Junction("AND", (low, high))


def _pattern(prefix: str, suffix: str) -> Builder:
    def build(column: str, spec: VtigerField, value: object, source: str) -> Formula:
        text = like_escape(_pattern_text(spec, value, source))
        return Atom(column, "LIKE", (quote(prefix + text + suffix),), source)

    return build


def _like(column: str, spec: VtigerField, value: object, source: str) -> Formula:
    text = _pattern_text(spec, value, source)
    if text == "":
        raise UnsupportedQuery(f"{source}: an empty LIKE pattern cannot be written in VTQL")
    return Atom(column, "LIKE", (quote(text),), source)


def _isnull(column: str, spec: VtigerField, value: object, source: str) -> Formula:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{source} needs True or False, got {value!r}")
    if spec.vtiger_type in ("reference", "owner", "autogenerated"):
        # Empty references are stored as 0 or NULL; both fail `> 0`.
        present = Atom(column, ">", ("'0x0'",), source)
    else:
        present = Atom(column, "LIKE", ("'_%'",), source)
    return Empty(present) if value else present


Builder: TypeAlias = Callable[[str, VtigerField, object, str], Formula]

#: Lookup name -> builder. The case-insensitive names are aliases: the server's collation
#: already ignores case (and accents), and its `=` ignores trailing spaces.
LOOKUPS: dict[str, Builder] = {
    "exact": _compare("="),
    "iexact": _compare("="),
    "gt": _compare(">"),
    "gte": _compare(">="),
    "lt": _compare("<"),
    "lte": _compare("<="),
    "in": _in,
    "range": _range,
    "contains": _pattern("%", "%"),
    "icontains": _pattern("%", "%"),
    "startswith": _pattern("", "%"),
    "istartswith": _pattern("", "%"),
    "endswith": _pattern("%", ""),
    "iendswith": _pattern("%", ""),
    "like": _like,
    "isnull": _isnull,
}
