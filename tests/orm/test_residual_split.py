"""Exact split of queries VTQL cannot say: the server statements and the Python step, no server.

Also the pure pieces: the collation, the residual evaluator on wire rows, the aggregates, and
the requests a residual query sends (against the in-memory fake backend).
"""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from tests.orm.fakes import FakeBackend
from tests.orm.models import Account, Contact
from vtorm import Avg, Count, InvalidArgument, Max, Min, Q, Sum, UnsupportedQuery, UsageError
from vtorm.model.fields import VtigerField
from vtorm.query import collation
from vtorm.query.aggregates import distinct_rows, group_rows
from vtorm.query.compiler import QueryDescription, split_query, where_formula
from vtorm.query.lookups import Empty, Unlike
from vtorm.query.residual import evaluate, kind_of, order_rows, unquote

# -- the split, as explain() shows it ---------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            Contact.objects.exclude(lastname__contains="smi"),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n"
            "-- then in Python: NOT (lastname LIKE '%smi%')",
        ),
        (
            Contact.objects.filter(firstname="Ada").exclude(lastname__startswith="Lo"),
            "SELECT * FROM Contacts WHERE firstname = 'Ada' ORDER BY id LIMIT 100;\n"
            "-- then in Python: NOT (lastname LIKE 'Lo%')",
        ),
        (
            Contact.objects.filter(email__isnull=True),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n-- then in Python: email IS EMPTY",
        ),
        (
            Contact.objects.exclude(email__isnull=False),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n-- then in Python: email IS EMPTY",
        ),
        (
            Contact.objects.exclude(email__isnull=True),
            "SELECT * FROM Contacts WHERE email LIKE '_%' ORDER BY id LIMIT 100;",
        ),
        (
            Contact.objects.filter(account_id__isnull=True, mailingcity="Cork"),
            "SELECT * FROM Contacts WHERE mailingcity = 'Cork' ORDER BY id LIMIT 100;\n"
            "-- then in Python: account_id IS EMPTY",
        ),
        (
            # OR: the server part is the OR of each term's VTQL atoms (a superset).
            Contact.objects.filter(
                Q(mailingcity="Cork", email__isnull=True) | Q(lastname__startswith="Sm")
            ),
            "SELECT * FROM Contacts WHERE mailingcity = 'Cork' OR lastname LIKE 'Sm%' "
            "ORDER BY id LIMIT 100;\n"
            "-- then in Python: (email IS EMPTY AND mailingcity = 'Cork') OR lastname LIKE 'Sm%'",
        ),
        (
            # A term without any VTQL atom: every row is a candidate.
            Contact.objects.filter(Q(email__isnull=True) | Q(lastname="Smith")),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n"
            "-- then in Python: email IS EMPTY OR lastname = 'Smith'",
        ),
        (
            Contact.objects.order_by("-lastname", "firstname"),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n"
            "-- then in Python: ORDER BY lastname DESC, firstname (every matching row is fetched)",
        ),
        (
            Contact.objects.filter(mailingcity="Cork").order_by("-lastname", "-loyalty_points")[:5],
            "SELECT * FROM Contacts WHERE mailingcity = 'Cork' ORDER BY id LIMIT 100;\n"
            "-- then in Python: ORDER BY lastname DESC, cf_855 DESC "
            "(every matching row is fetched)\n"
            "-- then in Python: rows [:5]",
        ),
        (
            # A residual filter under an order the server can sort: its order, then filtered.
            Contact.objects.exclude(lastname__endswith="son").order_by("lastname")[10:20],
            "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 100;\n"
            "-- then in Python: NOT (lastname LIKE '%son')\n"
            "-- then in Python: rows [10:20]",
        ),
        (
            Contact.objects.all()[-3:],
            "SELECT count(*) FROM Contacts;\n"
            "-- then the rows [-3:] of that count:\n"
            "   SELECT * FROM Contacts ORDER BY id LIMIT 100;",
        ),
        (
            Contact.objects.order_by("lastname")[10:20][-3:],
            "SELECT * FROM Contacts ORDER BY lastname, id LIMIT 10, 10;\n"
            "-- then in Python: rows [-3:]",
        ),
        (
            Contact.objects.order_by("lastname").reverse(),
            "SELECT * FROM Contacts ORDER BY lastname DESC LIMIT 100;",
        ),
        (
            Contact.objects.reverse()[:2],
            "SELECT * FROM Contacts ORDER BY id DESC LIMIT 2;",
        ),
        (
            Contact.objects.order_by("lastname", "-firstname").reverse(),
            "SELECT * FROM Contacts ORDER BY id LIMIT 100;\n"
            "-- then in Python: ORDER BY lastname DESC, firstname (every matching row is fetched)",
        ),
    ],
)
def test_explain_shows_the_server_statement_and_the_python_step(
    query: object, expected: str
) -> None:
    assert query.explain() == expected  # type: ignore[attr-defined]


