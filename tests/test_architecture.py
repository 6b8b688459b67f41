"""The layers of vtorm, as import rules, checked on every import of vtorm/, codegen/ and generated/.

Every `import` and `from ... import` is read with `ast`: at module level, inside functions and
under `if TYPE_CHECKING:`, relative ones resolved, and `importlib.import_module("...")` with a
literal name counted as an import. `RULES` says what each folder may use; the checks below
report every broken rule as `file:line: what, and the rule's reason`. The last tests feed the
checker small synthetic packages that break each rule, so a checker that stopped seeing a kind
of import would fail here too. docs/architecture.md shows the same table for people.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("vtorm", "codegen", "generated")

Kind = Literal["module", "function", "type-checking"]


@dataclass(frozen=True)
class Rule:
    """One layer: which modules it holds and what they may import.

    Patterns name a module exactly (`vtorm.wire`) or a package and all below it
    (`vtorm.client.*`); third-party packages are named the same way (`requests.*`).
    `only` is an allow-list (the standard library is always allowed); `never` a deny-list.
    `public` names packages that may be imported only through their `__all__` names.
    """

    layer: str
    members: tuple[str, ...]
    why: str
    never: tuple[str, ...] = ()
    only: tuple[str, ...] | None = None
    public: tuple[str, ...] = ()


CORE = ("vtorm.errors", "vtorm.ids", "vtorm.wire", "vtorm._version")
ENTRY_POINTS = (
    "vtorm.cli",
    "vtorm.demo",
    "vtorm.embedded",
    "vtorm.pytest_plugin",
    "vtorm.__main__",
)
HTTP = ("requests.*", "urllib3.*")
UPWARD = ("vtorm.emulator.*", "codegen.*", "generated.*")

#: First matching rule wins, so the specific modules come before the folders holding them.
RULES: tuple[Rule, ...] = (
    Rule(
        "core",
        CORE,
        "core (errors, ids, wire, version) sits under every layer, so it can use none of them",
        only=CORE,
    ),
    Rule(
        "entry points",
        ENTRY_POINTS,
        "the commands wire layers together (generate, serve, demo, the pytest plugin); "
        "HTTP stays in vtorm/client/",
        never=HTTP,
    ),
    Rule(
        "facade",
        ("vtorm",),
        "`vtorm` re-exports the runtime's public names; the generator and the embedded "
        "server are reached through their own packages",
        never=(*UPWARD, *HTTP),
    ),
    Rule(
        "client",
        ("vtorm.client.*",),
        "the HTTP client speaks the webservice and knows nothing of models, queries, "
        "the embedded server or the generator",
        never=("vtorm.query.*", "vtorm.model.*", *UPWARD),
    ),
    Rule(
        "query",
        ("vtorm.query.*",),
        "queries reach a server only through the Backend protocol, never the HTTP client",
        never=("vtorm.client.*", *UPWARD, *HTTP),
    ),
    Rule(
        "model",
        ("vtorm.model.*",),
        "models load and save through the Backend protocol, never the HTTP client",
        never=("vtorm.client.*", *UPWARD, *HTTP),
    ),
    Rule(
        "emulator",
        ("vtorm.emulator.*",),
        "the embedded server shares only the wire constants with the ORM, so a bug in the "
        "ORM cannot hide the same bug in the server it is tested against",
        only=("vtorm.wire", "vtorm.emulator.*"),
    ),
    Rule(
        "codegen",
        ("codegen.*",),
        "the generator reads describes with its own parser, not the embedded server's, and "
        "fetches them with vtorm's client",
        never=("vtorm.emulator.*", "generated.*", *HTTP),
    ),
    Rule(
        "generated",
        ("generated.*",),
        "generated models use what a user's own models could: vtorm's public names",
        only=("generated.*", "typing_extensions.*"),
        public=("vtorm",),
    ),
)

#: (importing module, imported pattern) -> why this one import may break its layer's rule.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("vtorm.ids", "pydantic.*"): "RecordId hands pydantic its own validation schema",
    ("vtorm.ids", "pydantic_core.*"): "RecordId hands pydantic its own validation schema",
    ("vtorm.client.connection", "vtorm.query.backend"): "vtorm.connect() puts its client in "
    "the ORM's default-backend slot, so the ORM finds it without importing the client",
}

#: Modules allowed to import a module whose name is computed (lazy exports, subcommands).
DYNAMIC_IMPORTS = {
    "vtorm": "the public names load on first use (`_LAZY`)",
    "vtorm.cli": "each subcommand's module loads when the parser is built",
    "vtorm.demo": "the demo imports the package it has just generated",
    "vtorm.emulator.operations": "the operation registry loads its package's ops_* modules",
}


@dataclass(frozen=True)
class Import:
    """One imported module (or one name from it) at one place of the source."""

    source: str
    target: str
    name: str | None
    path: str
    line: int
    kind: Kind

    def where(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Scan:
    """Every module of the scanned packages, what each imports, and their public names."""

    root: Path
    modules: dict[str, Path]
    imports: tuple[Import, ...]
    dynamic: tuple[Import, ...]
    private_uses: tuple[Import, ...]
    exported: dict[str, frozenset[str]]


def matches(name: str, pattern: str) -> bool:
    if pattern.endswith(".*"):
        package = pattern[:-2]
        return name == package or name.startswith(package + ".")
    return name == pattern


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def module_names(root: Path, packages: Sequence[str]) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of `packages` below `root`."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def literal_import_call(node: ast.Call) -> str | Literal[False] | None:
    """The module an `importlib.import_module(...)`/`__import__(...)` call loads.

    None when the name is computed at run time; False when `node` is another call.
    """
    func = node.func
    called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if called not in ("import_module", "__import__") or not node.args:
        return False
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


class _Collector(ast.NodeVisitor):
    """Walks one module, noting each import with the context it runs in."""

    def __init__(self, module: str, is_package: bool, path: str, modules: set[str]) -> None:
        self.module, self.path, self.modules = module, path, modules
        self.package = module if is_package else module.rpartition(".")[0]
        self.imports: list[Import] = []
        self.dynamic: list[Import] = []
        self.bound: dict[str, str] = {}  # local name -> project module it refers to
        self.attributes: list[tuple[ast.Attribute, Kind]] = []
        self.kind: Kind = "module"

    def visit_If(self, node: ast.If) -> None:
        if not is_type_checking(node.test):
            self.generic_visit(node)
            return
        outer, self.kind = self.kind, "type-checking"
        for child in node.body:
            self.visit(child)
        self.kind = outer
        for child in node.orelse:
            self.visit(child)

    def _in_function(self, node: ast.AST) -> None:
        outer = self.kind
        if outer == "module":
            self.kind = "function"
        self.generic_visit(node)
        self.kind = outer

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _in_function

    def _leaf(self, node: ast.AST) -> None:
        """Names and constants hold no import: not walking into them (or through the
        deprecated `visit_Num`-style lookups of `ast.NodeVisitor`) halves the scan."""

    visit_Name = visit_Constant = _leaf

    def _add(self, target: str, name: str | None, line: int) -> None:
        self.imports.append(Import(self.module, target, name, self.path, line, self.kind))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(alias.name, None, node.lineno)
            if alias.asname:
                self.bound[alias.asname] = alias.name
            else:
                top = alias.name.partition(".")[0]
                self.bound[top] = top

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module, node.level)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in self.modules:
                self._add(submodule, None, node.lineno)
                self.bound[alias.asname or alias.name] = submodule
            else:
                self._add(base, alias.name, node.lineno)

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        parts = self.package.split(".")
        base = parts[: len(parts) - (level - 1)]
        return ".".join([*base, module] if module else base)

    def visit_Call(self, node: ast.Call) -> None:
        loaded = literal_import_call(node)
        if loaded is None:
            self.dynamic.append(Import(self.module, "?", None, self.path, node.lineno, self.kind))
        elif loaded:
            self._add(loaded, None, node.lineno)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.attributes.append((node, self.kind))
        self.generic_visit(node)

    def private_uses(self) -> Iterator[Import]:
        """`module._name` where `module` is a name bound to one of the project's modules."""
        for node, kind in self.attributes:
            owner = self._dotted(node.value)
            if owner in self.modules and owner != self.module and is_private(node.attr):
                yield Import(self.module, owner, node.attr, self.path, node.lineno, kind)

    def _dotted(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            owner = self._dotted(node.value)
            return f"{owner}.{node.attr}" if owner else None
        return None


def exported_names(path: Path) -> frozenset[str]:
    """The names a package's `__init__.py` lists in `__all__`."""
    for node in ast.parse(path.read_text("utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            return frozenset(value)
    return frozenset()


def scan(root: Path, packages: Sequence[str] = PACKAGES) -> Scan:
    modules = module_names(root, packages)
    imports: list[Import] = []
    dynamic: list[Import] = []
    private: list[Import] = []
    for module, path in modules.items():
        collector = _Collector(
            module, path.name == "__init__.py", path.relative_to(root).as_posix(), set(modules)
        )
        collector.visit(ast.parse(path.read_text("utf-8"), str(path)))
        imports += collector.imports
        dynamic += collector.dynamic
        private += collector.private_uses()
    exported = {
        name: exported_names(path) for name, path in modules.items() if path.name == "__init__.py"
    }
    return Scan(root, modules, tuple(imports), tuple(dynamic), tuple(private), exported)


def rule_of(module: str) -> Rule | None:
    return next((r for r in RULES if any(matches(module, m) for m in r.members)), None)


def is_stdlib(name: str) -> bool:
    return name.partition(".")[0] in sys.stdlib_module_names


def broken_rule(found: Import, rule: Rule, exported: dict[str, frozenset[str]]) -> str | None:
    """Why `found` breaks `rule`, or None when it keeps it."""
    target = found.target
    if any(matches(target, p) for p in rule.never):
        return f"{rule.layer} never imports {_pattern(rule.never, target)}"
    if target in rule.public:
        public = exported.get(target, frozenset())
        if found.name is None or found.name in public:
            return None
        return f"{rule.layer} imports only the public names of {target} (its __all__)"
    if rule.only is None or is_stdlib(target) or any(matches(target, p) for p in rule.only):
        return None
    return f"{rule.layer} imports only the standard library and {', '.join(rule.only)}"


def _pattern(patterns: Iterable[str], target: str) -> str:
    return next(p for p in patterns if matches(target, p))


def excepted(found: Import) -> bool:
    return any(source == found.source and matches(found.target, p) for source, p in EXCEPTIONS)


def describe(found: Import) -> str:
    imported = f"{found.target}.{found.name}" if found.name else found.target
    context = "" if found.kind == "module" else f" ({found.kind} import)"
    return f"{found.where()}: {found.source} imports {imported}{context}"


def layer_violations(result: Scan, layer: str | None = None) -> list[str]:
    """Each import that breaks its module's rule (of `layer` only, when given)."""
    problems = [
        f"{result.modules[m].relative_to(result.root).as_posix()}: {m} belongs to no layer of RULES"
        for m in result.modules
        if rule_of(m) is None and layer is None
    ]
    for found in result.imports:
        rule = rule_of(found.source)
        if rule is None or excepted(found) or layer not in (None, rule.layer):
            continue
        reason = broken_rule(found, rule, result.exported)
        if reason is not None:
            problems.append(f"{describe(found)}: {reason}: {rule.why}")
    return problems


def dynamic_violations(result: Scan) -> list[str]:
    """A computed module name hides an import from these rules; only the listed modules may."""
    return [
        f"{found.where()}: {found.source} imports a module whose name is computed at run time "
        "(only the modules in DYNAMIC_IMPORTS may)"
        for found in result.dynamic
        if found.source not in DYNAMIC_IMPORTS
    ]


def private_violations(result: Scan) -> list[str]:
    """`from x import _y`, `x._y` on an imported module, and private modules of other packages."""
    problems = []
    for found in result.imports:
        if found.name is not None and is_private(found.name) and found.target != found.source:
            problems.append(f"{describe(found)}: {found.name} is private to {found.target}")
        elif (owner := _private_module_owner(found.target)) and not matches(
            found.source, owner + ".*"
        ):
            problems.append(f"{describe(found)}: {found.target} is private to {owner}")
    problems += [
        f"{describe(found)}: {found.name} is private to {found.target}"
        for found in result.private_uses
    ]
    return problems


def _private_module_owner(target: str) -> str | None:
    """The package a private module (`vtorm._version`) belongs to, None for a public one.

    The standard library's own private modules (`_thread`) are its business, not ours.
    """
    if is_stdlib(target):
        return None
    parts = target.split(".")
    for index, part in enumerate(parts):
        if is_private(part):
            return ".".join(parts[:index])
    return None


def import_graph(result: Scan, *, type_checking: bool = False) -> dict[str, list[Import]]:
    """Module -> the imports of project modules that run when it loads or its functions run.

    `if TYPE_CHECKING:` imports never run (`type_checking=True` counts them anyway): they let
    an annotation name a class from a module that imports this one, the one mutual reference
    that costs nothing at run time. A submodule importing its own package object
    (`import vtorm.emulator as package`, for `__path__`) adds no load order either: a package
    is always loaded before its submodules. Importing a name from it (`from vtorm.emulator
    import Emulator`) still counts, since that depends on what the package has run.
    """
    graph: dict[str, list[Import]] = defaultdict(list)
    for found in result.imports:
        counted = type_checking or found.kind != "type-checking"
        own_package = found.name is None and matches(found.source, found.target + ".*")
        itself = found.target == found.source
        if counted and found.target in result.modules and not (own_package or itself):
            graph[found.source].append(found)
    return graph


def reachable(graph: dict[str, list[Import]], start: str) -> set[str]:
    """Every module `start` leads to through one or more imports."""
    seen: set[str] = set()
    frontier = [start]
    while frontier:
        frontier = [e.target for m in frontier for e in graph.get(m, ()) if e.target not in seen]
        seen.update(frontier)
    return seen


def cycles(graph: dict[str, list[Import]]) -> list[list[str]]:
    """The groups of modules that all lead to each other (each module on a loop, once)."""
    reach = {module: reachable(graph, module) for module in graph}
    groups = {
        frozenset({module} | {other for other in reach[module] if module in reach.get(other, ())})
        for module in graph
        if module in reach[module]
    }
    return sorted(sorted(group) for group in groups)


def shortest_loop(graph: dict[str, list[Import]], group: list[str]) -> list[Import]:
    """The fewest imports leading from the group's first module back to it (breadth first)."""
    start, members = group[0], set(group)
    came_by: dict[str, Import] = {}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for edge in graph[module]:
                if edge.target == start:
                    loop = [edge]
                    while loop[0].source != start:
                        loop.insert(0, came_by[loop[0].source])
                    return loop
                if edge.target in members and edge.target not in came_by:
                    came_by[edge.target] = edge
                    following.append(edge.target)
        frontier = following
    raise AssertionError(f"{group} is not a cycle")


def cycle_violations(
    result: Scan, package: str | None = None, *, type_checking: bool = False
) -> list[str]:
    """Each import cycle (touching `package` only, when given), shown by its shortest loop."""
    graph = import_graph(result, type_checking=type_checking)
    problems = []
    for group in cycles(graph):
        if package is not None and not any(matches(m, package + ".*") for m in group):
            continue
        loop = "\n".join(f"    {describe(edge)}" for edge in shortest_loop(graph, group))
        problems.append(f"import cycle among {len(group)} modules ({', '.join(group)}):\n{loop}")
    return problems


def all_violations(root: Path, packages: Sequence[str] = PACKAGES) -> list[str]:
    result = scan(root, packages)
    return [
        *layer_violations(result),
        *dynamic_violations(result),
        *private_violations(result),
        *cycle_violations(result),
    ]


# --- the project ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def project() -> Scan:
    return scan(ROOT)


def _report(problems: list[str]) -> str:
    return f"{len(problems)} broken import rule(s):\n" + "\n".join(problems)


def test_the_scan_sees_every_package_and_every_kind_of_import(project: Scan) -> None:
    assert {m.partition(".")[0] for m in project.modules} == set(PACKAGES)
    assert len(project.modules) > 100
    kinds = {found.kind for found in project.imports}
    assert kinds == {"module", "function", "type-checking"}
    edges = {(found.source, found.target) for found in project.imports}
    assert ("vtorm.client.client", "requests") in edges
    assert ("generated", "generated.contact") in edges  # `from .contact import Contact`


def test_every_module_belongs_to_a_layer(project: Scan) -> None:
    assert [m for m in project.modules if rule_of(m) is None] == []


@pytest.mark.parametrize("layer", [rule.layer for rule in RULES])
def test_each_layer_keeps_its_import_rule(project: Scan, layer: str) -> None:
    problems = layer_violations(project, layer)
    assert problems == [], _report(problems)


def test_no_module_imports_by_computed_name_except_the_listed_ones(project: Scan) -> None:
    problems = dynamic_violations(project)
    assert problems == [], _report(problems)
    assert {found.source for found in project.dynamic} == set(DYNAMIC_IMPORTS)


def test_no_module_reaches_into_another_modules_private_names(project: Scan) -> None:
    problems = private_violations(project)
    assert problems == [], _report(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_modules_import_each_other_without_cycles(project: Scan, package: str) -> None:
    problems = cycle_violations(project, package)
    assert problems == [], _report(problems)


def test_the_emulator_has_no_cycle_even_through_type_checking_imports(project: Scan) -> None:
    """The embedded server keeps the stricter rule it already meets: no mutual references."""
    problems = cycle_violations(project, "vtorm.emulator", type_checking=True)
    assert problems == [], _report(problems)


def test_the_exceptions_are_still_needed(project: Scan) -> None:
    """An exception nothing uses any more is a hole in the rules: remove it."""
    used = {
        (found.source, pattern)
        for found in project.imports
        for source, pattern in EXCEPTIONS
        if found.source == source and matches(found.target, pattern)
    }
    assert set(EXCEPTIONS) == used


# --- a test of the test: synthetic packages that break each rule --------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    """Write `files` (path -> source) below `root`, with the `__init__.py` each package needs."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, "utf-8")
        for parent in path.relative_to(root).parents:
            init = root / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("", "utf-8")
    return root


def _problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    baseline = {
        "vtorm/__init__.py": '__all__ = ["Model", "Q"]\n',
        "vtorm/wire.py": "import _thread\n",  # the standard library's private modules are fine
        "vtorm/errors.py": "from vtorm.wire import ErrorCode\n",
        "vtorm/client/client.py": "import requests\n",
        "vtorm/client/connection.py": "from vtorm.client.client import Client\n",
        "vtorm/query/backend.py": "",
        "vtorm/model/base.py": "from vtorm.query.backend import Backend\n",
        "vtorm/emulator/app.py": "from vtorm import wire\nfrom . import storage\n",
        "vtorm/emulator/storage.py": "",
        "codegen/plan.py": "",
        "generated/contact.py": "from vtorm import Model\nfrom .account import Account\n",
        "generated/account.py": "from vtorm import Model\n",
    }
    return all_violations(_tree(tmp_path, {**baseline, **files}))


def test_a_clean_synthetic_tree_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, {}) == []


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"vtorm/query/queryset.py": "def run():\n    from vtorm.client import connection\n"},
            "vtorm/query/queryset.py:2: vtorm.query.queryset imports vtorm.client.connection "
            "(function import): query never imports vtorm.client.*",
            id="client-in-query",
        ),
        pytest.param(
            {
                "vtorm/query/pages.py": "import importlib\n"
                "def run():\n    return importlib.import_module('vtorm.client.connection')\n"
            },
            "vtorm/query/pages.py:3: vtorm.query.pages imports vtorm.client.connection "
            "(function import): query never imports vtorm.client.*",
            id="import-module-literal",
        ),
        pytest.param(
            {"vtorm/model/values.py": "from requests.adapters import HTTPAdapter\n"},
            "vtorm/model/values.py:1: vtorm.model.values imports requests.adapters.HTTPAdapter: "
            "model never imports requests.*",
            id="requests-in-model",
        ),
        pytest.param(
            {
                "vtorm/emulator/sessions.py": "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from vtorm.client import Client\n"
            },
            "vtorm/emulator/sessions.py:3: vtorm.emulator.sessions imports vtorm.client.Client "
            "(type-checking import): emulator imports only the standard library and vtorm.wire",
            id="client-in-emulator",
        ),
        pytest.param(
            {"vtorm/emulator/records.py": "from ..errors import VtigerError\n"},
            "vtorm/emulator/records.py:1: vtorm.emulator.records imports vtorm.errors."
            "VtigerError: emulator imports only",
            id="relative-import-out-of-the-emulator",
        ),
        pytest.param(
            {"codegen/source.py": "from vtorm.emulator.schema import Schema\n"},
            "codegen/source.py:1: codegen.source imports vtorm.emulator.schema.Schema: "
            "codegen never imports vtorm.emulator.*",
            id="emulator-in-codegen",
        ),
        pytest.param(
            {"vtorm/client/retry.py": "import codegen.plan\n"},
            "vtorm/client/retry.py:1: vtorm.client.retry imports codegen.plan: "
            "client never imports codegen.*",
            id="codegen-in-runtime",
        ),
        pytest.param(
            {"vtorm/ids.py": "import pydantic\nfrom vtorm.query import backend\n"},
            "vtorm/ids.py:2: vtorm.ids imports vtorm.query.backend: core imports only",
            id="query-in-core",
        ),
        pytest.param(
            {"vtorm/wire.py": "import jinja2\n"},
            "vtorm/wire.py:1: vtorm.wire imports jinja2: core imports only",
            id="third-party-in-core",
        ),
        pytest.param(
            {"generated/lead.py": "from vtorm.query.queryset import QuerySet\n"},
            "generated/lead.py:1: generated.lead imports vtorm.query.queryset.QuerySet: "
            "generated imports only",
            id="generated-past-the-public-names",
        ),
        pytest.param(
            {"generated/lead.py": "from vtorm import Model, RecordId\n"},
            "generated/lead.py:1: generated.lead imports vtorm.RecordId: generated imports "
            "only the public names of vtorm",
            id="generated-unlisted-name",
        ),
        pytest.param(
            {"vtorm/model/extra.py": "from vtorm.model.base import _registry\n"},
            "vtorm/model/extra.py:1: vtorm.model.extra imports vtorm.model.base._registry: "
            "_registry is private to vtorm.model.base",
            id="private-name-import",
        ),
        pytest.param(
            {
                "vtorm/model/extra.py": "from vtorm.model import base as b\n"
                "def f():\n    return b._registry\n"
            },
            "vtorm/model/extra.py:3: vtorm.model.extra imports vtorm.model.base._registry "
            "(function import): _registry is private to vtorm.model.base",
            id="private-attribute",
        ),
        pytest.param(
            {"codegen/cli.py": "from vtorm._version import __version__\n"},
            "codegen/cli.py:1: codegen.cli imports vtorm._version.__version__: "
            "vtorm._version is private to vtorm",
            id="private-module-of-another-package",
        ),
        pytest.param(
            {
                "vtorm/model/a.py": "import vtorm.model.b\n",
                "vtorm/model/b.py": "def f():\n    from vtorm.model import a\n",
            },
            "import cycle among 2 modules (vtorm.model.a, vtorm.model.b):\n"
            "    vtorm/model/a.py:1: vtorm.model.a imports vtorm.model.b\n"
            "    vtorm/model/b.py:2: vtorm.model.b imports vtorm.model.a (function import)",
            id="function-level-cycle",
        ),
        pytest.param(
            {
                "vtorm/query/compute.py": "import importlib\nname = 'vtorm.' + 'client'\n"
                "importlib.import_module(name)\n"
            },
            "vtorm/query/compute.py:3: vtorm.query.compute imports a module whose name is "
            "computed at run time",
            id="computed-import",
        ),
        pytest.param(
            {"vtorm/extra.py": ""},
            "vtorm/extra.py: vtorm.extra belongs to no layer of RULES",
            id="module-outside-every-layer",
        ),
    ],
)
def test_each_broken_rule_is_reported(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    problems = _problems(tmp_path, files)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems[0]


def test_a_submodule_may_import_its_own_package_object(tmp_path: Path) -> None:
    files = {
        "vtorm/emulator/__init__.py": "def app():\n    from vtorm.emulator import ops\n",
        "vtorm/emulator/ops.py": "def load():\n    import vtorm.emulator as package\n",
    }
    assert _problems(tmp_path, files) == []


@pytest.mark.parametrize(
    "guard",
    [
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:",
        "import typing\nif typing.TYPE_CHECKING:",
    ],
)
def test_type_checking_imports_break_no_cycle_but_keep_the_layer_rules(
    tmp_path: Path, guard: str
) -> None:
    files = {
        "vtorm/model/a.py": "import vtorm.model.b\n",
        "vtorm/model/b.py": f"{guard}\n    from vtorm.model.a import A\n"
        "    from codegen import plan\n",
    }
    problems = _problems(tmp_path, files)
    assert problems == [
        "vtorm/model/b.py:4: vtorm.model.b imports codegen.plan (type-checking import): "
        f"model never imports codegen.*: {rule_of('vtorm.model').why}"  # type: ignore[union-attr]
    ]
