"""The emulator imports nothing from vtorm's client side: only vtorm.wire, itself and the stdlib."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import vtorm.emulator

PACKAGE = Path(vtorm.emulator.__file__).parent
ALLOWED_VTORM = ("vtorm.wire", "vtorm.emulator")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.append("vtorm.emulator")  # relative imports stay inside the package
            elif node.module:
                names.append(node.module)
    return names


def _allowed(name: str) -> bool:
    top = name.split(".")[0]
    if top == "vtorm":
        return any(name == a or name.startswith(a + ".") for a in ALLOWED_VTORM)
    return top in sys.stdlib_module_names or top == "__future__"


def test_emulator_modules_import_only_wire_itself_and_the_standard_library() -> None:
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offending = {
        str(path.relative_to(PACKAGE)): bad
        for path in files
        if (bad := [n for n in _imports(path) if not _allowed(n)])
    }
    assert offending == {}


def test_the_checker_would_catch_a_client_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import requests\nfrom vtorm.client import Client\nfrom vtorm import wire\n")
    assert [n for n in _imports(sample) if not _allowed(n)] == ["requests", "vtorm.client", "vtorm"]