def test_only_still_fetches_what_the_residual_reads() -> None:
    query = Contact.objects.only("firstname").exclude(lastname__contains="x")
    assert query.explain().splitlines()[0] == (
        "SELECT firstname, lastname FROM Contacts ORDER BY id LIMIT 100;"
    )
    ordered = Contact.objects.only("firstname").order_by("-lastname", "mailingcity")
    assert ordered.explain().splitlines()[0] == (
        "SELECT firstname, lastname, mailingcity FROM Contacts ORDER BY id LIMIT 100;"
    )


def test_split_keeps_reasons_and_the_wire_order() -> None:
    formula = where_formula(
        Contact.vtiger_fields, ~Q(lastname__contains="a") & Q(email__isnull=True)
    )
    split = split_query(
        QueryDescription(
            "Contacts", Contact.vtiger_fields, formula, ("-lastname", "loyalty_points")
        )
    )
    assert (
        split.server.page(split.server.groups[0]) == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
    )
    residual = split.residual
    assert residual is not None
    assert residual.order == ("-lastname", "cf_855")
    assert residual.reasons == (
        "negating lastname__contains needs NOT LIKE, which VTQL does not have "
        "(exclude() and ~Q cannot use contains/startswith/endswith/like/isnull)",
        "email__isnull=True: VTQL cannot select empty values (no IS NULL, and = '' fails on "
        "the server); only isnull=False is supported",
        "order_by('-lastname', 'loyalty_points'): VTQL takes one ASC/DESC after the last "
        "column only, so every column but the last must be ascending",
    )
    assert residual.columns == ("lastname", "cf_855", "email")


def test_server_answerable_queries_have_no_residual() -> None:
    formula = where_formula(Contact.vtiger_fields, ~Q(lastname="a") | Q(email__isnull=False))
    split = split_query(QueryDescription("Contacts", Contact.vtiger_fields, formula, ("lastname",)))
    assert split.residual is None


def test_negation_round_trips_between_vtql_and_python_leaves() -> None:
    unlike = where_formula(Contact.vtiger_fields, ~Q(lastname__like="a%"))
    assert isinstance(unlike, Unlike)
    back = where_formula(Contact.vtiger_fields, ~~Q(lastname__like="a%"))
    assert back == unlike.atom
    empty = where_formula(Contact.vtiger_fields, Q(account_id__isnull=True))
    assert isinstance(empty, Empty)
    assert empty.present.render() == "account_id > '0x0'"


def test_isnull_needs_a_boolean() -> None:
    with pytest.raises(InvalidArgument, match="email__isnull needs True or False"):
        Contact.objects.filter(email__isnull="yes")


