"""Hypothesis: what VTQL cannot say runs anyway, and gives what the server's rules give.

Random products (text with accents, case, `ß`, trailing spaces, LIKE metacharacters and
quotes; integers, decimals, dates; empty values) are created once. Every record is then
read once with `all()`, and random queries mixing the residual constructs (NOT LIKE,
`isnull=True`, ORs of both with server lookups, mixed sort directions, negative slices,
`reverse()`, `distinct()`, aggregates, grouped counts and sums) are checked against an
oracle over those records written here, from the documented MySQL rules
(`docs/vtiger-webservice.md` §0, §6.5), not from vtorm's residual code:

- text: each character by its base letter, upper-cased (`ß` = `S`); `=`/`<`/`>` and ORDER BY
  ignore trailing spaces; LIKE compares character by character without that; an empty
  text is the empty string;
- numbers and dates compare as such; an empty one is NULL (three-valued logic);
- `isnull` is true for an empty value, and is two-valued.

Orders are compared by their sort keys (ties may come in any order the server picks),
results by their ids. In live mode (`tests/live.py`) the same suite runs against the real
server, emptied first.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generated import Product
from tests.live import crm_client
from tests.properties import examples
from vtorm import Avg, Count, Max, Min, Q, Sum
from vtorm.client import Client

TEXT_FIELDS = ("productname", "mfr_part_no", "serial_no")
NUMBER_FIELDS = ("reorderlevel", "qtyinstock")
DATE_FIELDS = ("sales_start_date",)
FIELDS = (*TEXT_FIELDS, *NUMBER_FIELDS, *DATE_FIELDS)
ALPHABET = "aAbeEéÉèsSßüÜuU %_'\\x1"
DATES = tuple(dt.date(2024, 1, 1) + dt.timedelta(days=step * 45) for step in range(6))
RECORDS = 28

Truth = bool | None  # None: SQL's unknown

# -- the data ----------------------------------------------------------------------------


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 5)))


def seed_values(seed: int = 15) -> list[dict[str, Any]]:
    """The same pseudo-random products every run; each field may be left empty."""
    rng = random.Random(seed)

    def maybe(make: Callable[[], Any]) -> Any:
        return None if rng.random() < 0.25 else make()

    rows = []
    for _ in range(RECORDS):
        row: dict[str, Any] = {"productname": random_text(rng)}
        for name in TEXT_FIELDS[1:]:
            row[name] = maybe(lambda: random_text(rng) + rng.choice(("", "", "  ")))
        row["reorderlevel"] = maybe(lambda: rng.randint(0, 12))
        row["qtyinstock"] = maybe(lambda: Decimal(rng.randint(0, 400)).scaleb(-2))
        row["sales_start_date"] = maybe(lambda: rng.choice(DATES))
        rows.append(row)
    # Names equal under the collation, so `=`, DISTINCT and GROUP BY must merge them.
    fixed = ["Straße", "STRASE  ", "café", "Cafe", "CAFÉ ", "50% off", "a_b", "O'Brien \\ x"]
    for row, name in zip(rows, fixed, strict=False):
        row["productname"] = name
        row["mfr_part_no"] = name.lower() if len(name) % 2 else None
    return rows


@pytest.fixture(scope="module")
def crm() -> Iterator[tuple[Client, list[Product]]]:
    """An empty CRM (embedded, or the real one in live mode) with the products, and every
    product as `all()` reads it back (once)."""
    with crm_client() as client:
        for values in seed_values():
            Product(**values).save(using=client)
        everything = list(Product.objects.using(client).all())
        assert len(everything) == RECORDS
        yield client, everything


# -- the oracle: the server's rules, written from the documentation ----------------------


def weight(char: str) -> str:
    if char == "ß":
        return "S"
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
    )
    base = stripped[:1] or char
    return base.upper() if len(base.upper()) == 1 else base


def folded(text: str) -> str:
    return "".join(weight(char) for char in text)


def text_cmp(left: str, right: str) -> int:
    a, b = folded(left).rstrip(" "), folded(right).rstrip(" ")
    a, b = a + " " * (len(b) - len(a)), b + " " * (len(a) - len(b))
    return (a > b) - (a < b)


def like_match(text: str, pattern: str) -> bool:
    """LIKE by recursion over the pattern (`\\` escapes, `%` any run, `_` one character)."""
    value, tokens = folded(text), []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            tokens.append(("lit", weight(pattern[index + 1])))
            index += 2
            continue
        tokens.append(
            ("any", "") if char == "%" else ("one", "") if char == "_" else ("lit", weight(char))
        )
        index += 1

    @functools.cache
    def match(t: int, v: int) -> bool:
        if t == len(tokens):
            return v == len(value)
        kind, lit = tokens[t]
        if kind == "any":
            return any(match(t + 1, w) for w in range(v, len(value) + 1))
        if v == len(value):
            return False
        return (kind == "one" or value[v] == lit) and match(t + 1, v + 1)

    return match(0, 0)


def escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def stored(record: Product, name: str) -> Any:
    value = getattr(record, name)
    if name in TEXT_FIELDS:
        return "" if value is None else value
    return value


def compare(name: str, left: Any, right: Any) -> int:
    if name in TEXT_FIELDS:
        return text_cmp(left, right)
    return (left > right) - (left < right)


def lookup_truth(record: Product, key: str, value: Any) -> Truth:
    name, _, lookup = key.partition("__")
    current = stored(record, name)
    if lookup == "isnull":
        return (current is None or current == "") is value
    if current is None:
        return None
    patterns = {"contains": "%{}%", "startswith": "{}%", "endswith": "%{}"}
    if lookup in patterns:
        return like_match(str(current), patterns[lookup].format(escaped(value)))
    if lookup == "like":
        return like_match(str(current), value)
    if lookup == "in":
        return any(compare(name, current, item) == 0 for item in value)
    if lookup == "range":
        return compare(name, current, value[0]) >= 0 and compare(name, current, value[1]) <= 0
    sign = compare(name, current, value)
    return {
        "exact": sign == 0,
        "gt": sign > 0,
        "gte": sign >= 0,
        "lt": sign < 0,
        "lte": sign <= 0,
    }[lookup or "exact"]


def q_truth(q: Q, record: Product) -> Truth:
    values = [
        q_truth(child, record) if isinstance(child, Q) else lookup_truth(record, *child)
        for child in q.children
    ]
    if q.connector == "AND":
        value = False if False in values else None if None in values else True
    else:
        value = True if True in values else None if None in values else False
    if q.negated:
        return None if value is None else not value
    return value


def sort_value(record: Product, name: str, width: int) -> Any:
    if name == "id":
        return (1, int(str(record.id).partition("x")[2]))
    value = stored(record, name)
    if value is None:
        return (0, "")
    if name in TEXT_FIELDS:
        return (1, folded(value).rstrip(" ").ljust(width))
    return (1, value)


class Reversed:
    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: Reversed) -> bool:
        return bool(other.key < self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reversed) and bool(self.key == other.key)


def order_key(order: Sequence[str], width: int) -> Callable[[Product], tuple[Any, ...]]:
    def key(record: Product) -> tuple[Any, ...]:
        parts: list[Any] = []
        for entry in order:
            value = sort_value(record, entry.removeprefix("-"), width)
            parts.append(Reversed(value) if entry.startswith("-") else value)
        return tuple(parts)

    return key


def key_values(records: Sequence[Product], order: Sequence[str], width: int) -> list[Any]:
    """What an order is checked by: each record's sort values (the ties' order is free)."""
    return [
        tuple(sort_value(record, entry.removeprefix("-"), width) for entry in order)
        for record in records
    ]


# -- random queries ----------------------------------------------------------------------

text_value = st.text(ALPHABET, min_size=1, max_size=3)
text_leaf = (
    st.builds(
        lambda field, lookup, value: Q(**{f"{field}__{lookup}": value}),
        st.sampled_from(TEXT_FIELDS),
        st.sampled_from(("exact", "gt", "lt", "gte", "lte", "contains", "startswith", "endswith")),
        text_value,
    )
    | st.builds(
        lambda field, values: Q(**{f"{field}__in": values}),
        st.sampled_from(TEXT_FIELDS),
        st.lists(text_value, min_size=1, max_size=3),
    )
    | st.builds(
        lambda field, pattern: Q(**{f"{field}__like": pattern}),
        st.sampled_from(TEXT_FIELDS),
        st.sampled_from(("%a%", "_", "s%", "%\\%%", "%\\_%", "%'%", "C_f%", "% ")),
    )
)
number_leaf = (
    st.builds(
        lambda lookup, value: Q(**{f"reorderlevel__{lookup}": value}),
        st.sampled_from(("exact", "gt", "lt", "gte", "lte")),
        st.integers(0, 12),
    )
    | st.builds(
        lambda lookup, value: Q(**{f"qtyinstock__{lookup}": Decimal(value).scaleb(-2)}),
        st.sampled_from(("exact", "gt", "lt", "gte", "lte")),
        st.integers(0, 400),
    )
    | st.builds(
        lambda low, high: Q(reorderlevel__range=(low, high)), st.integers(0, 12), st.integers(0, 12)
    )
)
date_leaf = st.builds(
    lambda lookup, value: Q(**{f"sales_start_date__{lookup}": value}),
    st.sampled_from(("exact", "gt", "lt", "gte", "lte")),
    st.sampled_from(DATES),
)
isnull_leaf = st.builds(
    lambda field, value: Q(**{f"{field}__isnull": value}), st.sampled_from(FIELDS), st.booleans()
)
trees = st.recursive(
    text_leaf | number_leaf | date_leaf | isnull_leaf,
    lambda children: (
        st.builds(lambda a, b: a & b, children, children)
        | st.builds(lambda a, b: a | b, children, children)
        | st.builds(lambda a: ~a, children)
    ),
    max_leaves=4,
)
orders = st.lists(
    st.builds(
        lambda name, descending: f"-{name}" if descending else name,
        st.sampled_from((*FIELDS, "id")),
        st.booleans(),
    ),
    max_size=3,
    unique_by=lambda key: key.removeprefix("-"),
)
bounds = st.none() | st.integers(-8, 30)
slices = st.none() | st.builds(slice, bounds, bounds)


def expected_records(everything: list[Product], tree: Q | None, excluded: bool) -> list[Product]:
    """The records a filter (or the exclude of it) selects: those for which it is true."""
    if tree is None:
        return list(everything)
    condition = ~tree if excluded else tree
    return [record for record in everything if q_truth(condition, record) is True]


def ids(records: Sequence[Product]) -> list[str]:
    return [str(record.id) for record in records]


def width_of(everything: list[Product]) -> int:
    return max(len(str(stored(r, n) or "")) for r in everything for n in TEXT_FIELDS) + 1


def check_order(
    found: list[Product],
    expected: list[Product],
    order: Sequence[str],
    width: int,
    window: slice | None,
) -> None:
    """`found` is `expected` in this order (then sliced), up to the order of ties."""
    full = order or ("id",)
    ordered = sorted(expected, key=order_key(full, width))
    want = ordered if window is None else ordered[window]
    assert key_values(found, full, width) == key_values(want, full, width)
    assert len(set(ids(found))) == len(found)
    assert set(ids(found)) <= set(ids(expected))
    if window is None:
        assert set(ids(found)) == set(ids(expected))


# -- the properties ----------------------------------------------------------------------

SETTINGS = settings(
    max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(
    tree=trees,
    excluded=st.booleans(),
    order=orders,
    window=slices,
    backwards=st.booleans(),
    narrow=st.booleans(),
)
def test_filters_orders_and_slices_give_what_the_rules_give(
    crm: tuple[Client, list[Product]],
    tree: Q,
    excluded: bool,
    order: list[str],
    window: slice | None,
    backwards: bool,
    narrow: bool,
) -> None:
    client, everything = crm
    objects = Product.objects.using(client)
    if narrow:  # only(): what the residual reads must be fetched anyway
        objects = objects.only("product_no")
    query = objects.exclude(tree) if excluded else objects.filter(tree)
    if order:
        query = query.order_by(*order)
    effective = list(order)
    if backwards:
        query = query.reverse()
        effective = [key[1:] if key.startswith("-") else f"-{key}" for key in order or ["id"]]
    expected = expected_records(everything, tree, excluded)
    sliced = query if window is None else query[window]
    found = list(sliced)
    check_order(found, expected, effective, width_of(everything), window)
    assert sliced.count() == len(found)
    assert sliced.exists() is bool(found)


@SETTINGS
@given(tree=st.none() | trees, order=orders, index=st.integers(-6, 6))
def test_indexing_from_either_end(
    crm: tuple[Client, list[Product]], tree: Q | None, order: list[str], index: int
) -> None:
    client, everything = crm
    query = (
        Product.objects.using(client).all()
        if tree is None
        else Product.objects.using(client).filter(tree)
    )
    query = query.order_by(*order) if order else query
    expected = expected_records(everything, tree, False)
    width = width_of(everything)
    ordered = sorted(expected, key=order_key(order or ("id",), width))
    if not -len(ordered) <= index < len(ordered):
        with pytest.raises(IndexError):
            query[index]
        return
    found = query[index]
    assert found.id in set(ids(expected))
    assert key_values([found], order or ("id",), width) == key_values(
        [ordered[index]], order or ("id",), width
    )


numbers_or_dates = st.sampled_from((*NUMBER_FIELDS, *DATE_FIELDS))


@SETTINGS
@given(
    tree=st.none() | trees,
    number=st.sampled_from(NUMBER_FIELDS),
    extreme=st.sampled_from(FIELDS),
    counted=st.sampled_from((*FIELDS, "id")),
)
def test_aggregates_give_what_the_rules_give(
    crm: tuple[Client, list[Product]], tree: Q | None, number: str, extreme: str, counted: str
) -> None:
    client, everything = crm
    objects = Product.objects.using(client)
    query = objects.all() if tree is None else objects.filter(tree)
    result = query.aggregate(
        Count("id"),
        Count(counted),
        total=Sum(number),
        mean=Avg(number),
        low=Min(extreme),
        high=Max(extreme),
        kinds=Count(extreme, distinct=True),
    )
    expected = expected_records(everything, tree, False)
    present = [getattr(r, number) for r in expected if getattr(r, number) is not None]
    assert result["id__count"] == len(expected)
    assert result[f"{counted}__count"] == sum(
        1 for r in expected if getattr(r, counted) is not None
    )
    assert result["total"] == (sum(present) if present else None)
    if present:
        mean = sum(present) / len(present)
        assert result["mean"] == pytest.approx(mean)
    else:
        assert result["mean"] is None
    extremes = [getattr(r, extreme) for r in expected if getattr(r, extreme) is not None]
    width = width_of(everything)
    keys = sorted(sort_value_of(extreme, value, width) for value in extremes)
    if not keys:
        assert result["low"] is None and result["high"] is None
        assert result["kinds"] == 0
        return
    assert sort_value_of(extreme, result["low"], width) == keys[0]
    assert sort_value_of(extreme, result["high"], width) == keys[-1]
    assert result["kinds"] == len(set(keys))


def sort_value_of(name: str, value: Any, width: int) -> Any:
    if name in TEXT_FIELDS:
        return folded(value).rstrip(" ").ljust(width)
    return value


@SETTINGS
@given(tree=st.none() | trees, field=st.sampled_from(FIELDS), number=st.sampled_from(NUMBER_FIELDS))
def test_grouped_counts_sums_and_distinct_values(
    crm: tuple[Client, list[Product]], tree: Q | None, field: str, number: str
) -> None:
    client, everything = crm
    objects = Product.objects.using(client)
    query = objects.all() if tree is None else objects.filter(tree)
    expected = expected_records(everything, tree, False)
    width = width_of(everything)

    def group_key(record: Product) -> Any:
        value = getattr(record, field)
        return (0, "") if value is None else (1, sort_value_of(field, value, width))

    groups: dict[Any, list[Product]] = {}
    for record in expected:
        groups.setdefault(group_key(record), []).append(record)
    rows = query.values(field).annotate(n=Count("id"), total=Sum(number))
    got = [
        ((0, "") if row[field] is None else (1, sort_value_of(field, row[field], width)), row)
        for row in rows
    ]
    assert [key for key, _ in got] == sorted(groups)
    for key, row in got:
        members = groups[key]
        assert row["n"] == len(members)
        numbers = [getattr(r, number) for r in members if getattr(r, number) is not None]
        assert row["total"] == (sum(numbers) if numbers else None)
    distinct = list(query.values_list(field, flat=True).distinct())
    distinct_keys = [
        (0, "") if v is None else (1, sort_value_of(field, v, width)) for v in distinct
    ]
    assert sorted(distinct_keys) == sorted(groups)
    assert len(query.values(field).distinct()) == len(groups)
