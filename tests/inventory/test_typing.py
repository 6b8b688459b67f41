"""mypy --strict on typing_example.py: line items typed, line columns off the record."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.codegen.conftest import tool

pytestmark = pytest.mark.slow  # runs mypy

EXAMPLE = Path(__file__).parent / "typing_example.py"


def test_mypy_sees_typed_lines_and_no_line_columns_on_the_record(tmp_path: Path) -> None:
    run = tool("mypy", "--strict", "--cache-dir", tmp_path / "cache", EXAMPLE)
    found: dict[int, list[str]] = {}
    for output in run.stdout.splitlines():
        match = re.match(r"(.+?):(\d+): error: (.*)", output)
        if match:
            assert Path(match[1]).resolve() == EXAMPLE.resolve(), output
            found.setdefault(int(match[2]), []).append(match[3])
    expected = {
        number: line.split("  # error: ", 1)[1]
        for number, line in enumerate(EXAMPLE.read_text("utf-8").splitlines(), start=1)
        if "  # error: " in line
    }
    assert sorted(found) == sorted(expected), run.stdout
    for number, words in expected.items():
        assert any(words in message for message in found[number]), (number, found[number])
