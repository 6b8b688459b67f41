"""Line layout the way `ruff format` does it, so generated code is formatted as written.

Only the shapes codegen emits are handled: atoms (text that is never split) and bracketed
groups such as calls, subscripts and tuples. A line that fits stays flat; otherwise the
last bracket is split, its contents kept on one indented line when they fit, else one
element per line with a (magic) trailing comma, recursively.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "LINE_LENGTH",
    "Group",
    "Node",
    "Text",
    "doc_text",
    "lay_out",
    "py_string",
    "render_flat",
]

#: The width generated files are laid out for (this project's `ruff` line-length).
LINE_LENGTH = 100


@dataclass(frozen=True)
class Group:
    """`head` + `open` + comma-separated `items` + `close`, e.g. `VtigerField(...)`.

    `tuple_` marks a parenthesized tuple, which needs a trailing comma with one item.
    `union` joins the items with ` | ` instead (a parenthesized type union), split before
    each `|` when it does not fit.
    """

    head: str
    open: str
    items: tuple[Node, ...]
    close: str
    tuple_: bool = False
    union: bool = False


@dataclass(frozen=True)
class Text:
    """A string literal (after `head`, e.g. `default=`) that may be split into parts.

    When it does not fit, it becomes a parenthesized implicit concatenation of parts that
    each fit, which `ruff format` leaves alone (and `ruff check` accepts as short lines).
    """

    head: str
    text: str


Node: TypeAlias = "str | Group | Text"


def _body(group: Group) -> str:
    body = (" | " if group.union else ", ").join(render_flat(item) for item in group.items)
    return body + "," if group.tuple_ and len(group.items) == 1 else body


def render_flat(node: Node) -> str:
    """`node` on one line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Text):
        return node.head + py_string(node.text)
    if node.union:  # the parentheses are only there to split it
        return node.head + _body(node)
    return f"{node.head}{node.open}{_body(node)}{node.close}"


def lay_out(
    node: Node, indent: int = 0, tail: str = "", width: int = LINE_LENGTH, *, hug: bool = True
) -> list[str]:
    """The lines of `node` at `indent` spaces followed by `tail` (`","`, `" = None"`...).

    `hug=False` never keeps split contents on one line; collection literals never do (as
    in ruff), and an annotated assignment must not, or ruff would wrap its value instead.
    """
    pad = " " * indent
    flat = pad + render_flat(node) + tail
    if isinstance(node, str) or len(flat) <= width:
        return [flat]
    if isinstance(node, Text):
        parts = _split_text(node.text, indent + 4, width)
        return [f"{pad}{node.head}(", *parts, f"{pad}){tail}"]
    if not node.items:
        return [flat]
    opening, closing = f"{pad}{node.head}{node.open}", f"{pad}{node.close}{tail}"
    body = " " * (indent + 4) + _body(node)
    if hug and len(body) <= width and not node.tuple_:
        return [opening, body, closing]
    lines = [opening]
    if node.union:
        inner = " " * (indent + 4)
        lines += [inner + ("| " if i else "") + render_flat(x) for i, x in enumerate(node.items)]
        return [*lines, closing]
    for item in node.items:
        lines.extend(lay_out(item, indent + 4, ",", width))
    return [*lines, closing]


def _split_text(text: str, indent: int, width: int) -> list[str]:
    """Lines of string literals, split after whitespace, that concatenate to `text`."""
    quote = _quote_for(text)
    pad = " " * indent
    lines: list[str] = []
    current = ""
    for token in re.findall(r"\S+\s*|\s+", text):
        if current and len(pad + py_string(current + token, quote)) > width:
            lines.append(pad + py_string(current, quote))
            current = ""
        current += token
    return [*lines, pad + py_string(current, quote)]


def _quote_for(text: str) -> str:
    return "'" if text.count('"') > text.count("'") else '"'


def py_string(text: str, quote: str | None = None) -> str:
    """A Python string literal for `text`, quoted the way `ruff format` prefers.

    >>> py_string('say "hi"'), py_string("it's")
    ('\\'say "hi"\\'', '"it\\'s"')
    """
    quote = quote or _quote_for(text)
    return quote + text.translate(_escapes(quote)) + quote


_CONTROL_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


@functools.cache
def _escapes(quote: str) -> dict[int, str]:
    """The `str.translate` table of `py_string` for one quote character: backslash, the
    quote, `\\n \\r \\t` by name, other control characters as `\\xNN` (the demo package
    holds about 9,000 literals, and a per-character loop was codegen's hottest function)."""
    table = {code: f"\\x{code:02x}" for code in (*range(32), 127)}
    table.update(_CONTROL_ESCAPES)
    table[ord("\\")] = "\\\\"
    table[ord(quote)] = "\\" + quote
    return table


def doc_text(text: str, limit: int = 40) -> str:
    """`text` made safe and short enough for a one-line docstring."""
    printable = "".join(ch if ch.isprintable() else " " for ch in html.unescape(text))
    clean = re.sub(r"\s+", " ", printable).strip().replace("\\", "/").replace('"', "'")
    return clean if len(clean) <= limit else clean[: limit - 3].rstrip() + "..."
