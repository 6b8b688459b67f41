"""Property: any describe payload renders to Python that compiles, runs, deterministically."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from codegen.describe import parse_describe
from codegen.plan import plan_package
from codegen.render import render_package
from tests.properties import examples

_TYPES = ["string", "text", "integer", "double", "currency", "boolean", "date", "datetime"]
_TYPES += ["time", "picklist", "multipicklist", "reference", "owner", "email", "url", "weird"]


@st.composite
def _describes(draw: st.DrawFn) -> dict[str, Any]:
    fields = []
    for number in range(draw(st.integers(0, 6))):
        vtype: dict[str, Any] = {"name": draw(st.sampled_from(_TYPES))}
        if vtype["name"] in ("picklist", "multipicklist"):
            values = draw(st.lists(st.text(max_size=12), max_size=5))
            vtype["picklistValues"] = [{"label": v, "value": v} for v in values]
        if vtype["name"] == "reference":
            vtype["refersTo"] = draw(st.lists(st.sampled_from(["Demo", "Contacts"]), max_size=2))
        wire = draw(st.sampled_from([f"cf_{number}", f"f{number}", "class", "id_", "a&b"]))
        fields.append(
            {
                "name": wire,
                "label": draw(st.text(max_size=20)),
                "type": vtype,
                "mandatory": draw(st.booleans()),
                "editable": draw(st.booleans()),
                "default": draw(st.text(max_size=15)),
            }
        )
    unique = list({f["name"]: f for f in fields}.values())
    label = draw(st.text(max_size=10))
    return {
        "name": "Demo",
        "label": label,
        "idPrefix": draw(st.text(min_size=1, max_size=3)),
        "fields": unique,
    }


@settings(max_examples=examples(40), deadline=None)
@given(_describes())
def test_any_describe_renders_to_compiling_deterministic_code(describe: dict[str, Any]) -> None:
    module = parse_describe(describe)
    files = render_package(plan_package([module]))
    assert render_package(plan_package([module])) == files
    for name, text in files.items():
        if name.endswith(".py"):
            code = compile(text, name, "exec")
            if name != "__init__.py":  # the model module runs: pydantic builds the class
                namespace: dict[str, Any] = {"__name__": "hypothesis_models.demo"}
                exec(code, namespace)
                assert namespace["Demo"].vtiger_module == "Demo"
