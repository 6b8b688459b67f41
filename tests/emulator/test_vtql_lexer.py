"""The tokenizer: lexeme classes, the state machine's token classes and its quirks."""

from __future__ import annotations

import pytest

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.vtql.lexer import Lexer, scan


def _kinds(text: str) -> list[tuple[str | None, str]]:
    return [(t.kind, t.text) for t in Lexer(text).tokens()]


def test_lexemes_in_priority_order() -> None:
    text = "a_1 12x34 -5 +7 'it''s' ( ) , * = < > <= >= != ;"
    lexemes = [lexeme for lexeme, space in scan(text) if not space]
    assert lexemes == [
        "a_1", "12x34", "-5", "+7", "'it''s'", "(", ")", ",", "*",
        "=", "<", ">", "<=", ">=", "!=", ";",
    ]  # fmt: skip


def test_less_than_greater_than_are_two_lexemes() -> None:
    assert [lexeme for lexeme, _ in scan("<>")] == ["<", ">"]


def test_literal_may_hold_anything_but_a_lone_quote() -> None:
    lexemes = [lexeme for lexeme, _ in scan("'é;\n-- \"x\"'")]
    assert lexemes == ["'é;\n-- \"x\"'"]


@pytest.mark.parametrize("text", ["''", "é", '"a"', "5.5", "a.b", "!", "@", "-", "'open"])
def test_stray_input_is_an_internal_error(text: str) -> None:
    with pytest.raises(WebserviceError) as caught:
        list(scan(text))
    assert caught.value.code == "INTERNAL_SERVER_ERROR"
    assert caught.value.message == "Unknown Error while processing request"


def test_statement_token_classes() -> None:
    assert _kinds("select a, count from X where b = 'v' and c like 1 order by a desc limit 5;") == [
        ("SELECT", "select"),
        ("COLUMNNAME", "a"),
        ("COMMA", ","),
        ("COUNT", "count"),
        ("FRM", "from"),
        ("TABLENAME", "X"),
        ("WHERE", "where"),
        ("COLUMNNAME", "b"),
        ("EQ", "="),
        ("VALUE", "'v'"),
        ("LOGICAL_AND", "and"),
        ("COLUMNNAME", "c"),
        ("LIKE", "like"),
        ("VALUE", "1"),
        ("ORDERBY", "by"),
        ("COLUMNNAME", "a"),
        ("DESC", "desc"),
        ("LIMIT", "limit"),
        ("VALUE", "5"),
        ("SEMICOLON", ";"),
    ]


def test_orderby_as_one_word() -> None:
    assert ("ORDERBY", "OrderBy") in _kinds(
        "select a from X orderby a;".replace("orderby", "OrderBy")
    )


def test_misplaced_keywords_get_no_class() -> None:
    assert _kinds("pick a from X;")[0] == (None, "pick")
    assert _kinds("select * X;")[2] == (None, "X")
    assert _kinds("select a from where")[-1] == (None, "where")


def test_in_without_parentheses_never_leaves_value_mode() -> None:
    kinds = _kinds("select a from X where b in 'p', 'q' and c = 1;")
    assert kinds[-5:] == [
        ("LOGICAL_AND", "and"),
        ("VALUE", "c"),
        ("EQ", "="),
        ("VALUE", "1"),
        ("SEMICOLON", ";"),
    ]


def test_unquoted_and_or_values_are_connectors() -> None:
    kinds = _kinds("select a from X where b = or;")
    assert kinds[-2] == ("LOGICAL_OR", "or")


def test_star_ends_the_select_list_unless_counting() -> None:
    assert _kinds("select *, a from X;")[2] == (None, ",")
    assert [k for k, _ in _kinds("select count(*), a from X;")][:7] == [
        "SELECT", "COUNT", "PARENOPEN", "ASTERISK", "PARENCLOSE", "COMMA", "COLUMNNAME",
    ]  # fmt: skip


def test_error_position_tracks_last_lexeme_and_lone_newlines() -> None:
    lexer = Lexer("select\na \n from")
    list(lexer.tokens())
    assert (lexer.value, lexer.line) == ("from", 2)
