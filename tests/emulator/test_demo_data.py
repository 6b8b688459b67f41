"""The demo data set: deterministic, valid against the standard schema, and seedable."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from vtorm.emulator import Emulator
from vtorm.emulator.demo_data import (
    BASE_DAY,
    DEMO_COUNTS,
    DemoRecord,
    demo_records,
    module_counts,
    seed_demo,
)
from vtorm.emulator.relations import related_ids
from vtorm.emulator.schema import Schema

SCHEMA = Schema.standard()
RECORDS = demo_records()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data() -> None:
    assert demo_records() == RECORDS
    assert demo_records(seed=9) != RECORDS
    assert module_counts(demo_records(seed=9)) == module_counts(RECORDS)


def test_several_hundred_records_across_the_six_modules() -> None:
    counts = module_counts(RECORDS)
    assert counts == Counter(DEMO_COUNTS)
    assert set(counts) == {"Accounts", "Contacts", "Leads", "Potentials", "HelpDesk", "Products"}
    assert sum(counts.values()) >= 300
    assert len({r.key for r in RECORDS}) == len(RECORDS)


@pytest.mark.parametrize("record", RECORDS[::7], ids=lambda r: r.key)
def test_values_fit_the_schema(record: DemoRecord) -> None:
    module = SCHEMA[record.module]
    for name, value in record.values.items():
        field = module.field(name)
        assert field is not None and field.editable, name
        if field.type == "picklist":
            assert value in field.picklist_values, (name, value)
    for field in module.fields:
        if field.mandatory and field.editable:
            assert record.values.get(field.name) or field.name in record.refs, field.name


def test_references_point_back_at_earlier_records_of_an_allowed_module() -> None:
    seen: dict[str, str] = {}
    for record in RECORDS:
        module = SCHEMA[record.module]
        for name, key in record.refs.items():
            field = module.field(name)
            assert field is not None and field.type == "reference"
            assert seen[key] in field.refers_to, (record.key, name)
        for key in record.related:
            assert seen[key] == "Products"
        seen[record.key] = record.module


def test_every_account_has_contacts_and_contacts_point_at_accounts() -> None:
    contacts = [r for r in RECORDS if r.module == "Contacts"]
    accounts = {r.key for r in RECORDS if r.module == "Accounts"}
    assert {c.refs["account_id"] for c in contacts} == accounts


def test_dates_count_from_a_fixed_day_not_from_today() -> None:
    closing = [
        date.fromisoformat(r.values["closingdate"]) for r in RECORDS if r.module == "Potentials"
    ]
    assert all(abs((day - BASE_DAY).days) <= 400 for day in closing)


def test_account_names_are_unique_as_vtiger_requires() -> None:
    names = [r.values["accountname"].lower() for r in RECORDS if r.module == "Accounts"]
    assert len(names) == len(set(names))


def test_seeding_creates_every_record_with_its_references_resolved() -> None:
    emulator = Emulator(access_key="DemoKey")
    try:
        ids = seed_demo(emulator.backend)
        assert len(ids) == len(RECORDS)
        backend = emulator.backend
        for record in RECORDS[::25]:
            stored = backend.records.retrieve(ids[record.key])
            for name, value in record.values.items():
                if name != "assigned_user_id":
                    assert stored[name].startswith(value), (record.key, name)
            for name, key in record.refs.items():
                assert stored[name] == ids[key]
        customer = next(r for r in RECORDS if r.related)
        crmid = _crmid(ids[customer.key])
        with backend.store.lock:
            linked = related_ids(backend, "Accounts", crmid, "Products", "Products")
        assert linked == sorted({ids[k] for k in customer.related}, key=_crmid)
    finally:
        emulator.close()


def _crmid(record_id: str) -> int:
    return int(record_id.partition("x")[2])


def test_seeding_a_database_that_holds_records_changes_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.sqlite")
    first = Emulator(db=db, access_key="DemoKey")
    try:
        assert len(seed_demo(first.backend)) == len(RECORDS)
    finally:
        first.close()
    again = Emulator(db=db, access_key="DemoKey")
    try:
        assert seed_demo(again.backend) == {}
        count = again.backend.query("SELECT count(*) FROM Accounts;")
        assert count == [{"count": str(DEMO_COUNTS["Accounts"])}]
    finally:
        again.close()
