"""Exact VTQL for every lookup, Q shape, ordering and slicing rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tests.orm.models import Account, Contact
from vtorm import FieldError, InvalidArgument, InvalidRecordId, Q, UnsupportedQuery
from vtorm.query.compiler import MAX_TERMS, QueryDescription, compile_query, where_formula
from vtorm.query.lookups import like_escape, quote


def where(model: type[Contact] | type[Account], *conditions: Q, **lookups: object) -> str:
    """The WHERE text of a filter, as the first page would send it."""
    text = model.objects.all()._filter(conditions, lookups).explain()
    head = f"SELECT * FROM {model.vtiger_module} WHERE "
    assert text.startswith(head), text
    return text[len(head) :].removesuffix(" ORDER BY id LIMIT 100;")


@pytest.mark.parametrize(
    ("lookups", "expected"),
    [
        ({"lastname": "Smith"}, "lastname = 'Smith'"),
        ({"lastname__exact": "Smith"}, "lastname = 'Smith'"),
        ({"lastname__iexact": "smith"}, "lastname = 'smith'"),
        ({"lastname__in": ["Smith", "Jones"]}, "lastname IN ('Smith', 'Jones')"),
        ({"lastname__gt": "M"}, "lastname > 'M'"),
        ({"lastname__gte": "M"}, "lastname >= 'M'"),
        ({"lastname__lt": "M"}, "lastname < 'M'"),
        ({"lastname__lte": "M"}, "lastname <= 'M'"),
        ({"loyalty_points__range": (10, 20)}, "cf_855 >= '10' AND cf_855 <= '20'"),
        ({"lastname__contains": "mit"}, "lastname LIKE '%mit%'"),
        ({"lastname__icontains": "MIT"}, "lastname LIKE '%MIT%'"),
        ({"lastname__startswith": "Sm"}, "lastname LIKE 'Sm%'"),
        ({"lastname__istartswith": "sm"}, "lastname LIKE 'sm%'"),
        ({"lastname__endswith": "th"}, "lastname LIKE '%th'"),
        ({"lastname__iendswith": "TH"}, "lastname LIKE '%TH'"),
        ({"lastname__like": "Sm_th%"}, "lastname LIKE 'Sm_th%'"),
        ({"email__isnull": False}, "email LIKE '_%'"),
        ({"account_id__isnull": False}, "account_id > '0x0'"),
        ({"donotcall": True}, "donotcall = 1"),
        ({"donotcall": False}, "donotcall = 0"),
        ({"loyalty_points__gt": 80}, "cf_855 > '80'"),
        ({"annual_spend__gte": Decimal("2500.5")}, "cf_871 >= '2500.5'"),
        ({"annual_spend__lt": 10.25}, "cf_871 < '10.25'"),
        ({"birthday__lt": dt.date(1985, 1, 1)}, "birthday < '1985-01-01'"),
        (
            {"modifiedtime__gte": dt.datetime(2026, 11, 28, 1, 2, 3)},
            "modifiedtime >= '2026-11-28 01:02:03'",
        ),
        ({"account_id": "11x5"}, "account_id = '11x5'"),
        ({"id__in": ["12x1", "12x2"]}, "id IN ('12x1', '12x2')"),
        ({"customer_tier": "Gold"}, "cf_853 = 'Gold'"),
        ({"preferred_channels": ["Email", "SMS"]}, "cf_869 = 'Email |##| SMS'"),
        ({"lastname__in": ["a", "a", "b"]}, "lastname IN ('a', 'b')"),
    ],
)
def test_each_lookup_compiles_to_exact_vtql(lookups: dict[str, object], expected: str) -> None:
    assert where(Contact, **lookups) == expected


@pytest.mark.parametrize(
    ("lookups", "expected"),
    [
        ({"lastname": "Smith"}, "lastname != 'Smith'"),
        ({"lastname__gt": "M"}, "lastname <= 'M'"),
        ({"lastname__gte": "M"}, "lastname < 'M'"),
        ({"lastname__lt": "M"}, "lastname >= 'M'"),
        ({"lastname__lte": "M"}, "lastname > 'M'"),
        ({"lastname__in": ["a", "b"]}, "lastname != 'a' AND lastname != 'b'"),
        ({"loyalty_points__range": (1, 2)}, "cf_855 < '1' OR cf_855 > '2'"),
        ({"lastname": "a", "firstname": "b"}, "firstname != 'b' OR lastname != 'a'"),
    ],
)
def test_exclude_uses_complement_operators(lookups: dict[str, object], expected: str) -> None:
    text = Contact.objects.exclude(**lookups).explain()  # type: ignore[arg-type]
    assert text == f"SELECT * FROM Contacts WHERE {expected} ORDER BY id LIMIT 100;"


@pytest.mark.parametrize(
    "lookup", ["lastname__contains", "lastname__startswith", "lastname__endswith", "lastname__like"]
)
def test_negated_patterns_are_refused_under_server_only(lookup: str) -> None:
    with pytest.raises(UnsupportedQuery, match=f"{lookup}.*NOT LIKE.*server_only"):
        Contact.objects.server_only()._exclude((), {lookup: "x"})


def test_negated_isnull_is_refused_under_server_only() -> None:
    with pytest.raises(UnsupportedQuery, match="email__isnull=True: VTQL cannot select empty"):
        Contact.objects.server_only().exclude(Q(email__isnull=False))


def test_server_only_refuses_a_query_built_before_it() -> None:
    query = Contact.objects.filter(email__isnull=True)
    with pytest.raises(UnsupportedQuery, match="email__isnull"):
        query.server_only()


@pytest.mark.parametrize("value", [None, ""])
def test_comparison_with_empty_is_refused(value: object) -> None:
    with pytest.raises(UnsupportedQuery, match="lastname"):
        Contact.objects.all()._filter((), {"lastname": value})
    with pytest.raises(UnsupportedQuery, match="lastname__in"):
        Contact.objects.all()._filter((), {"lastname__in": ["a", value]})


def test_isnull_true_is_refused_under_server_only() -> None:
    with pytest.raises(UnsupportedQuery, match="isnull=True"):
        Contact.objects.server_only()._filter((), {"email__isnull": True})


def test_and_binds_tighter_so_or_of_ands_needs_no_rewrite() -> None:
    q = Q(lastname="Smith") | Q(lastname="Jones", firstname="Mary")
    assert where(Contact, q) == "lastname = 'Smith' OR firstname = 'Mary' AND lastname = 'Jones'"


def test_and_of_ors_is_multiplied_out() -> None:
    q = (Q(lastname="a") | Q(lastname="b")) & (Q(firstname="c") | Q(firstname="d"))
    assert where(Contact, q) == (
        "lastname = 'a' AND firstname = 'c' OR lastname = 'a' AND firstname = 'd' OR "
        "lastname = 'b' AND firstname = 'c' OR lastname = 'b' AND firstname = 'd'"
    )


def test_negated_or_becomes_and_of_complements() -> None:
    q = ~(Q(lastname="a") | Q(firstname="b"))
    assert where(Contact, q) == "lastname != 'a' AND firstname != 'b'"


def test_double_negation_cancels() -> None:
    assert where(Contact, ~~Q(lastname="a")) == "lastname = 'a'"


def test_negated_and_inside_and_distributes() -> None:
    q = Q(mailingcity="Cork") & ~Q(lastname="a", firstname="b")
    assert where(Contact, q) == (
        "mailingcity = 'Cork' AND firstname != 'b' OR mailingcity = 'Cork' AND lastname != 'a'"
    )


def test_chained_filters_and_excludes_are_anded() -> None:
    query = Contact.objects.filter(lastname__startswith="Sm").exclude(account_id="11x5")
    assert query.order_by("-modifiedtime")[:100].explain() == (
        "SELECT * FROM Contacts WHERE lastname LIKE 'Sm%' AND account_id != '11x5' "
        "ORDER BY modifiedtime DESC LIMIT 100;"
    )


def test_duplicate_atoms_and_terms_collapse() -> None:
    q = Q(lastname="a") | Q(lastname="a")
    assert where(Contact, q & Q(lastname="a")) == "lastname = 'a'"


def test_empty_in_matches_nothing_and_sends_nothing() -> None:
    formula = where_formula(Contact.vtiger_fields, Q(lastname__in=[]))
    compiled = compile_query(QueryDescription("Contacts", Contact.vtiger_fields, formula))
    assert compiled.groups == ()
    assert Contact.objects.filter(lastname__in=[]).explain() == ""


def test_excluding_empty_in_matches_everything() -> None:
    assert Contact.objects.exclude(lastname__in=[]).explain() == (
        "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
    )


def test_empty_or_branch_drops_out() -> None:
    q = Q(lastname__in=[]) | Q(firstname="x")
    assert where(Contact, q) == "firstname = 'x'"


def test_monster_trees_are_refused() -> None:
    q = Q()
    for index in range(8):  # 2**8 terms once multiplied out
        q &= Q(lastname=f"a{index}") | Q(firstname=f"b{index}")
    with pytest.raises(UnsupportedQuery, match=f"more than {MAX_TERMS} OR-terms"):
        Contact.objects.filter(q).explain()


# -- literals ----------------------------------------------------------------------


def test_quote_doubles_backslashes_then_quotes() -> None:
    assert quote("O'Brien") == "'O''Brien'"
    assert quote("C:\\path") == "'C:\\\\path'"
    assert quote("end\\") == "'end\\\\'"
    assert quote("\\'") == "'\\\\'''"


def test_like_escape_protects_wildcards_and_backslash() -> None:
    assert like_escape("50%_off\\") == "50\\%\\_off\\\\"


def test_contains_escapes_like_metacharacters_then_quotes() -> None:
    assert where(Contact, lastname__contains="50%_O'x\\") == (
        "lastname LIKE '%50\\\\%\\\\_O''x\\\\\\\\%'"
    )


def test_raw_like_keeps_wildcards_but_escapes_quotes() -> None:
    assert where(Contact, lastname__like="O'%") == "lastname LIKE 'O''%'"


def test_unicode_is_kept_verbatim_inside_quotes() -> None:
    assert where(Contact, lastname="Müller 東京") == "lastname = 'Müller 東京'"


@pytest.mark.parametrize("value", ["5", "x5", "12x", 5])
def test_reference_values_must_be_full_ids(value: object) -> None:
    with pytest.raises(InvalidArgument):
        Contact.objects.all()._filter((), {"account_id": value})


def test_reference_error_is_typed() -> None:
    with pytest.raises(InvalidRecordId, match="'5'"):
        Contact.objects.all()._filter((), {"id": "5"})


def test_boolean_rejects_other_values() -> None:
    with pytest.raises(InvalidArgument, match="donotcall"):
        Contact.objects.all()._filter((), {"donotcall": "yes"})


def test_in_needs_a_list() -> None:
    with pytest.raises(InvalidArgument, match="list"):
        Contact.objects.all()._filter((), {"lastname__in": "Smith"})


def test_range_needs_a_pair() -> None:
    with pytest.raises(InvalidArgument, match="pair"):
        Contact.objects.all()._filter((), {"loyalty_points__range": (1, 2, 3)})


# -- field names -------------------------------------------------------------------


def test_unknown_field_lists_closest_names() -> None:
    with pytest.raises(FieldError, match=r"'lastnme'.*lastname"):
        Contact.objects.all()._filter((), {"lastnme": "x"})


def test_unknown_lookup_is_named() -> None:
    with pytest.raises(FieldError, match="unknown lookup 'startwith'"):
        Contact.objects.all()._filter((), {"lastname__startwith": "x"})


def test_wire_names_are_not_python_names() -> None:
    with pytest.raises(FieldError, match="cf_853"):
        Contact.objects.all()._filter((), {"cf_853": "Gold"})


def test_order_by_unknown_field_is_refused() -> None:
    with pytest.raises(FieldError, match="lastnam"):
        Contact.objects.order_by("-lastnam")


# -- ordering ----------------------------------------------------------------------


def test_default_scan_walks_by_id() -> None:
    assert Contact.objects.all().explain() == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"


def test_ascending_order_gets_an_id_tiebreaker() -> None:
    assert Contact.objects.order_by("lastname", "firstname").explain() == (
        "SELECT * FROM Contacts ORDER BY lastname, firstname, id LIMIT 100;"
    )


def test_last_column_may_descend() -> None:
    assert Contact.objects.order_by("lastname", "-firstname").explain() == (
        "SELECT * FROM Contacts ORDER BY lastname, firstname DESC LIMIT 100;"
    )


def test_descending_id_pages_by_offset() -> None:
    assert Contact.objects.order_by("-id")[100:150].explain() == (
        "SELECT * FROM Contacts ORDER BY id DESC LIMIT 100, 50;"
    )


@pytest.mark.parametrize("order", [("-lastname", "firstname"), ("-lastname", "-firstname")])
def test_mixed_directions_are_refused_under_server_only(order: tuple[str, ...]) -> None:
    with pytest.raises(UnsupportedQuery, match="last column"):
        Contact.objects.server_only().order_by(*order)


def test_custom_field_order_uses_wire_name() -> None:
    assert Contact.objects.order_by("-loyalty_points").explain() == (
        "SELECT * FROM Contacts ORDER BY cf_855 DESC LIMIT 100;"
    )


# -- select lists and slicing -------------------------------------------------------


def test_only_selects_wire_columns_and_order_columns() -> None:
    query = Contact.objects.only("lastname", "customer_tier").order_by("-modifiedtime")
    assert query.explain() == (
        "SELECT lastname, cf_853, modifiedtime FROM Contacts ORDER BY modifiedtime DESC LIMIT 100;"
    )


def test_only_id() -> None:
    assert Contact.objects.only("id").explain() == "SELECT id FROM Contacts ORDER BY id LIMIT 100;"


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0, 10, ["LIMIT 10"]),
        (250, 400, ["LIMIT 250, 100", "LIMIT 350, 50"]),
        (5, 7, ["LIMIT 5, 2"]),
        (0, 250, ["LIMIT 100", "LIMIT 100, 100", "LIMIT 200, 50"]),
    ],
)
def test_ordered_slices_explain_every_page(low: int, high: int, expected: list[str]) -> None:
    text = Contact.objects.order_by("lastname")[low:high].explain()
    assert text.splitlines() == [
        f"SELECT * FROM Contacts ORDER BY lastname, id {limit};" for limit in expected
    ]


def test_id_scans_explain_their_first_page() -> None:
    # Later pages start after the last id the previous page returned: unknown in advance.
    assert Contact.objects.all()[:250].explain() == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"


def test_slices_compose() -> None:
    assert Contact.objects.all()[10:50][5:10].explain() == (
        "SELECT * FROM Contacts ORDER BY id LIMIT 15, 5;"
    )


def test_keyset_page_adds_the_id_bound_to_every_term() -> None:
    compiled = Contact.objects.filter(Q(lastname="a") | Q(firstname="b"))._compile()
    assert compiled.page(compiled.groups[0], limit=100, after="12x9") == (  # type: ignore[arg-type]
        "SELECT * FROM Contacts WHERE lastname = 'a' AND id > '12x9' OR "
        "firstname = 'b' AND id > '12x9' ORDER BY id LIMIT 100;"
    )


def test_count_statement() -> None:
    compiled = Contact.objects.filter(mailingcity="Cork")._compile()
    assert compiled.count(compiled.groups[0]) == (
        "SELECT count(*) FROM Contacts WHERE mailingcity = 'Cork';"
    )


# -- long IN lists -----------------------------------------------------------------


def test_long_in_lists_are_split_into_requests_that_fit() -> None:
    ids = [f"12x{n}" for n in range(1, 1500)]
    text = Contact.objects.filter(id__in=ids).explain()
    statements = text.split("\n")
    assert len(statements) > 1
    literals = [lit for s in statements for lit in s.split("IN (")[1].split(")")[0].split(", ")]
    assert literals == [f"'{i}'" for i in ids]
    assert all(s.startswith("SELECT * FROM Contacts WHERE id IN (") for s in statements)


def test_long_in_lists_cannot_be_merged_under_a_custom_order() -> None:
    ids = [f"12x{n}" for n in range(1, 1500)]
    with pytest.raises(UnsupportedQuery, match="order_by"):
        Contact.objects.filter(id__in=ids).order_by("lastname").explain()


def test_long_negated_in_lists_cannot_be_split() -> None:
    names = [f"name number {n}" for n in range(600)]
    with pytest.raises(UnsupportedQuery, match="too long"):
        Contact.objects.exclude(lastname__in=names).explain()


def test_saved_records_stand_for_their_id() -> None:
    acme = Account.vtiger_from_wire({"id": "11x7", "accountname": "Acme"})
    assert where(Contact, account_id=acme) == "account_id = '11x7'"
    with pytest.raises(InvalidArgument, match="not been saved"):
        Contact.objects.filter(account_id=Account(accountname="new"))  # type: ignore[arg-type]


def test_bad_values_name_the_lookup() -> None:
    with pytest.raises(InvalidArgument, match="loyalty_points__gt: 'many' is not a valid integer"):
        Contact.objects.all()._filter((), {"loyalty_points__gt": "many"})
    with pytest.raises(InvalidRecordId, match="account_id: '5'"):
        Contact.objects.all()._filter((), {"account_id": "5"})


def test_exclude_without_conditions_excludes_nothing() -> None:
    assert Contact.objects.exclude().explain() == "SELECT * FROM Contacts ORDER BY id LIMIT 100;"
