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


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _emulator_imports(path: Path, known: set[str]) -> set[str]:
    """Every emulator module `path` imports anywhere (top level, functions, TYPE_CHECKING)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text("utf-8"), str(path))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        found.update(n for n in names if n in known)
    return found


def test_no_emulator_modules_import_each_other_in_a_cycle() -> None:
    paths = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(paths)
    graph = {name: _emulator_imports(path, known) - {name} for name, path in paths.items()}
    # a submodule always imports its package first; only edges into other modules count
    graph = {n: {m for m in deps if not n.startswith(m + ".")} for n, deps in graph.items()}
    cycles = []
    for start in graph:
        stack = [(start, [start])]
        seen: set[str] = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(trail)
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
    assert cycles == []
