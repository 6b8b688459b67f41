"""The parser against every query text the real server answered, plus the doc's vectors."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulator import reference_db
from tests.properties import examples
from vtorm.emulator import vtql
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.vtql import parse

FRONT_END_CODES = ("QUERY_SYNTAX_ERROR", "INTERNAL_SERVER_ERROR")


def _outcome(text: str) -> tuple[str, str]:
    try:
        parse(text)
    except WebserviceError as exc:
        return str(exc.code), exc.message
    return ("ok", "")


def _captured_queries() -> list[Any]:
    if not reference_db.REFERENCE.is_dir():
        return []
    queries = reference_db.load("queries.json")
    # `SELECT * Accounts;` fails earlier, at the module regex (the executor's job).
    return [q for q in queries if q["query"] != "SELECT * Accounts;"]


@pytest.mark.skipif(not reference_db.REFERENCE.is_dir(), reason=reference_db.SKIP_REASON)
@pytest.mark.parametrize("case", _captured_queries(), ids=lambda case: case["query"][:60])
def test_front_end_outcome_matches_capture(case: Any) -> None:
    response = case["response"]
    error = response.get("error") or {}
    if not response["success"] and error["code"] in FRONT_END_CODES:
        expected = (error["code"], error["message"])
    else:
        expected = ("ok", "")
    assert _outcome(case["query"]) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "select accountname, count(*) from Accounts;",
            "token 'count' Unexpected COUNT(count), expected one of: COLUMNNAME",
        ),
        (
            "select * from Accounts limit 10 order by accountname;",
            "token 'by' Unexpected ORDERBY(by), expected one of: SEMICOLON",
        ),
        (
            "selec * from Accounts;",
            "token 'selec' Unexpected Unknown(selec), expected one of: SELECT",
        ),
        (
            "select * from Accounts;;",
            "token ';' Unexpected SEMICOLON(;), expected one of: ",
        ),
        (
            "select a from X where b in 'p','q' and c = 1;",
            "token 'c' Unexpected VALUE(c), expected one of: COLUMNNAME",
        ),
        (
            "select a from X where b in ();",
            "token ')' Unexpected PARENCLOSE()), expected one of: VALUE",
        ),
        (
            "select a from X limit (1);",
            "token '(' Unexpected PARENOPEN((), expected one of: VALUE",
        ),
        (
            "select a from X limit 1, 2, 3;",
            "token ',' Unexpected COMMA(,), expected one of: SEMICOLON",
        ),
        (
            "select a from X where b = 1 ",
            "token ' ' Unexpected End of Input(0), expected one of: SEMICOLON",
        ),
    ],
)
def test_syntax_error_wording(text: str, message: str) -> None:
    code, got = _outcome(text)
    assert code == "QUERY_SYNTAX_ERROR"
    assert got == "Syntax Error on line 1: " + message


def test_line_number_counts_only_a_lone_newline() -> None:
    _, message = _outcome("select a\nfrom X\nwhere")
    assert message.startswith("Syntax Error on line 3: token 'where'")
    _, message = _outcome("select a \n from X \n where")
    assert message.startswith("Syntax Error on line 1:")


@pytest.mark.parametrize(
    "text",
    [
        "select a from X where b = 5.5;",
        'select a from X where b = "x";',
        "select a from X where b = '';",
        "select a from X; -- comment",
        "select a from X where b = 'é' and c @ 1;",
        "select a from X where b ! 1;",
    ],
)
def test_lexer_failures_are_internal_errors(text: str) -> None:
    assert _outcome(text) == ("INTERNAL_SERVER_ERROR", "Unknown Error while processing request")


def test_statement_shape() -> None:
    statement = parse(
        "SeLeCt a, b FrOm X WhErE c LiKe 'a%' AnD d in ('1','2') Or e = 3 "
        "OrDeR bY a, b DeSc LiMiT 5, 200;"
    )
    assert statement.module == "X"
    assert statement.columns == ["a", "b", "id"]
    assert statement.where_columns == ["c", "d", "e"]
    assert statement.where_operators == ["LIKE", "IN", "="]
    assert statement.where_values == ["'a%'", ["'1'", "'2'"], "3"]
    assert statement.connectors == ["AnD", "Or"]
    assert statement.order_by == ["a", "b"]
    assert statement.sort_order == "DESC"
    assert statement.limit == ["5", "200"]


def test_count_and_star_add_no_id() -> None:
    assert parse("select count(*), a from X;").is_count
    assert parse("select * from X;").columns == ["*"]
    assert parse("select id, a from X;").columns == ["id", "a"]


def test_id_values_become_crmids() -> None:
    statement = parse("select a from X where id = '11x42' or id in ('4x1', 2) or id like '1x4%';")
    assert statement.where_values == ["42", ["1", None], "'4%'"]


def test_in_list_value_zero_spills_into_a_new_value() -> None:
    # PHP's empty("0") makes the server start a new value instead of growing the IN list.
    statement = parse("select a from X where b in (0, 1);")
    assert statement.where_values == ["0", "1"]


def test_unknown_module_is_denied_while_parsing() -> None:
    with pytest.raises(WebserviceError) as caught:
        parse("select a from accounts where (", modules={"Accounts"})
    assert caught.value.code == "ACCESS_DENIED"
    assert caught.value.message.endswith("denied for name : accounts")


VOCABULARY = [
    "select", "from", "Accounts", "where", "and", "or", "order", "by", "orderby", "asc",
    "desc", "limit", "count", "in", "like", "id", "accountname", "employees", "account_id",
    "*", "(", ")", ",", ";", "=", "<", ">", "<=", ">=", "!=", "'a%'", "'11x2'", "5", "-1",
    "'x''y'", "abc",
]  # fmt: skip


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.sampled_from(VOCABULARY), max_size=14))
def test_any_token_sequence_parses_or_fails_cleanly(words: list[str]) -> None:
    code, _ = _outcome(" ".join(words))
    assert code in ("ok", *FRONT_END_CODES, "ACCESS_DENIED")


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=40))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    code, _ = _outcome(text)
    assert code in ("ok", *FRONT_END_CODES, "ACCESS_DENIED")


def test_engine_imports_nothing_from_the_client_side() -> None:
    package = Path(vtql.__file__).parent
    files = [*package.glob("*.py"), package.parent / "sqlfuncs.py"]
    for file in files:
        for node in ast.walk(ast.parse(file.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                allowed = node.module.startswith(("vtorm.emulator", "vtorm.wire"))
                assert allowed or not node.module.startswith("vtorm"), (file, node.module)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("vtorm") for a in node.names), file
