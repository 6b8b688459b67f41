"""`save(detect_conflicts=...)`: two clients of one embedded server, one record.

Each writer loads the record, the other saves first, then the first saves with the check.
The server's clock is the test's, so modifiedtime moves exactly when the test says.
"""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Iterator

import pytest

from generated import Account, Contact
from tests.emulator.clocked import START, Clock
from tests.inprocess import make_client
from tests.live import LIVE
from vtorm import ConflictError, InvalidArgument, RecordId, VtigerError
from vtorm.client import Client
from vtorm.emulator import Emulator


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def emulator(clock: Clock) -> Iterator[Emulator]:
    server = Emulator(clock=clock)
    yield server
    server.close()


@pytest.fixture
def alice(emulator: Emulator) -> Iterator[Client]:
    with make_client(emulator) as connected:
        yield connected


@pytest.fixture
def bob(emulator: Emulator) -> Iterator[Client]:
    with make_client(emulator) as connected:
        yield connected


def _contact(client: Client, clock: Clock) -> str:
    record = Contact(lastname="Lovelace", firstname="Ada", assigned_user_id=RecordId("19x1"))
    record.save(using=client)
    clock.now += 5
    assert record.id is not None
    return record.id


def _operations(emulator: Emulator) -> list[str]:
    return [entry.operation for entry in emulator.request_log]