# -- server_only() ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: Contact.objects.server_only().filter(email__isnull=True), "isnull=True"),
        (lambda: Contact.objects.server_only().exclude(lastname__contains="a"), "NOT LIKE"),
        (lambda: Contact.objects.server_only().order_by("-lastname", "firstname"), "last column"),
        (
            lambda: Contact.objects.order_by("lastname", "-firstname").reverse().server_only(),
            "last column",
        ),
        (lambda: Contact.objects.server_only().distinct(), "DISTINCT"),
        (lambda: Contact.objects.all().distinct().server_only(), "DISTINCT"),
        (lambda: Contact.objects.server_only().aggregate(Sum("loyalty_points")), "SUM"),
        (
            lambda: Contact.objects.server_only().values("mailingcity").annotate(n=Count("id")),
            "GROUP BY",
        ),
    ],
)
def test_server_only_refuses_python_steps_before_any_request(build: object, match: str) -> None:
    with pytest.raises(UnsupportedQuery, match=match):
        build()  # type: ignore[operator]


def test_server_only_still_counts_and_slices_from_the_end_on_the_server() -> None:
    backend = FakeBackend(rows=[{"lastname": f"P{n}"} for n in range(5)])
    query = Contact.objects.using(backend).server_only()
    assert query.aggregate(Count("id")) == {"id__count": 5}
    assert [c.lastname for c in query[-2:]] == ["P3", "P4"]
    assert backend.queries == [
        "SELECT count(*) FROM Contacts;",
        "SELECT count(*) FROM Contacts;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 3, 2;",
    ]


# -- requests a residual sends (fake backend: it filters by id only) ----------------------


def people(count: int) -> FakeBackend:
    return FakeBackend(
        rows=[{"lastname": f"P{n:03}", "email": "" if n % 3 else "x@y"} for n in range(count)]
    )


def test_a_residual_scans_by_id_and_counts_what_it_keeps() -> None:
    backend = people(250)
    query = Contact.objects.using(backend).filter(email__isnull=True)
    assert query.count() == 166
    assert backend.queries == [
        "SELECT email FROM Contacts ORDER BY id LIMIT 100;",
        "SELECT email FROM Contacts WHERE id > '12x100' ORDER BY id LIMIT 100;",
        "SELECT email FROM Contacts WHERE id > '12x200' ORDER BY id LIMIT 100;",
        "SELECT email FROM Contacts WHERE id > '12x250' ORDER BY id LIMIT 100;",
    ]


def test_exists_and_a_short_slice_stop_the_scan_early() -> None:
    backend = people(250)
    query = Contact.objects.using(backend).filter(email__isnull=True)
    assert query.exists()
    assert [c.lastname for c in query[:2]] == ["P001", "P002"]
    assert len(backend.queries) == 2  # one page each (the second page of each is never asked)


def test_negative_index_counts_then_fetches_one_row() -> None:
    backend = people(7)
    contact = Contact.objects.using(backend).all()[-1]
    assert contact.lastname == "P006"
    assert backend.queries == [
        "SELECT count(*) FROM Contacts;",
        "SELECT * FROM Contacts ORDER BY id LIMIT 6, 1;",
    ]
    with pytest.raises(IndexError):
        Contact.objects.using(backend).all()[-8]


def test_slices_of_slices_from_the_end() -> None:
    backend = people(10)
    query = Contact.objects.using(backend).all()
    assert [c.lastname for c in query[2:8][-2:]] == ["P006", "P007"]
    assert [c.lastname for c in query[-5:][1:3]] == ["P006", "P007"]
    assert [c.lastname for c in query[-5:-3]] == ["P005", "P006"]
    assert len(query[-50:]) == 10
    backend.calls.clear()
    assert query[-5:-3].count() == 2
    assert backend.queries == ["SELECT count(*) FROM Contacts;"]  # counted, not fetched
    assert query[-5:][1:].count() == 4
    assert query[2:8][-2:].count() == 2
    assert not query[-5:-5].exists()


def test_a_debug_record_says_when_a_residual_runs(caplog: pytest.LogCaptureFixture) -> None:
    backend = people(3)
    with caplog.at_level(logging.DEBUG, logger="vtorm"):
        list(Contact.objects.using(backend).exclude(lastname__contains="1"))
        list(Contact.objects.using(backend).filter(lastname="x"))
    messages = [r.getMessage() for r in caplog.records if r.name == "vtorm"]
    assert messages == [
        "evaluating part of a Contacts query in Python: negating lastname__contains needs "
        "NOT LIKE, which VTQL does not have (exclude() and ~Q cannot use "
        "contains/startswith/endswith/like/isnull)"
    ]


