"""Property: the compiled OR-of-ANDs means exactly what the Q tree means, in SQL logic.

Each comparison is an opaque three-valued variable (true, false, or unknown when the column
is NULL). The tree is evaluated with SQL's three-valued NOT/AND/OR, the compiled atoms with
their operators; a row is selected exactly when the value is true, in both.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.orm.models import Account
from tests.properties import examples
from vtorm import Q, UnsupportedQuery
from vtorm.query.compiler import LeafDnf, to_dnf, where_formula
from vtorm.query.lookups import Atom, Leaf, Unlike

COLUMNS = ("accountname", "bill_city", "phone")
LITERALS = ("a", "b", "c")
UNKNOWN = 0.5
Truth = Mapping[tuple[str, str, str], bool]

leaf = st.one_of(
    st.builds(
        lambda c, op, v: Q(**{f"{c}__{op}": v}),
        st.sampled_from(COLUMNS),
        st.sampled_from(("exact", "gt", "gte", "lt", "lte", "contains")),
        st.sampled_from(LITERALS),
    ),
    st.builds(
        lambda c, vs: Q(**{f"{c}__in": vs}),
        st.sampled_from(COLUMNS),
        st.lists(st.sampled_from(LITERALS), max_size=3),
    ),
    st.builds(
        lambda c, a, b: Q(**{f"{c}__range": (a, b)}),
        st.sampled_from(COLUMNS),
        st.sampled_from(LITERALS),
        st.sampled_from(LITERALS),
    ),
)
trees = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.builds(lambda a, b: a & b, children, children),
        st.builds(lambda a, b: a | b, children, children),
        st.builds(lambda a: ~a, children),
    ),
    max_leaves=6,
)
worlds = st.tuples(
    st.sets(st.sampled_from(COLUMNS)),
    st.dictionaries(
        st.tuples(
            st.sampled_from(COLUMNS),
            st.sampled_from(("=", "<", ">", "LIKE")),
            st.sampled_from(LITERALS),
        ),
        st.booleans(),
    ),
)


def base(nulls: set[str], truth: Truth, column: str, op: str, value: str) -> float:
    if column in nulls:
        return UNKNOWN
    return float(truth.get((column, op, value), False))


def lookup_value(nulls: set[str], truth: Truth, key: str, value: object) -> float:
    column, _, lookup = key.partition("__")
    var: Callable[[str, str], float] = lambda op, v: base(nulls, truth, column, op, v)  # noqa: E731
    if lookup == "in":
        assert isinstance(value, list)
        return max((var("=", v) for v in value), default=0.0)
    if lookup == "range":
        assert isinstance(value, tuple)
        return min(1 - var("<", value[0]), 1 - var(">", value[1]))
    assert isinstance(value, str)
    return {
        "exact": lambda: var("=", value),
        "gt": lambda: var(">", value),
        "lte": lambda: 1 - var(">", value),
        "lt": lambda: var("<", value),
        "gte": lambda: 1 - var("<", value),
        "contains": lambda: var("LIKE", f"'%{value}%'"),
    }[lookup]()


def tree_value(q: Q, nulls: set[str], truth: Truth) -> float:
    values = [
        tree_value(child, nulls, truth)
        if isinstance(child, Q)
        else lookup_value(nulls, truth, child[0], child[1])
        for child in q.children
    ]
    value = min(values, default=1.0) if q.connector == "AND" else max(values, default=0.0)
    return 1 - value if q.negated else value


def atom_value(atom: Leaf, nulls: set[str], truth: Truth) -> float:
    if isinstance(atom, Unlike):  # NOT LIKE, left for vtorm: SQL's NOT of the pattern
        return 1 - atom_value(atom.atom, nulls, truth)
    assert isinstance(atom, Atom), "these trees have no isnull lookups"
    values = [lit.strip("'") for lit in atom.literals]
    var: Callable[[str, str], float] = lambda op, v: base(nulls, truth, atom.column, op, v)  # noqa: E731
    return {
        "=": lambda: var("=", values[0]),
        "!=": lambda: 1 - var("=", values[0]),
        "<": lambda: var("<", values[0]),
        ">=": lambda: 1 - var("<", values[0]),
        ">": lambda: var(">", values[0]),
        "<=": lambda: 1 - var(">", values[0]),
        "IN": lambda: max(var("=", v) for v in values),
        "LIKE": lambda: var("LIKE", atom.literals[0]),
    }[atom.op]()


def dnf_value(dnf: LeafDnf, nulls: set[str], truth: Truth) -> float:
    return max(
        (min((atom_value(a, nulls, truth) for a in term), default=1.0) for term in dnf),
        default=0.0,
    )


@settings(max_examples=examples(300), deadline=None)
@given(tree=trees, world=worlds)
def test_dnf_selects_exactly_the_rows_the_tree_selects(
    tree: Q, world: tuple[set[str], dict[tuple[str, str, str], bool]]
) -> None:
    nulls, truth = world
    try:
        dnf = to_dnf(where_formula(Account.vtiger_fields, tree))
    except UnsupportedQuery as exc:
        assert "OR-terms" in str(exc)
        return
    assert (tree_value(tree, nulls, truth) == 1) == (dnf_value(dnf, nulls, truth) == 1)


@settings(max_examples=examples(200), deadline=None)
@given(tree=trees)
def test_compiled_conditions_have_no_parentheses_or_not(tree: Q) -> None:
    try:
        text = Account.objects.filter(tree).explain()
    except UnsupportedQuery:
        return
    where = text.partition(" WHERE ")[2].partition(" ORDER BY ")[0]
    without_in_lists = where.replace(" IN (", " IN ").replace("')", "'")
    assert "(" not in without_in_lists
    assert " NOT " not in where.upper().replace("'", "")
