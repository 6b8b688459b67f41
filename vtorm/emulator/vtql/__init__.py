"""The embedded server's own VTQL: lexer, parser and executor (no code shared with the ORM).

`parse(text)` gives the statement or raises the server's exact error; `execute_query(conn,
schema, text)` runs the whole query pipeline of the real server on the SQLite store.
"""

from __future__ import annotations

from vtorm.emulator.vtql.ast import Statement
from vtorm.emulator.vtql.executor import execute_query
from vtorm.emulator.vtql.parser import parse

__all__ = ["Statement", "execute_query", "parse"]
