"""The client against the embedded Vtiger server over real HTTP: the issue's Must-show list.

In live mode (tests/live.py) the `client` tests run against the real server, emptied once for
the module; the fault-injection and request-log tests stay on the embedded one.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests

from tests.live import LIVE, require_embedded, unique
from vtorm.client import Client
from vtorm.client.wsgi import WSGIAdapter
from vtorm.emulator import Emulator, Fault, Faults
from vtorm.errors import (
    AccessDenied,
    AuthenticationFailed,
    DuplicateRecord,
    InvalidId,
    InvalidSession,
    LeadAlreadyConverted,
    MandatoryFieldsMissing,
    OutcomeUnknown,
    QuerySyntaxError,
    ReferenceInvalid,
    ServerError,
    TransportError,
    UnknownEntity,
    VtigerError,
)

KEY = "kT9s2Lq0ZxAccessKey"
OWNER = "19x1"


FAULTS = "fault injection"
REQUEST_LOG = "reads the emulator's request log"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    require_embedded()
    emulator = Emulator(access_key=KEY)
    yield emulator
    emulator.close()


@pytest.fixture
def client(request: pytest.FixtureRequest) -> Iterator[Client]:
    if LIVE is not None:
        request.getfixturevalue("live_crm")
        with LIVE.client(backoff=0) as live:
            yield live
        return
    emulator = request.getfixturevalue("emulator")
    with emulator.serve() as server, Client(server.url, server.username, KEY, backoff=0) as client:
        yield client


@contextmanager
def served_client(emulator: Emulator, **options: Any) -> Iterator[Client]:
    options.setdefault("backoff", 0)
    with emulator.serve() as server, Client(server.url, server.username, KEY, **options) as client:
        yield client


def account(client: Client, name: str | None = None) -> dict[str, Any]:
    """A new account; unnamed ones get a name of their own (live: Accounts refuse duplicates)."""
    name = name or unique("Acme Manufacturing Ltd")
    return client.create("Accounts", {"accountname": name, "assigned_user_id": OWNER})


def contact(client: Client, lastname: str, **fields: str) -> dict[str, Any]:
    return client.create("Contacts", {"lastname": lastname, "assigned_user_id": OWNER, **fields})


# Every operation ---------------------------------------------------------------------


def test_metadata_operations(client: Client) -> None:
    info = client.login()
    assert (info["userId"], info["vtigerVersion"]) == (OWNER, "8.0.0")
    types = client.list_types()
    assert "Contacts" in types["types"] and types["information"]["Accounts"]["isEntity"] is True
    with_email = client.list_types(["email"])["types"]
    assert "Contacts" in with_email and "Currency" not in with_email
    described = client.describe("Contacts")
    assert described["idPrefix"] == "12" and client.describe("Contacts") is described
    related = client.related_types("Accounts")
    assert (
        "Contacts" in related["types"] and related["information"]["Contacts"]["name"] == "Contacts"
    )
    assert client.extend_session()["userId"] == OWNER


def test_record_operations(client: Client) -> None:
    acme = account(client)
    smith = contact(client, "Smith", firstname="Jöhn 李", account_id=acme["id"])
    assert smith["firstname"] == "Jöhn 李" and smith["account_id"] == acme["id"]
    assert client.retrieve(smith["id"])["contact_no"] == smith["contact_no"]
    revised = client.revise({"id": smith["id"], "phone": "+1 312 555 0101"})
    assert (revised["phone"], revised["lastname"]) == ("+1 312 555 0101", "Smith")
    updated = client.update({**client.retrieve(smith["id"]), "title": "Buyer"})
    assert updated["title"] == "Buyer"
    rows = client.query("SELECT lastname, phone FROM Contacts WHERE lastname = 'smith';")
    assert rows == [{"lastname": "Smith", "phone": "+1 312 555 0101", "id": smith["id"]}]
    changes = client.sync(1, "Contacts")
    assert [record["id"] for record in changes["updated"]] == [smith["id"]]
    client.delete(smith["id"])
    assert client.query("SELECT lastname FROM Contacts;") == []
    assert client.sync(changes["lastModifiedTime"] - 1, "Contacts")["deleted"] == [smith["id"]]


def test_related_operations(client: Client) -> None:
    acme = account(client)
    smith = contact(client, "Smith", account_id=acme["id"])
    contact(client, "Jones", account_id=acme["id"])
    related = client.retrieve_related(acme["id"], "Contacts", "Contacts")
    assert sorted(row["lastname"] for row in related) == ["Jones", "Smith"]
    rows = client.query_related(
        "SELECT lastname FROM Contacts WHERE lastname LIKE 'S%';", acme["id"], "Contacts"
    )
    assert rows == [{"lastname": "Smith", "id": smith["id"]}]
    product = client.create(
        "Products", {"productname": "Widget", "assigned_user_id": OWNER, "unit_price": "10"}
    )
    client.add_related(acme["id"], product["id"], "Products")
    products = client.retrieve_related(acme["id"], "Products", "Products")
    assert [row["id"] for row in products] == [product["id"]]


def test_convert_lead(client: Client) -> None:
    lead = client.create(
        "Leads", {"lastname": "Wayne", "company": "Wayne Enterprises", "assigned_user_id": OWNER}
    )
    element = {
        "leadId": lead["id"],
        "assignedTo": OWNER,
        "entities": {
            "Accounts": {"create": True, "name": "Accounts", "accountname": "Wayne Enterprises"},
            "Contacts": {"create": True, "name": "Contacts", "lastname": "Wayne"},
        },
    }
    converted = client.convert_lead(element)
    assert converted is not None
    assert client.retrieve(converted["Contacts"])["lastname"] == "Wayne"
    assert converted["Accounts"].startswith("11x")
    with pytest.raises(LeadAlreadyConverted):
        client.convert_lead(element)


@pytest.mark.embedded_only(reason=REQUEST_LOG)
def test_logout_ends_the_session_on_the_server(emulator: Emulator, client: Client) -> None:
    client.login()
    client.logout()
    sessions = {r.params.get("sessionName") for r in emulator.request_log} - {None, ""}
    assert len(sessions) == 1
    client.query("SELECT lastname FROM Contacts;")  # lazily logs in again
    assert [r.operation for r in emulator.request_log][-3:] == ["getchallenge", "login", "query"]


# Every error class, from the server's own envelopes ------------------------------------


def _error_cases() -> list[tuple[str, Callable[[Client], object], type[VtigerError], object]]:
    def lead_of(client: Client) -> str:
        lead = client.create("Leads", {"lastname": "L", "company": "C", "assigned_user_id": OWNER})
        return str(lead["id"])

    return [
        ("missing record", lambda c: c.retrieve("12x999"), AccessDenied, "ACCESS_DENIED"),
        ("unknown module", lambda c: c.describe("Nope"), AccessDenied, "ACCESS_DENIED"),
        (
            "no lastname",
            lambda c: c.create("Contacts", {"firstname": "x"}),
            MandatoryFieldsMissing,
            "MANDATORY_FIELDS_MISSING",
        ),
        (
            "bad vtql",
            lambda c: c.query("SELECT * FROM Contacts WHERE (lastname = 'x');"),
            QuerySyntaxError,
            "QUERY_SYNTAX_ERROR",
        ),
        ("duplicate", lambda c: [account(c, "Dup"), account(c, "Dup")], DuplicateRecord, 0),
        (
            "reference to a lead",
            lambda c: contact(c, "x", account_id=lead_of(c)),
            ReferenceInvalid,
            "REFERENCE_INVALID",
        ),
        (
            "id of another module",
            lambda c: c.retrieve("11x" + lead_of(c).split("x")[1]),
            InvalidId,
            "INVALID_ID_ATTRIBUTE",
        ),
        (
            "empty literal",
            lambda c: c.query("SELECT * FROM Contacts WHERE lastname = '';"),
            ServerError,
            "INTERNAL_SERVER_ERROR",
        ),
        (
            "wrong relation label",
            lambda c: c.retrieve_related(account(c)["id"], "Contacts", "NoSuchLabel"),
            UnknownEntity,
            "UNKOWN_ENTITY",
        ),
    ]


@pytest.mark.parametrize(
    ("call", "error", "code"),
    [case[1:] for case in _error_cases()],
    ids=[case[0] for case in _error_cases()],
)
def test_server_errors_map_to_their_classes(
    client: Client, call: Callable[[Client], object], error: type[VtigerError], code: object
) -> None:
    with pytest.raises(error) as caught:
        call(client)
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.http_status) == (code, 200)


def test_wrong_access_key_is_authentication_failed(vtiger_server: Any) -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        Client(vtiger_server.url, vtiger_server.username, "not-the-key").login()
    assert caught.value.code == "INVALID_USER_CREDENTIALS" and "not-the-key" not in str(
        caught.value
    )


@pytest.mark.embedded_only(reason=FAULTS)
def test_a_session_that_dies_again_after_renewal_raises_invalid_session() -> None:
    emulator = Emulator(access_key=KEY, faults=[Fault.session_expiry(after=1)])
    with served_client(emulator) as client:
        with pytest.raises(InvalidSession) as caught:
            client.list_types()
        assert caught.value.code == "INVALID_SESSIONID"
        assert [r.operation for r in emulator.request_log].count("login") == 2


@pytest.mark.embedded_only(reason=FAULTS)
def test_http_500_and_dropped_connections_on_reads() -> None:
    emulator = Emulator(access_key=KEY)
    with served_client(emulator, retries=1) as client:
        client.login()
        emulator.app.faults = Faults([Fault.http_500(rate=1.0)])
        with pytest.raises(ServerError) as server_error:
            client.list_types()
        assert server_error.value.http_status == 500
        emulator.app.faults = Faults([Fault.drop(rate=1.0)])
        with pytest.raises(TransportError):
            client.list_types()
        assert [r.operation for r in emulator.request_log][-4:] == ["listtypes"] * 4


# Resilience ---------------------------------------------------------------------------


@pytest.mark.embedded_only(reason=FAULTS)
def test_session_expiry_every_7_requests_during_500_mixed_operations() -> None:
    emulator = Emulator(access_key=KEY, faults=[Fault.session_expiry(after=7)])
    with served_client(emulator) as client:
        ids: list[str] = []
        for n in range(500):
            step = n % 5
            if step == 0 or not ids:
                ids.append(contact(client, f"Expiry {n:03d}")["id"])
            elif step == 1:
                assert client.retrieve(ids[-1])["id"] == ids[-1]
            elif step == 2:
                client.revise({"id": ids[-1], "title": f"T{n}"})
            elif step == 3:
                assert len(client.query("SELECT lastname FROM Contacts LIMIT 5;")) <= 5
            elif n % 10 == 4:
                client.delete(ids.pop())
            else:
                client.list_types()
        logins = [r.operation for r in emulator.request_log].count("login")
        assert logins > 50  # the sessions really died, again and again
        assert len(client.query("SELECT lastname FROM Contacts LIMIT 100;")) == len(ids)


@pytest.mark.embedded_only(reason=FAULTS)
def test_faults_during_300_creates_lose_and_duplicate_nothing() -> None:
    faults = Faults(
        [Fault.http_500(rate=0.034), Fault.drop(rate=0.033), Fault.malformed_json(rate=0.033)],
        seed=20261128,
    )
    emulator = Emulator(access_key=KEY, faults=faults)
    reported: dict[str, str] = {}
    unknown: list[str] = []
    with served_client(emulator, retries=8) as client:
        for n in range(300):
            name = f"Load {n:03d}"
            try:
                reported[name] = contact(client, name)["id"]
            except OutcomeUnknown:
                unknown.append(name)
        stored = Counter[str]()
        for offset in range(0, 300, 100):
            rows = client.query(f"SELECT lastname FROM Contacts LIMIT {offset}, 100;")
            stored.update(row["lastname"] for row in rows)
        for name, record_id in reported.items():
            assert client.retrieve(record_id)["lastname"] == name
    assert len(reported) + len(unknown) == 300
    assert len(unknown) >= 10  # the faults really fired
    assert all(count == 1 for count in stored.values()), "a record was created twice"
    assert set(reported) <= set(stored), "a record reported as created is missing"
    assert set(stored) <= set(reported) | set(unknown), "a record appeared without a trace"


@pytest.mark.embedded_only(reason="the in-process WSGI transport to an emulator")
def test_in_process_transport_drives_the_emulator_without_sockets() -> None:
    emulator = Emulator(access_key=KEY, faults=Faults([Fault.drop(nth=3)]))
    session = requests.Session()
    session.mount("http://vtiger.test/", WSGIAdapter(emulator.wsgi_app))
    with Client("http://vtiger.test", "admin", KEY, session=session, backoff=0) as client:
        with pytest.raises(OutcomeUnknown):
            contact(client, "Dropped")  # requests 1-2 log in; 3 is the create
        assert contact(client, "Kept")["lastname"] == "Kept"
    emulator.close()


# Secrecy ------------------------------------------------------------------------------


@pytest.mark.embedded_only(reason=FAULTS)
def test_a_debug_capture_of_a_whole_session_reveals_no_secret(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: vtorm, urllib3, the root
    emulator = Emulator(access_key=KEY, faults=[Fault.session_expiry(after=6)])
    with served_client(emulator) as client:
        contact(client, "Secretive")
        for _ in range(4):
            client.query("SELECT lastname FROM Contacts;")
        with pytest.raises(AccessDenied) as denied:
            client.retrieve("12x999")
        client.extend_session()
        shown = [repr(client), str(denied.value)]
    text = "\n".join([caplog.text, *shown])
    assert "operation=logout" in caplog.text or "logout module" in caplog.text
    sessions = {r.params.get("sessionName") or "" for r in emulator.request_log} - {""}
    assert len(sessions) >= 2  # renewed at least once
    assert "sessionName=<redacted>" in caplog.text  # urllib3's URLs were logged, scrubbed
    for secret in [KEY, *sessions]:
        assert secret not in text


@pytest.mark.embedded_only(reason=FAULTS)
def test_a_timed_out_create_is_outcome_unknown_and_may_have_been_stored() -> None:
    faults = [Fault.latency(0.4, nth=3), Fault.latency(0.4, nth=4)]
    emulator = Emulator(access_key=KEY, faults=faults)
    with served_client(emulator, timeout=0.1) as client:
        with pytest.raises(OutcomeUnknown) as caught:
            contact(client, "Slow")  # requests 1-2 log in; 3 is the create, answered too late
        assert isinstance(caught.value.__cause__, TransportError)
        rows = client.query("SELECT lastname FROM Contacts;")  # 4 times out too, 5 answers
        for _ in range(100):  # the late create lands a moment later: it was not lost
            if rows:
                break
            threading.Event().wait(0.05)
            rows = client.query("SELECT lastname FROM Contacts;")
    assert [row["lastname"] for row in rows] == ["Slow"]
    assert [r.operation for r in emulator.request_log].count("query") >= 2  # retried read
