"""The ruff-shaped line layout and string quoting (ruff itself checks whole packages in
test_generate.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.layout import Group, Text, lay_out, py_string
from tests.properties import examples


def test_a_line_that_fits_stays_flat() -> None:
    node = Group("f", "(", ('"a"', '"b"'), ")")
    assert lay_out(node, 4, " = None") == ['    f("a", "b") = None']


def test_contents_that_fit_are_kept_on_one_indented_line() -> None:
    node = Group("x: Annotated", "[", ("str", "y" * 80), "]")
    assert lay_out(node, 4) == ["    x: Annotated[", f"        str, {'y' * 80}", "    ]"]


def test_otherwise_one_item_per_line_with_a_trailing_comma() -> None:
    node = Group("x: Annotated", "[", ("str", "y" * 80), "]")
    assert lay_out(node, 4, " = None", hug=False) == [
        "    x: Annotated[",
        "        str,",
        f"        {'y' * 80},",
        "    ] = None",
    ]


def test_tuples_are_never_hugged_and_keep_their_one_item_comma() -> None:
    assert lay_out(Group("t=", "(", ('"a"',), ")", tuple_=True)) == ['t=("a",)']
    long = Group("t=", "(", ('"' + "a" * 98 + '"',), ")", tuple_=True)
    assert lay_out(long) == ["t=(", '    "' + "a" * 98 + '",', ")"]


def test_long_text_becomes_an_implicit_concatenation() -> None:
    text = "word " * 40
    lines = lay_out(Text("default=", text), 8, ",")
    assert lines[0] == "        default=(" and lines[-1] == "        ),"
    assert all(len(line) <= 100 for line in lines)
    assert eval("".join(lines[1:-1])) == text


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_py_string_round_trips(text: str) -> None:
    literal = py_string(text)
    assert eval(literal) == text
    assert "\n" not in literal


def test_py_string_prefers_double_quotes_like_ruff() -> None:
    assert py_string("it's") == '"it\'s"'
    assert py_string('say "hi"') == "'say \"hi\"'"
    assert py_string("a\\b") == '"a\\\\b"'
