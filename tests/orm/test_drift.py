"""Run-time drift: fields and picklist values the server sends but the model lacks are logged."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator

import pytest

from generated import Contact
from tests.inprocess import make_client
from vtorm.client import Client
from vtorm.emulator import Emulator, standard_schema
from vtorm.emulator.schema import ModuleSchema, Schema
from vtorm.model import drift


def _drifted_schema() -> Schema:
    """The stock schema, with a new Contacts field and a new lead source value."""
    base = standard_schema()
    describe = copy.deepcopy(dict(base["Contacts"].describe))
    for field in describe["fields"]:
        if field["name"] == "leadsource":
            field["type"]["picklistValues"].append({"label": "Podcast", "value": "Podcast"})
    new = {"name": "cf_999", "label": "Shoe Size", "mandatory": False, "type": {"name": "string"},
           "isunique": False, "nullable": True, "editable": True, "default": ""}  # fmt: skip
    describe["fields"].insert(len(describe["fields"]) - 1, new)
    modules = dict(base.modules)
    modules["Contacts"] = ModuleSchema.from_describe(describe, {"label": "Contacts"})
    return Schema(modules=modules, related=base.related)


@pytest.fixture
def drifted() -> Iterator[Client]:
    drift.forget()
    emulator = Emulator(_drifted_schema())
    with make_client(emulator) as client:
        yield client
    emulator.close()
    drift.forget()


def test_unknown_field_and_picklist_value_warn_once_each(
    drifted: Client, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("A", "B"):
        drifted.create("Contacts", {"lastname": name, "cf_999": "44", "leadsource": "Podcast",
                                    "assigned_user_id": "19x1"})  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="vtorm.drift"):
        loaded = list(Contact.objects.using(drifted).all())
        again = Contact.objects.using(drifted).get(lastname="B")
    assert [c.lastname for c in loaded] == ["A", "B"] and again.leadsource == "Podcast"
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "'cf_999'" in messages[0] and "vtorm generate --check" in messages[0]
    assert "'Podcast'" in messages[1] and "'leadsource'" in messages[1]
    assert drift.warned() == {("Contact", "cf_999"), ("Contact", "leadsource values")}


def test_a_matching_schema_logs_nothing(caplog: pytest.LogCaptureFixture) -> None:
    drift.forget()
    emulator = Emulator()
    with make_client(emulator) as client, caplog.at_level(logging.WARNING, logger="vtorm.drift"):
        client.create("Contacts", {"lastname": "Plain", "leadsource": "Cold Call",
                                   "assigned_user_id": "19x1"})  # fmt: skip
        Contact.objects.using(client).get(lastname="Plain")
        list(Contact.objects.using(client).all())
    emulator.close()
    assert caplog.records == []
