"""The damage classes on the embedded server, which stores values as the real MySQL columns do.

With the guard off, the embedded server must store what `predict()` says (the same figures
the real-server checks in test_dataloss_real.py confirm), and a custom field whose width the
model does not know, cut by the server, raises `ValueAlteredError` after the save.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from tests.inprocess import make_client
from tests.orm.test_dataloss import Account
from tests.orm.test_dataloss_real import CASES, NAMES
from vtorm import DataLossError, Model, RecordId, ValueAlteredError
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.emulator.schema import Schema


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Client]:
    emulator = Emulator(_schema_with_nickname(tmp_path))
    with make_client(emulator) as connected:
        yield connected
    emulator.close()


def _schema_with_nickname(folder: Path) -> Schema:
    """The stock schema plus Accounts.cf_901, a varchar(12) custom field."""
    root = resources.files("vtorm.emulator") / "data" / "describe"
    accounts = json.loads((root / "Accounts.json").read_text("utf-8"))
    before_id = [field["name"] for field in accounts["fields"]].index("id")
    accounts["fields"].insert(
        before_id,
        {
            "name": "cf_901",
            "label": "Nickname",
            "mandatory": False,
            "type": {"name": "string"},
            "isunique": False,
            "nullable": True,
            "editable": True,
            "default": "",
            "column_type": "varchar(12)",  # the embedded server's extension: its width
        },
    )
    (folder / "Accounts.json").write_text(json.dumps(accounts), "utf-8")
    return Schema.from_directory(folder)


def _record(model: type[Model], field: str, value: Any) -> Model:
    name = f"Data loss check {uuid.uuid4().hex[:8]}"
    return model(**{NAMES[model]: name, "assigned_user_id": RecordId("19x1"), field: value})


@pytest.mark.parametrize(("model", "field", "value"), CASES)
def test_the_embedded_server_stores_what_the_guard_predicts(
    client: Client, model: type[Model], field: str, value: Any
) -> None:
    with pytest.raises(DataLossError) as caught:
        _record(model, field, value).save(using=client)
    predicted = caught.value.changes[field][1]
    record = _record(model, field, value)
    record.save(using=client, data_loss="allow")
    stored = client.retrieve(str(record.id))[model.vtiger_fields[field].wire_name]
    if isinstance(value, (Decimal, int)):
        assert Decimal(stored) == Decimal(predicted), (stored, predicted)
    else:
        assert stored == predicted


def test_a_custom_field_cut_by_the_embedded_server_raises_value_altered(client: Client) -> None:
    account = Account(accountname="Pepperpot Ltd", nickname="Ms Pepperpot of Llandudno")
    with pytest.raises(ValueAlteredError) as caught:
        account.save(using=client)
    assert caught.value.record is account and account.id is not None
    assert client.retrieve(str(account.id))["cf_901"] == "Ms Pepperpot"
    assert caught.value.changes == {"nickname": ("Ms Pepperpot of Llandudno", "Ms Pepperpot")}
