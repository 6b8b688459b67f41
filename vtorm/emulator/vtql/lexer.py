"""The VTQL tokenizer: the real server's lexer, quirks included.

Two layers, as in Vtiger: a scanner that cuts the text into raw lexemes (words, quoted
literals, signed integers, punctuation and operators; anything else is a lexer failure),
and a small state machine that decides each lexeme's token class from where it stands
(select list, module name, WHERE, ORDER BY, LIMIT). Its flags persist across the query,
which is why, for instance, an IN list without parentheses never leaves "value" mode.

Lexer failures are not syntax errors on the real server: the plain exception becomes
INTERNAL_SERVER_ERROR "Unknown Error while processing request".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.limits import MAX_LITERAL
from vtorm.emulator.vtql.ast import Token

__all__ = ["Lexer", "lexer_failure", "scan"]

# Tried in this order at each position; ASCII-only word class (no `u` flag in PHP).
_LEXEME: Final = re.compile(
    r"[A-Za-z0-9_]+"
    r"|'(?:[^']|'')+'"
    r"|\(|\)"
    r"|[+-]?[0-9]+"
    r"|,|\*"
    r"|=|<(?!=)|>(?!=)|<=|>=|!=|;"
)
_SPACE: Final = re.compile(r"[ \t\r\n]+")

_MANDATORY: Final = ("select", "column_list", "from", "table")
_OPTIONAL: Final = ("where", "orderby", "limit")
_WHERE_OPERATORS: Final = {
    "=": "EQ",
    "<": "LT",
    "<=": "LTE",
    ">=": "GTE",
    "!=": "NE",
    ">": "GT",
}


def lexer_failure() -> WebserviceError:
    """What the server answers when its lexer throws."""
    return WebserviceError("INTERNAL_SERVER_ERROR", "Unknown Error while processing request")


def scan(text: str) -> Iterator[tuple[str, bool]]:
    """Raw lexemes as (text, is_whitespace); raises the lexer failure on stray input."""
    pos = 0
    while pos < len(text):
        space = _SPACE.match(text, pos)
        if space:
            yield space.group(), True
            pos = space.end()
            continue
        match = _LEXEME.match(text, pos)
        if not match or len(match.group()) > MAX_LITERAL:
            raise lexer_failure()
        yield match.group(), False
        pos = match.end()


class Lexer:
    """Classifies lexemes like Vtiger's VTQL_Lexer; `value`/`line` feed error messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = ""
        self.line = 1
        self._mandatory = True
        self._state = 0
        self._where_col = False
        self._in_started = False
        self._orderby = False
        self._count = False

    def tokens(self) -> Iterator[Token]:
        """The token stream (a None kind is a lexeme the state machine gave no class)."""
        for lexeme, is_space in scan(self.text):
            self.value = lexeme
            if lexeme == "\n":  # the server counts lines only for a lone newline
                self.line += 1
            if is_space:
                continue
            kind = self._classify(lexeme)
            if kind is not _SKIP:
                yield Token(kind, lexeme)

    def _classify(self, value: str) -> str | None:
        if self._mandatory:
            return self._mandatory_token(value)
        if value == ";":
            return "SEMICOLON"
        lowered = value.lower()
        if lowered == "order":
            self._orderby = True
            return _SKIP
        if lowered == "by" and self._orderby:
            self._orderby = False
            self._state = 1
        if lowered in _OPTIONAL:
            self._state = _OPTIONAL.index(lowered)
        if self._state == 0:
            return self._where_token(value)
        if self._state == 1:
            return self._orderby_token(value)
        return self._limit_token(value)

    def _advance(self, steps: int = 1) -> None:
        self._state += steps
        if self._state >= len(_MANDATORY):
            self._mandatory = False

    def _mandatory_token(self, value: str) -> str | None:
        lowered = value.lower()
        phase = _MANDATORY[self._state]
        if phase == "select":
            if lowered == "select":
                self._advance()
                return "SELECT"
            return None
        if phase == "column_list":
            return self._column_token(value)
        if phase == "from":
            if lowered == "from":
                self._advance()
                return "FRM"
            return None
        self._state = 0
        self._mandatory = False
        return None if lowered == "where" else "TABLENAME"

    def _column_token(self, value: str) -> str:
        if value.lower() == "from":
            self._advance(2)
            return "FRM"
        if value == "*":
            if not self._count:
                self._advance()
            return "ASTERISK"
        if value.lower() == "count":
            self._count = True
            return "COUNT"
        return {"(": "PARENOPEN", ")": "PARENCLOSE", ",": "COMMA"}.get(value, "COLUMNNAME")

    def _where_token(self, value: str) -> str:
        lowered = value.lower()
        if value == "=":
            return "EQ"
        if lowered == "where":
            return "WHERE"
        if value in _WHERE_OPERATORS:
            return _WHERE_OPERATORS[value]
        if value == "(":
            return "PARENOPEN"
        if value == ")":
            if self._in_started:
                self._in_started = False
                self._where_col = False
            return "PARENCLOSE"
        if lowered in ("and", "or"):
            return "LOGICAL_AND" if lowered == "and" else "LOGICAL_OR"
        if not self._where_col:
            self._where_col = True
            return "COLUMNNAME"
        return self._where_value_token(value, lowered)

    def _where_value_token(self, value: str, lowered: str) -> str:
        if lowered == "in":
            self._in_started = True
            return "IN"
        if value == ",":
            return "COMMA"
        if lowered == "like":
            return "LIKE"
        if not self._in_started:
            self._where_col = False
        return "VALUE"

    def _orderby_token(self, value: str) -> str:
        if not self._orderby:
            self._orderby = True
            return "ORDERBY"
        lowered = value.lower()
        if value == ",":
            return "COMMA"
        if lowered in ("asc", "desc"):
            return lowered.upper()
        return "COLUMNNAME"

    def _limit_token(self, value: str) -> str:
        if value.lower() == "limit":
            return "LIMIT"
        return {"(": "PARENOPEN", ")": "PARENCLOSE", ",": "COMMA"}.get(value, "VALUE")


# Marker for a lexeme the server consumes without producing a token ("order").
_SKIP: Final = "\x00skip"