def test_the_same_field_changed_by_another_client_is_a_conflict(
    alice: Client, bob: Client, emulator: Emulator, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    theirs = Contact.objects.using(bob).get(id=record_id)
    theirs.title = "Countess"
    theirs.save()
    clock.now += 5
    mine.title = "Analyst"
    emulator.clear_request_log()
    with pytest.raises(ConflictError) as caught:
        mine.save(detect_conflicts=True)
    assert _operations(emulator) == ["retrieve"]  # the revise was not sent
    error = caught.value
    assert isinstance(error, VtigerError)
    assert (error.model, error.id) == ("Contact", record_id)
    assert error.changes["title"] == ("", "Countess")
    assert set(error.changes) == {"title", "modifiedtime"}
    assert "Contact" in str(error) and record_id in str(error) and "'Countess'" in str(error)
    assert Contact.objects.using(bob).get(id=record_id).title == "Countess"
    assert mine.title == "Analyst" and mine.vtiger_changed() == ["title"]  # kept, unsaved
    assert pickle.loads(pickle.dumps(error)).changes == error.changes


def test_the_same_field_in_the_same_second_is_still_a_conflict(
    alice: Client, bob: Client, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    theirs = Contact.objects.using(bob).get(id=record_id)
    theirs.title = "Countess"
    theirs.save()  # same server second: modifiedtime does not move
    mine.title = "Analyst"
    with pytest.raises(ConflictError) as caught:
        mine.save(detect_conflicts="fields")
    assert caught.value.changes == {"title": ("", "Countess")}


def test_another_field_changed_is_a_conflict_by_modifiedtime_unless_only_fields_count(
    alice: Client, bob: Client, emulator: Emulator, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    theirs = Contact.objects.using(bob).get(id=record_id)
    theirs.department = "Engines"
    theirs.save()
    clock.now += 5
    mine.title = "Analyst"
    with pytest.raises(ConflictError) as caught:
        mine.save(detect_conflicts=True)
    loaded, now = caught.value.changes["modifiedtime"]
    assert set(caught.value.changes) == {"modifiedtime"} and loaded < now
    emulator.clear_request_log()
    mine.save(detect_conflicts="fields")  # title is not what bob changed: saved
    assert _operations(emulator) == ["retrieve", "revise"]
    stored = Contact.objects.using(bob).get(id=record_id)
    assert (stored.title, stored.department) == ("Analyst", "Engines")  # both writes kept


def test_no_conflict_saves_with_one_retrieve_and_one_revise(
    alice: Client, emulator: Emulator, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    mine.title = "Analyst"
    emulator.clear_request_log()
    before = alice.request_count
    mine.save(detect_conflicts=True)
    assert _operations(emulator) == ["retrieve", "revise"]
    assert alice.request_count - before == 2
    assert Contact.objects.using(alice).get(id=record_id).title == "Analyst"
    clock.now += 5
    mine.department = "Engines"  # the saved instance holds the new modifiedtime
    mine.save(detect_conflicts=True)
    assert mine.vtiger_changed() == []


def test_a_saved_value_the_server_keeps_encoded_is_no_conflict(alice: Client, clock: Clock) -> None:
    # The create answer echoes a script tag in a label field as sent, while the server keeps
    # it HTML-encoded (as the real 8.0 does): the instance holds what the server keeps, so
    # the next checked save sees no change.
    record = Account(accountname="<script>x</script>", assigned_user_id=RecordId("19x1"))
    record.save(using=alice, data_loss="allow")
    assert record.accountname == "&lt;script&gt;x&lt;/script&gt;"
    record.website = "https://example.com"
    record.save(detect_conflicts=True)
    assert record.vtiger_changed() == []


def test_nothing_changed_sends_nothing_and_a_create_is_not_checked(
    alice: Client, emulator: Emulator, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    emulator.clear_request_log()
    mine.save(detect_conflicts=True)
    assert _operations(emulator) == []
    fresh = Contact(lastname="New", assigned_user_id=RecordId("19x1"))
    fresh.save(using=alice, detect_conflicts=True)
    assert _operations(emulator) == ["create"]


def test_bad_values_and_unloaded_records_fail_before_any_request(
    alice: Client, emulator: Emulator, clock: Clock
) -> None:
    record_id = _contact(alice, clock)
    mine = Contact.objects.using(alice).get(id=record_id)
    mine.title = "Analyst"
    emulator.clear_request_log()
    with pytest.raises(InvalidArgument, match="detect_conflicts must be"):
        mine.save(detect_conflicts="always")  # type: ignore[arg-type]
    blind = Contact(id=RecordId(record_id), lastname="Lovelace", title="Analyst")
    with pytest.raises(InvalidArgument, match="modifiedtime"):
        blind.save(using=alice, detect_conflicts=True)
    with pytest.raises(InvalidArgument, match="not loaded"):
        blind.save(using=alice, detect_conflicts="fields")
    assert _operations(emulator) == []


REAL_URL = os.environ.get("VTORM_REAL_URL", "") or (LIVE.url if LIVE is not None else "")
REAL_KEY = os.environ.get("VTORM_REAL_KEY") or (LIVE.access_key if LIVE else "RealKey0123456789")


@pytest.mark.skipif(not REAL_URL, reason="VTORM_REAL_URL is not set (nor live mode)")
def test_two_clients_of_a_real_server() -> None:
    with Client(REAL_URL, "admin", REAL_KEY) as first, Client(REAL_URL, "admin", REAL_KEY) as other:
        record = Contact(lastname="Conflict check", assigned_user_id=RecordId("19x1"))
        record.save(using=first)
        assert record.id is not None
        try:
            mine = Contact.objects.using(first).get(id=record.id)
            theirs = Contact.objects.using(other).get(id=record.id)
            theirs.title = "Countess"
            theirs.save()
            mine.title = "Analyst"
            with pytest.raises(ConflictError) as caught:
                mine.save(detect_conflicts="fields")  # same second or not: title differs
            assert caught.value.changes == {"title": ("", "Countess")}
            time.sleep(1.1)  # the server's modifiedtime counts seconds
            theirs.department = "Engines"
            theirs.save()
            with pytest.raises(ConflictError) as caught:
                mine.save(detect_conflicts=True)
            assert "modifiedtime" in caught.value.changes
            fresh = Contact.objects.using(first).get(id=record.id)
            fresh.title = "Analyst"
            before = first.request_count
            fresh.save(detect_conflicts=True)
            assert first.request_count - before == 2  # one retrieve, one revise
            stored = Contact.objects.using(other).get(id=record.id)
            assert (stored.title, stored.department) == ("Analyst", "Engines")
        finally:
            first.delete(record.id)