def test_aggregate_counts_on_the_server_and_computes_the_rest() -> None:
    backend = FakeBackend(
        prefix="11",
        rows=[
            {"accountname": "b", "employees": "5", "annual_revenue": "10.50000000"},
            {"accountname": "A", "employees": "", "annual_revenue": "2.00000000"},
            {"accountname": "c ", "employees": "7", "annual_revenue": ""},
        ],
    )
    objects = Account.objects.using(backend)
    assert objects.aggregate(n=Count("*")) == {"n": 3}
    assert backend.queries == ["SELECT count(*) FROM Accounts;"]
    assert objects.aggregate(
        Count("employees"),
        Sum("employees"),
        Avg("employees"),
        Avg("annual_revenue"),
        Min("accountname"),
        Max("accountname"),
    ) == {
        "employees__count": 2,
        "employees__sum": 12,
        "employees__avg": 6.0,
        "annual_revenue__avg": Decimal("6.25"),
        "accountname__min": "A",
        "accountname__max": "c ",
    }
    assert backend.queries[-2] == (
        "SELECT employees, annual_revenue, accountname FROM Accounts ORDER BY id LIMIT 100;"
    )


def test_the_manager_starts_residual_queries_too() -> None:
    backend = people(4)
    assert (
        Contact.objects.reverse().explain() == "SELECT * FROM Contacts ORDER BY id DESC LIMIT 100;"
    )
    with pytest.raises(UnsupportedQuery, match="DISTINCT"):
        Contact.objects.server_only().distinct()
    assert [
        n for n in Contact.objects.distinct().using(backend).values_list("email", flat=True)
    ] == [
        "x@y",
        None,
    ]
    assert Contact.objects.using(backend).aggregate(Count("email")) == {"email__count": 2}


def test_annotate_groups_values_rows_only() -> None:
    with pytest.raises(UsageError, match="values_list"):
        Contact.objects.values_list("email").annotate(n=Count("id"))


def test_aggregate_arguments_are_checked() -> None:
    with pytest.raises(InvalidArgument, match="not an aggregate"):
        Account.objects.aggregate("employees")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="at least one"):
        Account.objects.aggregate()
    with pytest.raises(InvalidArgument, match="not a number"):
        Sum("accountname").compute(["a"])


# -- the pure pieces ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "sign"),
    [
        ("Café Müller GmbH", "cafe muller gmbh", 0),
        ("Straße", "STRASE", 0),
        ("abc  ", "ABC", 0),
        (" abc", "abc", -1),
        ("a\t", "a", -1),  # PAD SPACE: the tab sorts below the padding space
        ("a", "ab", -1),
        ("Ø", "O", 1),  # no base letter: its own weight
        ("é", "f", -1),
    ],
)
def test_collation_compares_as_utf8_general_ci(left: str, right: str, sign: int) -> None:
    assert collation.compare_text(left, right) == sign
    assert collation.compare_text(right, left) == -sign
    assert collation.text_equal(left, right) is (sign == 0)


@pytest.mark.parametrize(
    ("text", "pattern", "matches"),
    [
        ("Müller", "mul%", True),
        ("Müller ", "%ler", False),  # LIKE does not pad
        ("Straße", "stra_e", True),  # ß is one character
        ("50% off", "50\\%%", True),
        ("500 off", "50\\%%", False),
        ("a_b", "a\\_b", True),
        ("aXb", "a\\_b", False),
        ("line\nbreak", "line%", True),
        ("", "%", True),
        ("", "_%", False),
    ],
)
def test_like(text: str, pattern: str, matches: bool) -> None:
    assert collation.like(text, pattern) is matches


def test_unquote_reverses_vtql_quoting() -> None:
    assert unquote("'O''Brien \\\\ Sons'") == "O'Brien \\ Sons"
    assert unquote("'50\\%'") == "50\\%"
    assert unquote("1") == "1"


