"""Relations and the change feed against the embedded server (issue 9's Must-show)."""

from __future__ import annotations

import itertools
import math

import pytest

from tests.orm.conftest import make_client, query_requests
from tests.orm.models import Account, Contact
from vtorm.client import Client
from vtorm.emulator import Emulator
from vtorm.model.changes import Checkpoint


@pytest.mark.embedded_only(reason="counts the requests in the emulator's request log")
def test_select_related_over_1000_contacts(emulator: Emulator, client: Client) -> None:
    client.login()
    owner = {"assigned_user_id": client.user_id}
    accounts = [client.create("Accounts", {**owner, "accountname": f"Org {n}"}) for n in range(40)]
    for n in range(1000):
        target = accounts[n % 40]["id"] if n % 7 else ""
        client.create("Contacts", {**owner, "lastname": f"C{n:04}", "account_id": target})
    emulator.clear_request_log()
    contacts = list(Contact.objects.using(client).select_related("account_id"))
    assert len(contacts) == 1000
    assert query_requests(emulator) <= 2 * math.ceil(1000 / 100) + 2
    before = len(emulator.request_log)
    names = [c.account.accountname if c.account else None for c in contacts]
    assert len(emulator.request_log) == before
    assert names[1] == "Org 1" and names[0] is None and names[41] == "Org 1"


class Crash(Exception):
    """The consumer dies mid-batch."""


def mirror_row(record: Contact) -> dict[str, object]:
    return record.model_dump()


@pytest.mark.embedded_only(reason="drives the emulator's clock and reads its request log")
def test_sync_mirror_survives_a_crash_and_matches_the_server() -> None:
    ticks = itertools.count(1_800_000_000)  # a clock that moves a second per reading
    emulator = Emulator(clock=lambda: float(next(ticks)))
    pages_seen: list[int] = []
    with make_client(emulator) as client, make_client(emulator) as writer:
        client.login()
        owner = {"assigned_user_id": client.user_id}
        ids = [
            writer.create("Contacts", {**owner, "lastname": f"S{n:03}"})["id"] for n in range(150)
        ]
        mirror: dict[str, dict[str, object]] = {}
        checkpoint = Checkpoint(1)

        def pull(crash_after: int | None = None) -> Checkpoint:
            feed = Contact.objects.changes(since=checkpoint, using=client)
            try:
                for index, change in enumerate(feed):
                    if crash_after is not None and index == crash_after:
                        raise Crash
                    if change.record is None:
                        mirror.pop(change.id, None)
                    else:
                        mirror[change.id] = mirror_row(change.record)
            except Crash:
                pass
            return feed.checkpoint

        checkpoint = pull(crash_after=120)  # dies inside the second page
        assert 1 < checkpoint.time < 1_800_000_000 + 1000
        pages_seen.append(sum(1 for r in emulator.request_log if r.operation == "sync"))
        checkpoint = pull()
        for record_id in ids[:10]:
            writer.delete(record_id)
        for record_id in ids[10:20]:
            writer.revise({"id": record_id, "mailingcity": "Cork"})
        writer.create("Contacts", {**owner, "lastname": "Late"})
        checkpoint = pull(crash_after=3)
        checkpoint = pull()
        server = {str(c.id): mirror_row(c) for c in Contact.objects.using(client).all()}
        assert mirror == server
        assert len(server) == 141 and pages_seen[0] >= 2
    emulator.close()


@pytest.mark.parametrize("field", ["account_id"])
def test_accessor_on_a_loaded_record(client: Client, field: str) -> None:
    acme = Account(accountname="Acme")
    acme.save(using=client)
    mary = Contact(lastname="Mary", account_id=acme.id)
    mary.save(using=client)
    assert mary.id is not None
    loaded = Contact.objects.using(client).get(id=mary.id)
    assert loaded.account is not None and loaded.account.accountname == "Acme"
    assert getattr(loaded, field) == acme.id
