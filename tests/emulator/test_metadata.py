"""listtypes and describe over raw HTTP, compared with the real server's captures."""

from __future__ import annotations

import json

import pytest

from tests.emulator.conftest import REFERENCE, Wire, error_of

needs_reference = pytest.mark.skipif(
    not REFERENCE.exists(), reason="../shared/vtiger-reference is absent"
)


@needs_reference
def test_listtypes_matches_the_capture(admin: Wire) -> None:
    expected = json.loads((REFERENCE / "listtypes.json").read_text("utf-8"))
    assert admin.op_get("listtypes") == expected


@needs_reference
def test_listtypes_with_a_field_type_matches_the_capture(admin: Wire) -> None:
    cases = json.loads((REFERENCE / "other_ops.json").read_text("utf-8"))
    case = cases["listtypes_fieldTypeList_picklist"]
    answer = admin.op_get("listtypes", fieldTypeList=case["request"]["params"]["fieldTypeList"])
    assert answer == case["response"]


def test_listtypes_of_email_fields_leaves_out_non_modules(admin: Wire) -> None:
    types = admin.result(admin.op_get("listtypes", fieldTypeList='["email"]'))["types"]
    assert "Contacts" in types and "Accounts" in types
    assert "Groups" not in types and "Potentials" not in types


def test_listtypes_with_two_field_types_is_a_database_error(admin: Wire) -> None:
    answer = admin.op_get("listtypes", fieldTypeList='["email", "phone"]')
    assert error_of(answer) == (
        "DATABASE_QUERY_ERROR",
        "An Database error occured while performing the operation",
    )


@needs_reference
@pytest.mark.parametrize("module", ["Accounts", "Contacts", "Users", "LineItem", "Currency"])
def test_describe_matches_the_capture(admin: Wire, module: str) -> None:
    expected = json.loads((REFERENCE / "describe" / f"{module}.json").read_text("utf-8"))
    assert admin.op_get("describe", elementType=module) == expected


@pytest.mark.parametrize("name", ["NoSuchModule", "accounts"])
def test_describe_unknown_or_wrong_case_type(admin: Wire, name: str) -> None:
    assert error_of(admin.op_get("describe", elementType=name)) == (
        "ACCESS_DENIED",
        f"Permission to perform the operation is denied for name : {name}",
    )
