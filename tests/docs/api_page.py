"""docs/api.md from the docstrings of every public name (`python tests/docs/api_page.py`).

mkdocstrings is not a dependency, so the page is rendered here with `inspect` and checked in;
tests/docs/test_api_page.py fails when it no longer matches the code. Docstrings go into text
blocks verbatim (no Markdown interpretation), signatures in `py` blocks (the docs example
runner runs only `python` ones).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from pathlib import Path
from typing import Any

PAGE = Path(__file__).resolve().parents[2] / "docs" / "api.md"
#: (module, title, names or None for its __all__)
SECTIONS: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("vtorm", "vtorm", None),
    ("vtorm.emulator", "vtorm.emulator", None),
    ("vtorm.emulator.faults", "vtorm.emulator.faults", ("Fault", "Faults")),
    ("vtorm.pytest_plugin", "vtorm.pytest_plugin (pytest fixtures)", None),
)
_ERRORS = "vtorm.errors"


def _doc(obj: object) -> str:
    text = inspect.getdoc(obj) or ""
    return f"```text\n{text}\n```\n" if text else ""


def _signature(name: str, obj: Any) -> str:
    """`name(a: int, b: str = 'x') -> T`, annotations as written in the source."""
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return name
    params = []
    star_done = False
    for param in signature.parameters.values():
        if param.kind is param.KEYWORD_ONLY and not star_done:
            params.append("*")
            star_done = True
        if param.kind is param.VAR_POSITIONAL:
            star_done = True
        prefix = {param.VAR_POSITIONAL: "*", param.VAR_KEYWORD: "**"}.get(param.kind, "")
        text = prefix + param.name
        if param.annotation is not param.empty:
            text += f": {_annotation(param.annotation)}"
        if param.default is not param.empty:
            text += (
                f" = {param.default!r}"
                if param.annotation is not param.empty
                else f"={param.default!r}"
            )
        params.append(text)
    result = f"{name}({', '.join(params)})"
    if signature.return_annotation is not signature.empty:
        result += f" -> {_annotation(signature.return_annotation)}"
    return result


def _annotation(value: object) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def _members(cls: type) -> list[tuple[str, Any]]:
    """Public methods and properties defined by the class itself (not inherited)."""
    found = []
    for name, member in vars(cls).items():
        if name.startswith("_") or name in {"model_config", "model_fields"}:
            continue
        if isinstance(member, property | classmethod | staticmethod) or inspect.isfunction(member):
            found.append((name, member))
    return found


def _entry(qualified: str, name: str, obj: Any) -> list[str]:
    lines = [f"### `{qualified}`\n"]
    if inspect.isclass(obj):
        lines.append(f"```py\nclass {_signature(name, obj)}\n```\n")
        lines.append(_doc(obj))
        for member_name, member in _members(obj):
            if isinstance(member, property):
                target = member.fget
            elif isinstance(member, classmethod):
                target = getattr(obj, member_name)  # bound: no `cls` in the signature
            else:
                target = getattr(member, "__func__", member)
            kind = "property " if isinstance(member, property) else ""
            shown = member_name if kind else _signature(member_name, target)
            lines.append(f"#### `{name}.{member_name}`\n")
            lines.append(f"```py\n{kind}{shown}\n```\n")
            lines.append(_doc(target))
    elif callable(obj):
        lines.append(f"```py\n{_signature(name, obj)}\n```\n")
        lines.append(_doc(obj))
    else:
        lines.append(f"`{name} = {obj!r}`\n")
    return lines


def _fixture_function(obj: Any) -> Any:
    """The function behind a pytest fixture (pytest wraps it)."""
    return getattr(obj, "_fixture_function", None) or getattr(obj, "__wrapped__", obj)


def render() -> str:
    """The whole page."""
    out = [
        "# API reference\n",
        "Every public name, with its docstring. Generated from the code by"
        " `python tests/docs/api_page.py`; do not edit by hand.\n",
    ]
    errors = importlib.import_module(_ERRORS)
    for module_name, title, names in SECTIONS:
        module = importlib.import_module(module_name)
        out.append(f"## {title}\n")
        out.append(_doc(module))
        for name in names or tuple(module.__all__):
            if name.startswith("__"):
                continue  # __version__ changes with every release
            if module_name == "vtorm" and name in errors.__all__:
                continue  # listed under vtorm.errors
            obj = getattr(module, name)
            if module_name == "vtorm.pytest_plugin" and name.startswith("vtiger_"):
                obj = _fixture_function(obj)
            out += _entry(f"{module_name}.{name}", name, obj)
    out.append(f"## {_ERRORS}\n")
    out.append(_doc(errors))
    for name in errors.__all__:
        out += _entry(f"{_ERRORS}.{name}", name, getattr(errors, name))
    return "\n".join(part.rstrip("\n") + "\n" for part in out if part)


if __name__ == "__main__":
    PAGE.write_text(render(), "utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)
