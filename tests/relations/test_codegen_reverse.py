"""Codegen's reverse relation planning, and a generated accessor for a relation the server
does not know (the server's error arrives typed)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codegen.describe import parse_describe, parse_relations
from codegen.naming import field_names
from codegen.plan import plan_package
from codegen.render import render_package, write_package
from codegen.reverse import reverse_name
from tests.codegen.conftest import standard
from vtorm import UnknownEntity
from vtorm.client import Client
from vtorm.model import registry

STANDARD = standard()


def test_relation_labels_keep_entity_relations_by_label() -> None:
    info = {
        "Sales Order": {"name": "SalesOrder", "label": "Sales Order", "isEntity": "1"},
        "Contacts": {"name": "Contacts", "label": "Contacts", "isEntity": "1"},
        "Users": {"name": "Users", "label": "Users", "isEntity": "0"},
    }
    assert parse_relations({"types": [], "information": info}) == {
        "Contacts": "Contacts",
        "Sales Order": "SalesOrder",
    }
    assert parse_relations({"types": [], "information": []}) == {}  # PHP's empty array
    assert parse_relations(None) == {}


def test_reverse_names_come_from_labels_and_never_collide() -> None:
    assert reverse_name("Activity History", "calendar", ()) == "related_activity_history"
    taken = {"related_contacts", "related_contacts_contact"}
    assert reverse_name("Contacts", "contact", taken) == "related_contacts_contact_2"
    assert reverse_name("???", "contact", ()) == "related_contact"  # nothing usable in label


def test_related_is_a_reserved_field_name() -> None:
    assert field_names([("related", "Related")]) == {"related": "related_"}


def _methods(plan_models: Any, class_name: str) -> dict[str, str]:
    model = next(m for m in plan_models if m.class_name == class_name)
    return {method.name: method.label for method in model.reverse.methods}


def test_only_generated_modules_get_methods_but_the_relation_set_is_whole() -> None:
    plan = plan_package([STANDARD["Accounts"], STANDARD["Contacts"]], None)
    assert _methods(plan.models, "Account") == {"related_contacts": "Contacts"}
    account = next(m for m in plan.models if m.class_name == "Account")
    assert any('"Activity History": "Calendar",' in line for line in account.reverse.relations)
    assert plan_package([STANDARD["Accounts"]]).models[0].reverse.methods == ()


def test_a_field_taking_the_name_pushes_the_method_aside() -> None:
    describe = dict(STANDARD.describes["Accounts"])
    extra = {"name": "related_contacts", "label": "Related Contacts", "mandatory": False}
    extra |= {"type": {"name": "string"}, "editable": True, "nullable": True, "default": ""}
    describe["fields"] = [*describe["fields"], extra]
    accounts = parse_describe(describe, None, STANDARD["Accounts"].relations)
    plan = plan_package([accounts, STANDARD["Contacts"]], None)
    assert _methods(plan.models, "Account") == {"related_contacts_contact": "Contacts"}


@pytest.fixture
def stranger_package(tmp_path: Path) -> Iterator[Any]:
    """Accounts and Contacts generated with one relation label the server does not have."""
    labels = {**STANDARD["Accounts"].relations, "Secret Friends": "Contacts"}
    accounts = replace(STANDARD["Accounts"], relations=labels)
    plan = plan_package([accounts, STANDARD["Contacts"]], None)
    write_package(render_package(plan), tmp_path / "stranger_models")
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("stranger_models")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.split(".")[0] == "stranger_models"]:
            del sys.modules[name]
        registry.forget("stranger_models")


def test_an_accessor_for_a_label_the_server_does_not_know_raises_its_error(
    stranger_package: Any, client: Client
) -> None:
    account = stranger_package.Account(accountname="Acme")
    account.save(using=client)
    stranger_package.Contact(lastname="Ann", account_id=account.id).save(using=client)
    assert [c.lastname for c in account.related_contacts()] == ["Ann"]
    friends = account.related_secret_friends()
    assert friends.label == "Secret Friends" and friends.model is stranger_package.Contact
    with pytest.raises(UnknownEntity, match="Relation specified is incorrect"):
        list(friends)


def test_the_lock_keeps_method_names_and_check_reports_relation_drift() -> None:
    from codegen.check import diff_schema
    from codegen.lock import LockedRelation, LockFile

    modules = [STANDARD["Accounts"], STANDARD["Contacts"]]
    first = plan_package(modules, None).lock
    assert first.modules["Accounts"].relations["Contacts"] == LockedRelation(
        "Contacts", "related_contacts"
    )
    assert first.modules["Accounts"].relations["Projects"] == LockedRelation("Project", "")
    assert LockFile.loads(first.dumps()) == first
    renamed = dict(first.modules["Accounts"].relations)
    renamed["Contacts"] = LockedRelation("Contacts", "related_people")
    del renamed["Projects"]
    accounts = replace(first.modules["Accounts"], relations=renamed)
    old = LockFile({**first.modules, "Accounts": accounts})
    again = plan_package(modules, old)
    assert _methods(again.models, "Account") == {"related_people": "Contacts"}
    assert diff_schema(old, again.lock) == ["Accounts: + relation 'Projects' (Project)"]