def test_kinds_follow_the_storage_column_when_known() -> None:
    assert kind_of(VtigerField("x", "integer")) == "number"
    assert kind_of(VtigerField("x", "integer", column="varchar(20)")) == "text"
    assert kind_of(VtigerField("x", "string", column="int(11)")) == "number"
    assert kind_of(VtigerField("x", "boolean", column="varchar(3)")) == "number"
    assert kind_of(VtigerField("x", "reference")) == "record"
    assert kind_of(VtigerField("x", "date")) == "date"
    assert kind_of(VtigerField("x", "datetime", column="datetime")) == "date"


def test_three_valued_evaluation_on_wire_rows() -> None:
    fields = Account.vtiger_fields
    kinds = {spec.wire_name: kind_of(spec) for spec in fields.values()}
    kinds["id"] = "record"

    def truth(q: Q, row: dict[str, str]) -> bool | None:
        return evaluate(where_formula(fields, q), kinds, row)

    assert truth(Q(employees__gt=5), {"employees": ""}) is None  # NULL number
    assert truth(~Q(employees__gt=5), {"employees": ""}) is None
    assert truth(Q(employees__isnull=True), {"employees": ""}) is True
    assert truth(~Q(accountname__contains="x"), {"accountname": ""}) is True  # '' is a value
    assert (
        truth(Q(employees__gt=5) | Q(accountname="a "), {"employees": "", "accountname": "A"})
        is True
    )
    assert (
        truth(Q(employees__gt=5) & Q(accountname="a"), {"employees": "", "accountname": "A"})
        is None
    )
    assert truth(Q(employees="7"), {"employees": "007"}) is True  # numbers, not text
    assert truth(Q(id="11x5"), {"id": "99x5"}) is True  # the prefix is ignored
    assert truth(Q(annual_revenue__lt=Decimal("10.5")), {"annual_revenue": "10.49000000"}) is True


def test_an_empty_reference_is_record_zero() -> None:
    fields = Contact.vtiger_fields
    kinds = {spec.wire_name: kind_of(spec) for spec in fields.values()}
    formula = where_formula(fields, Q(account_id__isnull=True))
    assert evaluate(formula, kinds, {"account_id": "0"}) is True
    assert evaluate(formula, kinds, {"account_id": ""}) is True
    assert evaluate(formula, kinds, {"account_id": "11x4"}) is False


def test_order_rows_sorts_nulls_first_and_keeps_ties() -> None:
    kinds = {"a": "text", "n": "number"}
    rows = [
        {"id": "1", "a": "b", "n": "2"},
        {"id": "2", "a": "B ", "n": ""},
        {"id": "3", "a": "á", "n": "10"},
        {"id": "4", "a": "b", "n": "1"},
    ]
    by_text_then_desc = order_rows(rows, ("a", "-n"), kinds)  # type: ignore[arg-type]
    assert [r["id"] for r in by_text_then_desc] == ["3", "1", "4", "2"]
    assert [r["id"] for r in order_rows(rows, ("n",), kinds)] == ["2", "4", "1", "3"]  # type: ignore[arg-type]
    assert [r["id"] for r in order_rows(rows, ("-a",), kinds)] == ["1", "2", "4", "3"]  # type: ignore[arg-type]


def test_groups_and_distinct_compare_as_the_server() -> None:
    rows = [
        {"city": "Cork", "n": 1},
        {"city": "cork ", "n": 2},
        {"city": None, "n": None},
        {"city": "Åbo", "n": 4},
    ]
    assert group_rows(
        ("city",), {"c": Count("id"), "s": Sum("n")}, [{**r, "id": "x"} for r in rows]
    ) == [
        {"city": None, "c": 1, "s": None},
        {"city": "Åbo", "c": 1, "s": 4},
        {"city": "Cork", "c": 2, "s": 3},
    ]
    assert distinct_rows(["Cork", "CORK", "Cörk", None, None]) == ["Cork", None]
    assert distinct_rows([("a", 1), ("A ", 1), ("a", 2)]) == [("a", 1), ("a", 2)]
