"""The VTQL parser: an LR driver over `automaton`, with the real parser's semantic actions.

It reproduces the real server's outcome for any text: the statement it accepts, or the
exact QUERY_SYNTAX_ERROR message ("Syntax Error on line 1: token '<lexeme>' Unexpected
<TOKEN>(<lexeme>), expected one of: ..."). Lexing and parsing interleave as on the server,
so whichever fault comes first in the text decides the error. Pure: no I/O, no schema
beyond an optional set of module names (the server looks the module up while parsing).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from typing import Final

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.vtql.ast import TOKEN_NAMES, Statement, Token, WhereValue
from vtorm.emulator.vtql.automaton import ACCEPT, RULES, STATES, Rule
from vtorm.emulator.vtql.lexer import Lexer

__all__ = ["denied_for_name", "parse", "syntax_error"]

_END: Final = Token("$", "0")  # end of input, shown as "End of Input(0)"


def syntax_error(message: str) -> WebserviceError:
    """A QUERY_SYNTAX_ERROR envelope error."""
    return WebserviceError("QUERY_SYNTAX_ERROR", message)


def denied_for_name(name: str) -> WebserviceError:
    """The server's answer for a module name it does not know (case-sensitive)."""
    return WebserviceError(
        "ACCESS_DENIED", f"Permission to perform the operation is denied for name : {name}"
    )


def parse(text: str, modules: Container[str] | None = None) -> Statement:
    """Parse one VTQL statement; raise WebserviceError exactly where the server would.

    `modules`, when given, are the known module names: an unknown name is ACCESS_DENIED
    at the point where the server's parser looks it up.
    """
    return _Parser(text, modules).run()


class _Parser:
    def __init__(self, text: str, modules: Container[str] | None) -> None:
        self.lexer = Lexer(text)
        self.modules = modules
        self.out = Statement()
        self.column_done = False
        self.stack: list[tuple[str, str]] = []
        self.accepted = False

    def run(self) -> Statement:
        for token in self.lexer.tokens():
            self.feed(token)
        self.feed(_END)
        return self.out

    def feed(self, token: Token) -> None:
        """One `doParse` call: reduce by default actions, then shift, accept or fail."""
        if not self.stack:
            self.stack = [("start", "")]
            self.accepted = False
        if token.kind not in (None, "$") and self._reaches_accept(token):
            raise self._error(token, self._expected_through_accept(token))
        while True:
            state = STATES[self.stack[-1][0]]
            target = state.shifts.get(token.kind or "")
            if target is not None:
                self.stack.append((target, token.text))
                return
            if state.reduce is None:
                raise self._error(token, _expected(self.stack[-1][0]))
            if self._reduce(RULES[state.reduce]):
                return

    def _reduce(self, rule: Rule) -> bool:
        """Apply a rule; True when the parse was accepted (the stack is then empty)."""
        values = [value for _, value in self.stack[len(self.stack) - rule.length :]]
        if rule.action:
            _ACTIONS[rule.action](self, values)
        del self.stack[len(self.stack) - rule.length :]
        target = STATES[self.stack[-1][0]].gotos[rule.lhs]
        if target == ACCEPT:
            self.stack = []
            self.accepted = True
            return True
        self.stack.append((target, ""))
        return False

    def _reaches_accept(self, token: Token) -> bool:
        """The generated parser's look-ahead check: would default reductions accept?"""
        names = [name for name, _ in self.stack]
        while token.kind not in STATES[names[-1]].shifts:
            rule_name = STATES[names[-1]].reduce
            if rule_name is None:
                return False
            rule = RULES[rule_name]
            del names[len(names) - rule.length :]
            target = STATES[names[-1]].gotos[rule.lhs]
            if target == ACCEPT:
                return True
            names.append(target)
        return False

    def _expected_through_accept(self, token: Token) -> list[str]:
        """Expected tokens when the look-ahead check failed: PHP's `+=` array union."""
        names = [name for name, _ in self.stack]
        expected = _expected(names[-1])
        while (rule_name := STATES[names[-1]].reduce) is not None:
            rule = RULES[rule_name]
            del names[len(names) - rule.length :]
            target = STATES[names[-1]].gotos[rule.lhs]
            if target == ACCEPT:
                break
            expected += _expected(target)[len(expected) :]
            names.append(target)
        return expected

    def _error(self, token: Token, expected: list[str]) -> WebserviceError:
        name = "End of Input" if token.kind == "$" else token.kind or "Unknown"
        return syntax_error(
            f"Syntax Error on line {self.lexer.line}: token '{self.lexer.value}' "
            f"Unexpected {name}({token.text}), expected one of: {','.join(expected)}"
        )

    # Semantic actions, named by the rules that run them.

    def select_column(self, values: list[str]) -> None:
        self.out.columns.append(values[-1])

    def select_star(self, values: list[str]) -> None:
        self.out.columns.append("*")

    def select_count(self, values: list[str]) -> None:
        self.out.columns.append("count(*)")

    def table(self, values: list[str]) -> None:
        columns = self.out.columns
        plain = "*" not in columns and "count(*)" not in [c.lower() for c in columns]
        if plain and "id" not in columns:
            columns.append("id")
        name = values[-1]
        if name in ("", "0"):  # PHP's falsy strings
            raise syntax_error("There is an syntax error in query")
        if self.modules is not None and name not in self.modules:
            raise denied_for_name(name)
        self.out.module = name

    def connector(self, values: list[str]) -> None:
        self.out.connectors.append(values[-1])

    def operator(self, values: list[str]) -> None:
        kind = _OPERATOR_TEXT.get(values[-1].lower(), values[-1])
        self.out.where_operators.append(kind)

    def value(self, values: list[str]) -> None:
        _append_value(self, values[-1])

    def expr(self, values: list[str]) -> None:
        self.column_done = True
        name = values[0]
        self.out.where_columns.append(name)
        if name == "id" and self.out.where_values:
            operator = self.out.where_operators[-1] if self.out.where_operators else ""
            self.out.where_values[-1] = _id_value(self.out.where_values[-1], operator)

    def order_column(self, values: list[str]) -> None:
        self.out.order_by.append(values[-1])

    def direction(self, values: list[str]) -> None:
        self.out.sort_order = values[-1].upper()

    def limit_one(self, values: list[str]) -> None:
        self.out.limit.append(values[-1])

    def limit_two(self, values: list[str]) -> None:
        self.out.limit.extend((values[0], values[2]))


