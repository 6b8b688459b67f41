"""Codegen's own describe parser (that codegen never imports the server, and has no import
cycle, is tests/test_architecture.py's)."""

from __future__ import annotations

from typing import Any

import pytest

from codegen.describe import parse_describe, parse_relations, parse_schema
from tests.codegen.conftest import standard
from vtorm.errors import ConfigurationError


def _describe(**extra: Any) -> dict[str, Any]:
    field = {"name": "lastname", "label": "Last Name", "type": {"name": "string"}}
    return {"name": "Contacts", "label": "Contacts", "idPrefix": "12", "fields": [field], **extra}


def test_an_envelope_and_a_bare_result_parse_alike() -> None:
    bare = parse_describe(_describe())
    assert parse_describe({"success": True, "result": _describe()}) == bare
    assert bare.field("lastname") is not None and bare.field("lastname").type == "string"  # type: ignore[union-attr]
    assert (bare.name, bare.id_prefix, bare.is_entity, bare.singular) == (
        "Contacts",
        "12",
        True,
        "Contacts",
    )


def test_php_flags_and_a_missing_type_have_their_meaning() -> None:
    data = _describe(isEntity="0")
    data["fields"].append({"name": "cf_1", "mandatory": "1", "editable": "false"})
    module = parse_describe(data)
    assert module.is_entity is False
    extra = module.fields[1]
    assert (extra.label, extra.type, extra.mandatory, extra.editable) == (
        "cf_1",
        "string",
        True,
        False,
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"label": "x", "idPrefix": "1"}, "describe: 'name' is missing"),
        ({"name": "Things", "fields": []}, "describe Things: 'idPrefix' is missing"),
        (
            {"name": "Things", "idPrefix": "7", "fields": {}},
            "describe Things: 'fields' must be a list",
        ),
        (
            {"name": "Things", "idPrefix": "7", "fields": [{"label": "x"}]},
            "describe Things: 'name'",
        ),
        (
            {"name": "T", "idPrefix": "7", "fields": [{"name": "f", "type": "string"}]},
            "describe T.f: 'type' must be an object",
        ),
        (
            {"name": "T", "idPrefix": "7", "fields": [{"name": "f", "type": {"refersTo": "A"}}]},
            "describe T.f: refersTo must be a list of strings",
        ),
        (
            {
                "name": "T",
                "idPrefix": "7",
                "fields": [{"name": "f", "type": {"picklistValues": [{}]}}],
            },
            "describe T.f: a picklist entry has no value",
        ),
        ({"success": False, "error": {"code": "ACCESS_DENIED"}}, "the envelope carries no result"),
        ([], "expected a JSON object, got list"),
    ],
)
def test_malformed_describes_are_errors_naming_the_module_and_field(
    data: object, words: str
) -> None:
    with pytest.raises(ConfigurationError, match=words.replace(".", r"\.").replace("(", r"\(")):
        parse_describe(data)


def test_relations_keep_entity_modules_by_label() -> None:
    info = {
        "Sales Order": {"name": "SalesOrder", "isEntity": "1"},
        "Users": {"name": "Users", "isEntity": "0"},
        "Broken": "not an object",
    }
    assert parse_relations({"types": [], "information": info}) == {"Sales Order": "SalesOrder"}
    assert parse_relations({"success": True, "result": {"information": []}}) == {}


def test_a_schema_keeps_listtypes_order_labels_and_the_raw_answers() -> None:
    listtypes = {"types": ["Contacts"], "information": {"Contacts": {"singular": "Contact"}}}
    related = {"Contacts": {"information": {"Accounts": {"name": "Accounts", "isEntity": "1"}}}}
    schema = parse_schema(listtypes, [_describe()], related)
    assert schema["Contacts"].singular == "Contact"
    assert schema["Contacts"].relations == {"Accounts": "Accounts"}
    assert schema.describes["Contacts"] == _describe() and schema.listtypes == listtypes
    with pytest.raises(ConfigurationError, match="'information' must be an object"):
        parse_schema({"types": [], "information": "x"}, [])


def test_the_demo_schema_is_the_embedded_servers_answers() -> None:
    schema = standard()
    assert len(schema.modules) == 35 and "Contacts" in schema
    assert schema["Accounts"].relations["Contacts"] == "Contacts"
    assert schema.related["Currency"] is None  # not an entity type: not asked
