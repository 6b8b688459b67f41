"""The docs/inventory.md example passes mypy --strict as written (issue 15).

Its python blocks share one namespace when the docs run (tests/docs/test_examples.py), so they
are checked as one program, in order, exactly as the page shows them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.codegen.conftest import tool
from tests.docs.test_examples import DOCS, python_blocks

PAGE = DOCS / "inventory.md"

pytestmark = pytest.mark.slow  # runs mypy --strict in a subprocess: about 4 s


def test_the_inventory_page_type_checks_strictly(tmp_path: Path) -> None:
    program = tmp_path / "inventory_page.py"
    program.write_text("\n".join(python_blocks(PAGE)), "utf-8")
    run = tool("mypy", "--strict", "--cache-dir", tmp_path / "cache", program)
    errors = [line for line in run.stdout.splitlines() if re.search(r":\d+: error:", line)]
    assert errors == [], run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
