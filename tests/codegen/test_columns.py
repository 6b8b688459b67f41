"""The storage columns codegen ships and writes into `VtigerField(column=...)`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codegen.columns import column_of, derive, dumps, main, standard_columns
from generated import Contact, Invoice
from tests.codegen.conftest import REFERENCE, needs_shared
from vtorm.errors import ConfigurationError


@needs_shared
def test_the_shipped_data_is_what_the_reference_capture_gives() -> None:
    reference = json.loads((REFERENCE / "columns.json").read_text("utf-8"))
    assert dict(standard_columns()) == derive(reference)


def test_the_build_script_writes_exactly_the_shipped_text(tmp_path: Path) -> None:
    reference = {
        "modules": {
            m: {f: {"column_type": c} for f, c in fields.items()}
            for m, fields in standard_columns().items()
        }
    }
    source, output = tmp_path / "reference.json", tmp_path / "columns.json"
    source.write_text(json.dumps(reference), "utf-8")
    assert main([str(source), str(output)]) == 0
    assert output.read_text("utf-8") == dumps(standard_columns())
    assert main([]) == 2  # usage


def test_known_fields_have_their_column_and_others_none() -> None:
    assert column_of("Contacts", "lastname") == "varchar(80)"
    assert column_of("Invoice", "hdnGrandTotal") == "decimal(25,8)"
    assert column_of("Contacts", "cf_853") == ""  # a custom field: unknown
    assert column_of("NoSuchModule", "x") == ""


def test_generated_fields_carry_the_column_and_its_limits() -> None:
    assert Contact.vtiger_fields["lastname"].max_length == 80
    assert Invoice.vtiger_fields["hdnGrandTotal"].decimal == (25, 8)
    assert Contact.vtiger_fields["customer_tier"].column == ""  # cf_853


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ({}, "no 'modules' object"),
        ({"modules": {"Contacts": []}}, "Contacts is not an object"),
        ({"modules": {"Contacts": {"lastname": {}}}}, "Contacts.lastname has no column_type"),
    ],
)
def test_a_malformed_reference_is_an_error_naming_the_field(
    reference: dict[str, object], words: str
) -> None:
    with pytest.raises(ConfigurationError, match=words.replace(".", r"\.")):
        derive(reference)