# Operator lexemes to the operator text the server writes into SQL.
_OPERATOR_TEXT: Final = {
    "=": "=",
    "<": "<",
    ">": ">",
    "<=": "<=",
    ">=": ">=",
    "!=": "!=",
    "in": "IN",
    "like": "LIKE",
}


def _expected(state: str) -> list[str]:
    shifts = STATES[state].shifts
    return [name for name in TOKEN_NAMES if name in shifts]


def _php_empty(value: WhereValue) -> bool:
    return value is None or value in ("", "0") or value == []


def _append_value(parser: _Parser, value: str) -> None:
    """The server's bookkeeping for one VALUE: IN lists grow, anything else appends."""
    out = parser.out
    pos = max(len(out.where_values) - 1, 0)
    operator = out.where_operators[pos] if pos < len(out.where_operators) else ""
    current = out.where_values[pos] if pos < len(out.where_values) else None
    if operator == "IN" and not _php_empty(current) and not parser.column_done:
        if isinstance(current, list):
            current.append(value)
        else:
            out.where_values[pos] = [current, value]
        return
    parser.column_done = False
    out.where_values.append(value)


def _id_part(value: str | None) -> str | None:
    """Vtiger 8.0's id split: quotes trimmed, then the part between the first two `x`."""
    parts = (value or "").strip("'\"").split("x")
    return parts[1] if len(parts) > 1 else None


def _id_value(value: WhereValue, operator: str) -> WhereValue:
    if isinstance(value, list):
        return [_id_part(item) for item in value]
    part = _id_part(value)
    if operator == "LIKE":
        return f"'{part or ''}'"
    return part


_ACTIONS: Final[dict[str, Callable[[_Parser, list[str]], None]]] = {
    name: getattr(_Parser, name) for name in {rule.action for rule in RULES.values() if rule.action}
}
