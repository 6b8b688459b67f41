"""`Count`, `Sum`, `Avg`, `Min`, `Max`: aggregates vtorm computes over a query's values.

VTQL has `count(*)` and nothing else (no SUM, no GROUP BY, no DISTINCT), so `aggregate()`
and `values(...).annotate(...)` read the needed columns of the matching records and compute
in Python (a plain `Count("id")` of a query the server answers is one `count(*)` instead).
Empty values (None) are skipped as SQL skips NULL; text is grouped and ordered with the
server's collation, so `'Cork'`, `'cork'` and `'Cork  '` are one group (shown as the first
seen, in id order), as MySQL's GROUP BY and DISTINCT would make them.

>>> Sum("annual_revenue").alias, Count("id").alias
('annual_revenue__sum', 'id__count')
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from vtorm.errors import InvalidArgument
from vtorm.query import collation

__all__ = [
    "Aggregate",
    "Avg",
    "Count",
    "Max",
    "Min",
    "Sum",
    "aliased",
    "compute",
    "distinct_rows",
    "group_rows",
    "value_key",
]


@dataclass(frozen=True)
class Aggregate(ABC):
    """One aggregate over a field's values (python field name, or `id`)."""

    field: str
    function: ClassVar[str] = ""

    @property
    def alias(self) -> str:
        """The result key when none is given: `field__function`, as Django names it."""
        return f"{self.field.replace('*', 'id')}__{self.function.lower()}"

    def describe(self) -> str:
        """`SUM(annual_revenue)`, for messages."""
        return f"{self.function.upper()}({self.field})"

    @abstractmethod
    def compute(self, values: Sequence[Any]) -> Any:
        """The aggregate of the field's values (None among them meaning empty)."""


@dataclass(frozen=True)
class Count(Aggregate):
    """How many values are not empty; `Count("id")` (or `"*"`) counts records.

    `distinct=True` counts different values (text compared with the server's collation).
    """

    distinct: bool = False
    function: ClassVar[str] = "Count"

    def compute(self, values: Sequence[Any]) -> int:
        """The number of non-empty (or of different non-empty) values."""
        present = [value for value in values if value is not None]
        if self.distinct:
            return len({value_key(value) for value in present})
        return len(present)


@dataclass(frozen=True)
class Sum(Aggregate):
    """The sum of the non-empty values (None when there are none)."""

    function: ClassVar[str] = "Sum"

    def compute(self, values: Sequence[Any]) -> Any:
        """The total, in the field's type (int, Decimal)."""
        present = _numbers(self, values)
        return sum(present[1:], present[0]) if present else None


@dataclass(frozen=True)
class Avg(Aggregate):
    """The mean of the non-empty values: Decimal for decimal fields, float else; None if none."""

    function: ClassVar[str] = "Avg"

    def compute(self, values: Sequence[Any]) -> Any:
        """The mean."""
        present = _numbers(self, values)
        if not present:
            return None
        if all(isinstance(value, Decimal) for value in present):
            return sum(present, Decimal(0)) / len(present)
        return float(sum(present)) / len(present)


@dataclass(frozen=True)
class Min(Aggregate):
    """The smallest non-empty value, text ordered as the server orders it (None if none)."""

    function: ClassVar[str] = "Min"

    def compute(self, values: Sequence[Any]) -> Any:
        """The first value in the server's order."""
        present = [value for value in values if value is not None]
        return min(present, key=order_key) if present else None


@dataclass(frozen=True)
class Max(Aggregate):
    """The largest non-empty value, text ordered as the server orders it (None if none)."""

    function: ClassVar[str] = "Max"

    def compute(self, values: Sequence[Any]) -> Any:
        """The last value in the server's order."""
        present = [value for value in values if value is not None]
        return max(present, key=order_key) if present else None


def _numbers(aggregate: Aggregate, values: Sequence[Any]) -> list[Any]:
    present = [value for value in values if value is not None]
    for value in present:
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            raise InvalidArgument(
                f"{aggregate.describe()}: {value!r} is not a number; "
                f"{aggregate.function} needs a number field"
            )
    return present


def value_key(value: Any) -> Any:
    """A key equal for values the server finds equal (text: case, accents, trailing spaces)."""
    if isinstance(value, str):
        return (str, collation.text_key(value))
    if isinstance(value, list):  # multipicklist values
        return (list, tuple(value_key(item) for item in value))
    return (type(value).__name__, value)


def order_key(value: Any) -> Any:
    """A `sorted()` key ordering values as ORDER BY does (text with the collation)."""
    if isinstance(value, str):
        return collation.sort_key(value)
    return value


def aliased(args: Iterable[Aggregate], named: Mapping[str, Aggregate]) -> dict[str, Aggregate]:
    """Aggregates by result key: positional ones under their default alias."""
    result: dict[str, Aggregate] = {}
    for aggregate in (*args, *named.values()):
        if not isinstance(aggregate, Aggregate):
            raise InvalidArgument(
                f"{aggregate!r} is not an aggregate (use vtorm.Count, Sum, Avg, Min or Max)"
            )
    for aggregate in args:
        result[aggregate.alias] = aggregate
    for alias, aggregate in named.items():
        if alias in result:
            raise InvalidArgument(f"aggregate name {alias!r} is given twice")
        result[alias] = aggregate
    if not result:
        raise InvalidArgument("aggregate() needs at least one aggregate")
    return result


def _value(row: Mapping[str, Any], field: str) -> Any:
    return row["id"] if field == "*" else row[field]


def compute(
    aggregates: Mapping[str, Aggregate], rows: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Each aggregate over the rows (dicts of python field names)."""
    return {
        alias: aggregate.compute([_value(row, aggregate.field) for row in rows])
        for alias, aggregate in aggregates.items()
    }


def _group_order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """Groups in ORDER BY order of their values: empty first, text with the collation."""
    return tuple((0, 0) if part is None else (1, order_key(part)) for part in key)


def group_rows(
    fields: Sequence[str],
    aggregates: Mapping[str, Aggregate],
    rows: Iterable[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """`GROUP BY fields` with the aggregates: one dict per group, in the order of the values."""
    groups: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Mapping[str, Any]]]] = {}
    for row in rows:
        shown = tuple(row[field] for field in fields)
        key = tuple(value_key(value) for value in shown)
        groups.setdefault(key, (shown, []))[1].append(row)
    ordered = sorted(groups.values(), key=lambda group: _group_order(group[0]))
    return [
        {**dict(zip(fields, shown, strict=True)), **compute(aggregates, members)}
        for shown, members in ordered
    ]


def distinct_rows(rows: Iterable[Any]) -> list[Any]:
    """The rows with duplicates (as the server compares values) left out, first kept."""
    seen: set[Any] = set()
    unique = []
    for row in rows:
        values = (
            row.values() if isinstance(row, dict) else row if isinstance(row, tuple) else (row,)
        )
        key = tuple(value_key(value) for value in values)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique
