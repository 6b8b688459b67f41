"""Each damage class against a real Vtiger 8.0: the guard fires before anything is sent, and
with the guard off the server really stores what `predict()` said.

Runs only when VTORM_REAL_URL names a real server (access key VTORM_REAL_KEY, default the
test installs' `RealKey0123456789`), for example:

    VTORM_REAL_URL=http://127.0.0.1:8082 VTORM_REAL_HTDOCS=/srv/vtiger3/htdocs \\
        pytest tests/orm/test_dataloss_real.py

The post-save test needs the Accounts custom field `cf_901` (`varchar(12)`, a width the
model does not know); with VTORM_REAL_HTDOCS set it is added through vtlib when missing.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from tests.live import LIVE
from tests.orm.test_dataloss import Account, Product
from vtorm import DataLossError, Model, RecordId, ValueAlteredError
from vtorm.client import Client

URL = os.environ.get("VTORM_REAL_URL", "") or (LIVE.url if LIVE is not None else "")
KEY = os.environ.get("VTORM_REAL_KEY") or (LIVE.access_key if LIVE else "RealKey0123456789")
pytestmark = pytest.mark.skipif(not URL, reason="VTORM_REAL_URL is not set (nor live mode)")

CASES: list[tuple[type[Model], str, Any]] = [
    (Account, "bill_city", "Llanfairpwllgwyngyllgogerychwyrndrobwll"),  # varchar(30)
    (Account, "accountname", "Smile 😀 Ltd"),  # utf8mb3
    (Account, "description", 'Hi <script>alert("x")</script>'),  # HTML-encoded
    (Account, "annual_revenue", Decimal("1.23456")),  # currency: 2 places
    (Account, "annual_revenue", Decimal("1234567890123.45")),  # a PHP float: 14 digits
    (Account, "annual_revenue", Decimal("123456789012345678.5")),  # decimal(25,8)
    (Account, "employees", 3_000_000_000),  # int(10)
    (Product, "commissionrate", Decimal("12345.6789")),  # decimal(7,3)
    (Product, "qtyinstock", Decimal("1.234")),  # decimal(25,3), but a PHP float: 2 places
]
NAMES = {Account: "accountname", Product: "productname"}


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with Client(URL, "admin", KEY) as connected:
        connected.login()
        yield connected


def _record(model: type[Model], field: str, value: Any) -> Model:
    name = f"Data loss check {uuid.uuid4().hex[:8]}"  # Accounts refuse duplicate names
    values = {NAMES[model]: name, "assigned_user_id": RecordId("19x1")}
    return model(**{**values, field: value})


@pytest.mark.parametrize(("model", "field", "value"), CASES)
def test_the_guard_fires_before_the_request_and_the_server_stores_the_prediction(
    client: Client, model: type[Model], field: str, value: Any
) -> None:
    before = client.request_count
    with pytest.raises(DataLossError) as caught:
        _record(model, field, value).save(using=client)
    assert client.request_count == before  # nothing sent
    predicted = caught.value.changes[field][1]
    record = _record(model, field, value)
    record.save(using=client, data_loss="allow")
    assert record.id is not None
    stored = client.retrieve(str(record.id))[model.vtiger_fields[field].wire_name]
    if isinstance(value, (Decimal, int)):
        assert Decimal(stored) == Decimal(predicted), (stored, predicted)
    else:
        assert stored == predicted
    client.delete(str(record.id))


_ADD_FIELD = textwrap.dedent(
    """
    <?php
    chdir(getenv('VT_HTDOCS'));
    include_once 'config.inc.php';
    include_once 'vtlib/Vtiger/Module.php';
    $module = Vtiger_Module::getInstance('Accounts');
    if (Vtiger_Field::getInstance('cf_901', $module)) { exit(0); }
    $field = new Vtiger_Field();
    $field->name = 'cf_901'; $field->column = 'cf_901'; $field->table = 'vtiger_accountscf';
    $field->label = 'Nickname'; $field->uitype = 1; $field->typeofdata = 'V~O';
    $field->columntype = 'VARCHAR(12)';
    Vtiger_Block::getInstance('LBL_CUSTOM_INFORMATION', $module)->addField($field);
    """
)


@pytest.fixture
def nickname_field(client: Client) -> None:
    """Accounts.cf_901, a varchar(12) custom field, added through vtlib when missing."""
    described = {f["name"] for f in client.describe("Accounts")["fields"]}
    if "cf_901" in described:
        return
    htdocs = os.environ.get("VTORM_REAL_HTDOCS")
    if not htdocs:
        pytest.skip("Accounts has no cf_901 and VTORM_REAL_HTDOCS is not set to add it")
    script = subprocess.run(
        ["php"], input=_ADD_FIELD, text=True, capture_output=True, env={"VT_HTDOCS": htdocs}
    )
    assert script.returncode == 0, script.stderr
    client.invalidate_cache()


@pytest.mark.usefixtures("nickname_field")
def test_a_custom_field_cut_by_the_server_raises_value_altered(client: Client) -> None:
    account = Account(
        accountname=f"Pepperpot {uuid.uuid4().hex[:8]}",
        nickname="Ms Pepperpot of Llandudno",
        assigned_user_id=RecordId("19x1"),
    )
    with pytest.raises(ValueAlteredError) as caught:
        account.save(using=client)
    error = caught.value
    assert error.record is account and account.id is not None
    stored = client.retrieve(str(account.id))
    assert stored["id"] == account.id and stored["cf_901"] == "Ms Pepperpot"
    assert error.changes == {"nickname": ("Ms Pepperpot of Llandudno", "Ms Pepperpot")}
    client.delete(str(account.id))
