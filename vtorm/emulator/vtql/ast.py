"""The data the VTQL front end produces: tokens and the parsed statement.

The statement keeps the WHERE clause in the three parallel lists the real server builds
(column names, operators, values) plus the connectors, because several of the server's
observable quirks ("columns data inappropriate", values of one IN list spilling into the
next condition) come from that flat shape and are checked later, against the schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

__all__ = [
    "TOKEN_NAMES",
    "Statement",
    "Token",
    "WhereValue",
]

# Terminal names in the real parser's numbering order: expected-token lists are printed
# in this order, and the names appear verbatim in QUERY_SYNTAX_ERROR messages.
TOKEN_NAMES: Final = (
    "SELECT",
    "FRM",
    "COLUMNNAME",
    "ASTERISK",
    "COUNT",
    "PARENOPEN",
    "PARENCLOSE",
    "COMMA",
    "TABLENAME",
    "WHERE",
    "LOGICAL_AND",
    "LOGICAL_OR",
    "VALUE",
    "EQ",
    "LT",
    "GT",
    "LTE",
    "GTE",
    "NE",
    "IN",
    "LIKE",
    "ORDERBY",
    "ASC",
    "DESC",
    "LIMIT",
    "SEMICOLON",
)

#: One WHERE value as the real parser stores it: the raw token text (quotes included),
#: a list of them for a multi-value IN, or None where an id had no part after the `x`.
WhereValue = str | None | list[str | None]


@dataclass(frozen=True)
class Token:
    """A lexed token: its terminal name (None when the lexer gave no class: "Unknown")."""

    kind: str | None
    text: str


@dataclass
class Statement:
    """A parsed VTQL statement, in the real server's own (flat) representation."""

    module: str = ""
    columns: list[str] = field(default_factory=list)
    where_columns: list[str] = field(default_factory=list)
    where_operators: list[str] = field(default_factory=list)
    where_values: list[WhereValue] = field(default_factory=list)
    connectors: list[str] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)
    sort_order: str | None = None
    limit: list[str] = field(default_factory=list)

    @property
    def has_where(self) -> bool:
        """Whether a WHERE clause contributed anything."""
        return bool(self.where_columns or self.where_operators or self.where_values)

    @property
    def is_star(self) -> bool:
        """`select *`: every field of the module."""
        return "*" in self.columns

    @property
    def is_count(self) -> bool:
        """`select count(*)` (columns after it are ignored)."""
        return not self.is_star and "count(*)" in self.columns
