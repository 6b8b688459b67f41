"""Codegen for inventory modules: line-item columns move from the record into `line_items`."""

from __future__ import annotations

from codegen.plan import ModelPlan, plan_package
from tests.codegen.conftest import standard

INVENTORY = {"Quotes", "SalesOrder", "PurchaseOrder", "Invoice"}
LINE_COLUMNS = {"productid", "quantity", "listprice", "comment", "discount_amount", "tax1"}


def _plans(*names: str) -> dict[str, ModelPlan]:
    schema = standard()
    modules = [m for m in schema.modules.values() if not names or m.name in names]
    return {plan.module: plan for plan in plan_package(modules).models}


def test_the_four_modules_line_item_parent_id_names_become_inventory_models() -> None:
    plans = _plans()
    inventory = {name for name, plan in plans.items() if plan.base == "InventoryModel"}
    assert inventory == INVENTORY
    for name in INVENTORY:
        plan = plans[name]
        wires = {field.wire_name for field in (*plan.fields, *plan.read_only)}
        assert not wires & LINE_COLUMNS, name
        assert "pre_tax_total" in wires and "hdnGrandTotal" in wires  # totals stay
        assert plan.line_items == ("    line_items: list[LineItem]",)
        assert "from .line_item import LineItem" in plan.imports
        assert not any(key.startswith("productid") for key, _ in plan.lookups)
        start = plan.imports.index(next(i for i in plan.imports if i.startswith("from vtorm ")))
        vtorm_names = plan.imports[start : plan.imports.index(")", start)]
        assert "    InventoryModel," in vtorm_names and "    Model," not in vtorm_names


def test_other_modules_keep_their_fields_and_base() -> None:
    plans = _plans()
    assert plans["Products"].base == "Model" and plans["Products"].line_items == ()
    line_plan = plans["LineItem"]
    assert line_plan.base == "Model"
    assert {"productid", "quantity", "parent_id"} <= {f.wire_name for f in line_plan.fields}


def test_without_the_line_item_model_an_inventory_module_keeps_its_describe() -> None:
    plans = _plans("Quotes", "Products", "Accounts")
    quote = plans["Quotes"]
    assert quote.base == "Model" and quote.line_items == ()
    assert "productid" in {field.wire_name for field in quote.fields}
