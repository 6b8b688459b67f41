"""Entities and echoes: what a revise decodes, and answers that show a value decoded.

On a real 8.0 (checked on 127.0.0.1:8081, 2026-12-01; tests/emulator/test_echoes.py has the
cases) a revise stores `Tom &amp; Jerry` as `Tom & Jerry`, and a create or revise answer shows
a value equal to the record's encoded label decoded: `AT&amp;T` (stored as sent) is answered
`AT&T`, a script tag in the label field is answered as sent though it is stored encoded.
The real-server part runs in live mode or with VTORM_REAL_URL (see test_dataloss_real.py).
"""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator

import pytest

from tests.inprocess import make_client
from tests.live import LIVE
from tests.orm.test_dataloss import Account
from vtorm import DataLossError, DataLossWarning, RecordId
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.model.dataloss import altered, predict

URL = os.environ.get("VTORM_REAL_URL", "") or (LIVE.url if LIVE is not None else "")
KEY = os.environ.get("VTORM_REAL_KEY") or (LIVE.access_key if LIVE else "RealKey0123456789")
DESCRIPTION = Account.vtiger_fields["description"]


def test_a_revise_decodes_entities_and_a_create_does_not() -> None:
    assert predict(DESCRIPTION, "Tom &amp; Jerry &lt;b&gt;") == ("Tom &amp; Jerry &lt;b&gt;", ())
    stored, reasons = predict(DESCRIPTION, "Tom &amp; Jerry &lt;b&gt;", revise=True)
    assert stored == "Tom & Jerry <b>" and "decodes HTML entities" in reasons[0]
    # decoded first, then the script rule sees the tag: '&lt;script&gt;' is sent as text
    assert predict(DESCRIPTION, "&lt;script&gt;x&lt;/script&gt;", revise=True)[0] == (
        "&lt;script&gt;x&lt;/script&gt;"
    )
    assert predict(DESCRIPTION, "&apos; &amp &bogus;", revise=True) == ("&apos; &amp &bogus;", ())


def test_an_answer_equal_to_the_decoded_label_is_what_the_prediction_stored() -> None:
    sent = {"accountname": "AT&amp;T"}
    assert altered(Account, sent, {"accountname": "AT&T", "label": "AT&amp;T"}) == []
    script = {"accountname": "<script>x</script>"}
    echo = {"accountname": "<script>x</script>", "label": "&lt;script&gt;x&lt;/script&gt;"}
    (damage,) = altered(Account, script, echo)
    assert (damage.sent, damage.stored) == ("<script>x</script>", "&lt;script&gt;x&lt;/script&gt;")
    assert altered(Account, sent, {"accountname": "AT&T", "label": "AT&amp;T Ltd"})  # no echo


@pytest.fixture
def emulated() -> Iterator[Client]:
    emulator = Emulator()
    with make_client(emulator) as connected:
        yield connected
    emulator.close()


@pytest.fixture
def real() -> Iterator[Client]:
    if not URL:
        pytest.skip("VTORM_REAL_URL is not set (nor live mode)")
    with Client(URL, "admin", KEY) as connected:
        connected.login()
        yield connected


@pytest.fixture(params=["emulated", "real"])
def client(request: pytest.FixtureRequest) -> Client:
    chosen: Client = request.getfixturevalue(request.param)
    return chosen


def _name() -> str:
    return f"AT&amp;T {uuid.uuid4().hex[:8]}"


def test_a_name_with_an_entity_saves_without_a_false_alarm(client: Client) -> None:
    record = Account(accountname=_name(), assigned_user_id=RecordId("19x1"))
    record.save(using=client)  # the answer shows 'AT&T ...': no ValueAlteredError
    assert record.id is not None
    assert client.retrieve(record.id)["accountname"] == record.vtiger_wire()["accountname"]
    client.delete(record.id)


def test_a_revise_with_an_entity_is_refused_before_the_request(client: Client) -> None:
    record = Account(accountname=_name(), assigned_user_id=RecordId("19x1"))
    record.save(using=client)
    assert record.id is not None
    record.description = "Tom &amp; Jerry"
    before = client.request_count
    with pytest.raises(DataLossError) as caught:
        record.save()
    assert client.request_count == before
    assert caught.value.changes == {"description": ("Tom &amp; Jerry", "Tom & Jerry")}
    record.save(data_loss="allow")
    assert client.retrieve(record.id)["description"] == "Tom & Jerry"
    client.delete(record.id)


def test_an_echoed_script_tag_warns_after_the_save_too(client: Client) -> None:
    name = f"<script>{uuid.uuid4().hex[:8]}</script>"
    record = Account(accountname=name, assigned_user_id=RecordId("19x1"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record.save(using=client, data_loss="warn")
    assert record.id is not None
    texts = [str(w.message) for w in caught if w.category is DataLossWarning]
    assert len(texts) == 2 and "would store" in texts[0] and "stored '&lt;script&gt;" in texts[1]
    client.delete(record.id)
