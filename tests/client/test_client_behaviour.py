"""The client against a scripted fake server: login, renewal, retries, errors, secrecy."""

from __future__ import annotations

import json
import logging
import socket
import threading
import traceback
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import vtorm
from vtorm.client import Client
from vtorm.client.auth import InsecureTransportWarning
from vtorm.errors import (
    AccessDenied,
    APIError,
    AuthenticationFailed,
    ConfigurationError,
    DuplicateRecord,
    InvalidArgument,
    InvalidRecordId,
    InvalidSession,
    OutcomeUnknown,
    ServerError,
    TransportError,
)

from .fake_server import ACCESS_KEY, DROP, FakeVtiger, envelope, failure, http, make_client

SESSION_CODES = [
    "INVALID_SESSIONID",
    "SESSION_EXPIRED",
    "SESSION_LEFT_IDLE",
    "AUTHENTICATION_REQUIRED",
]


@pytest.fixture
def fake() -> FakeVtiger:
    return FakeVtiger()


def test_login_is_lazy_and_happens_once(fake: FakeVtiger) -> None:
    client = make_client(fake)
    assert fake.seen == [] and not client.is_logged_in
    client.query("SELECT * FROM Contacts;")
    client.retrieve("12x5")
    assert fake.ops() == ["getchallenge", "login", "query", "retrieve"]
    assert client.user_id == "19x1" and client.vtiger_version == "8.0.0"
    assert client.request_count == 4


def test_login_sends_the_hash_never_the_key(fake: FakeVtiger) -> None:
    info = make_client(fake).login()
    challenge, login = fake.seen
    assert challenge.method == "GET" and "sessionName" not in challenge.params
    assert login.method == "POST" and login.query == {}
    assert login.form["username"] == "admin" and ACCESS_KEY not in json.dumps(login.params)
    assert "sessionName" not in info and info["userId"] == "19x1"


def test_wrong_key_is_authentication_failed(fake: FakeVtiger) -> None:
    client = Client("http://vtiger.test", "admin", "wrong", session=make_client(fake)._http)
    with pytest.raises(AuthenticationFailed) as caught:
        client.query("SELECT * FROM Contacts;")
    assert caught.value.code == "INVALID_USER_CREDENTIALS" and "wrong" not in str(caught.value)


def test_a_stolen_challenge_token_gets_one_fresh_try(fake: FakeVtiger) -> None:
    fake.queue("login", failure("INVALID_AUTH_TOKEN", "Specified token is invalid or expired"))
    make_client(fake).login()
    assert fake.ops() == ["getchallenge", "login", "getchallenge", "login"]


def test_parallel_first_calls_log_in_once(fake: FakeVtiger) -> None:
    client = make_client(fake)
    threads = [threading.Thread(target=client.retrieve, args=("12x5",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.ops().count("login") == 1 and fake.ops().count("retrieve") == 8


def test_threads_that_find_the_session_dead_renew_it_once(fake: FakeVtiger) -> None:
    client = make_client(fake)
    client.login()
    fake.dead_sessions.add(fake.sessions[0])
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        client.retrieve("12x5")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert fake.ops().count("login") == 2 and len(fake.sessions) == 2
    retrieves = [r for r in fake.seen if r.operation == "retrieve"]
    assert [r.params["sessionName"] for r in retrieves].count(fake.sessions[1]) == 8


def test_get_operations_use_the_query_string_and_post_the_form(fake: FakeVtiger) -> None:
    client = make_client(fake)
    client.query("SELECT * FROM Contacts WHERE lastname = 'Ö''Brien';")
    client.create("Contacts", {"lastname": "Müller", "account_id": "11x2"})
    query, create = fake.seen[-2:]
    assert query.method == "GET" and query.form == {}
    assert query.query["query"] == "SELECT * FROM Contacts WHERE lastname = 'Ö''Brien';"
    assert create.method == "POST" and create.query == {}
    assert create.form["elementType"] == "Contacts"
    assert create.form["element"] == '{"lastname": "Müller", "account_id": "11x2"}'
    assert create.form["sessionName"] == fake.sessions[0]


@pytest.mark.parametrize("code", SESSION_CODES)
def test_a_dead_session_is_renewed_once_and_the_call_repeated(fake: FakeVtiger, code: str) -> None:
    client = make_client(fake)
    client.login()
    fake.queue("create", failure(code), envelope({"id": "12x9"}))
    assert client.create("Contacts", {"lastname": "x"}) == {"id": "12x9"}
    assert fake.ops() == ["getchallenge", "login", "create", "getchallenge", "login", "create"]
    assert fake.seen[-1].form["sessionName"] == fake.sessions[1]


def test_a_second_session_failure_raises(fake: FakeVtiger) -> None:
    fake.queue("query", failure("INVALID_SESSIONID"), failure("INVALID_SESSIONID"))
    with pytest.raises(InvalidSession) as caught:
        make_client(fake).query("SELECT * FROM Contacts;")
    assert caught.value.code == "INVALID_SESSIONID" and fake.ops().count("login") == 2


@pytest.mark.parametrize(
    "fault", [http("500 Internal Server Error"), http("200 OK", b"<b>Fatal"), DROP]
)
def test_reads_are_retried_after_faults(fake: FakeVtiger, fault: Any) -> None:
    fake.queue("query", fault, fault, envelope([{"id": "12x5"}]))
    assert make_client(fake).query("SELECT * FROM Contacts;") == [{"id": "12x5"}]
    assert fake.ops().count("query") == 3


def test_reads_give_up_after_the_retries(fake: FakeVtiger) -> None:
    fake.queue("retrieve", *[http("503 Service Unavailable")] * 3)
    with pytest.raises(ServerError) as caught:
        make_client(fake, retries=2).retrieve("12x5")
    assert caught.value.http_status == 503 and fake.ops().count("retrieve") == 3


@pytest.mark.parametrize(
    "fault", [http("500 Internal Server Error"), http("200 OK", b"{oops"), DROP]
)
@pytest.mark.parametrize("operation", ["create", "delete", "add_related", "convert_lead"])
def test_unsafe_writes_are_not_repeated_and_say_the_outcome_is_unknown(
    fake: FakeVtiger, fault: Any, operation: str
) -> None:
    client = make_client(fake)
    wire = {"convert_lead": "convertlead"}.get(operation, operation)
    fake.queue(wire, fault)
    calls: dict[str, Callable[[], object]] = {
        "create": lambda: client.create("Contacts", {"lastname": "x"}),
        "delete": lambda: client.delete("12x5"),
        "add_related": lambda: client.add_related("11x2", "14x16", "Products"),
        "convert_lead": lambda: client.convert_lead({"leadId": "10x11"}),
    }
    with pytest.raises(OutcomeUnknown, match="may or may not") as caught:
        calls[operation]()
    assert caught.value.operation == wire and fake.ops().count(wire) == 1


def test_unsafe_writes_are_retried_when_the_connection_was_refused() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}", "admin", ACCESS_KEY, retries=2, backoff=0)
    # skip login: only create is under test
    client._auth = (
        vtorm.client.auth.Secret("sessabcdef"),
        1,
    )  # skip login: only create is under test
    with pytest.raises(TransportError, match="could not connect") as caught:
        client.create("Contacts", {"lastname": "x"})
    assert not isinstance(caught.value, OutcomeUnknown)
    assert client.request_count == 3 and "sessabcdef" not in str(caught.value)


def test_a_refused_read_hides_the_session_in_its_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}", "admin", ACCESS_KEY, retries=0)
    client._auth = (vtorm.client.auth.Secret("sess0123456789"), 1)
    with pytest.raises(TransportError) as caught:
        client.query("SELECT * FROM Contacts;")
    shown = "".join(traceback.format_exception(caught.value))
    assert "webservice.php?operation=query" in shown  # urllib3 named the URL...
    assert "sess0123456789" not in shown  # ...without the session


def test_revise_and_update_are_retried(fake: FakeVtiger) -> None:
    fake.queue("revise", DROP, envelope({"id": "12x5"}))
    fake.queue("update", http("502 Bad Gateway"), envelope({"id": "12x5"}))
    client = make_client(fake)
    assert client.revise({"id": "12x5", "phone": "1"}) == {"id": "12x5"}
    assert client.update({"id": "12x5", "lastname": "x"}) == {"id": "12x5"}


@pytest.mark.parametrize(
    ("code", "cls"),
    [("ACCESS_DENIED", AccessDenied), (0, DuplicateRecord), ("SOMETHING_NEW", APIError)],
)
def test_envelope_errors_map_to_classes_keeping_the_code(
    fake: FakeVtiger, code: Any, cls: type[APIError]
) -> None:
    fake.queue("retrieve", failure(code, "denied for id"))
    with pytest.raises(cls) as caught:
        make_client(fake).retrieve("12x5")
    assert type(caught.value) is cls
    assert (caught.value.code, caught.value.operation, caught.value.http_status) == (
        code,
        "retrieve",
        200,
    )
    assert fake.ops().count("retrieve") == 1  # a definite answer is never retried


def test_a_non_json_4xx_is_a_clear_error_not_retried(fake: FakeVtiger) -> None:
    fake.queue("query", http("404 Not Found", b"<h1>Not Found</h1>"))
    with pytest.raises(ServerError, match="Vtiger webservice URL"):
        make_client(fake).query("SELECT * FROM Contacts;")
    assert fake.ops().count("query") == 1


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda c: c.retrieve("5"), InvalidRecordId),
        (lambda c: c.delete("Contacts"), InvalidRecordId),
        (lambda c: c.create("contacts;", {}), InvalidArgument),
        (lambda c: c.create("Contacts", ["x"]), InvalidArgument),
        (lambda c: c.update({"lastname": "x"}), InvalidArgument),
        (lambda c: c.revise({"id": "x12"}), InvalidRecordId),
        (lambda c: c.query(""), InvalidArgument),
        (lambda c: c.sync(-1), InvalidArgument),
        (lambda c: c.list_types([""]), InvalidArgument),
        (lambda c: c.convert_lead({}), InvalidArgument),
        (lambda c: c.query_related("SELECT * FROM Contacts", "11x2", ""), InvalidArgument),
        (lambda c: c.add_related("11x2", "14"), InvalidRecordId),
    ],
)
def test_bad_arguments_fail_before_any_request(fake: FakeVtiger, call: Any, error: type) -> None:
    client = make_client(fake)
    with pytest.raises(error):
        call(client)
    assert client.request_count == 0


def test_every_operation_sends_its_registered_parameters(fake: FakeVtiger) -> None:
    client = make_client(fake)
    fake.queue("query_related", envelope([]))
    fake.queue("retrieve_related", envelope([]))
    fake.queue("convertlead", envelope(None))
    client.list_types(["email"])
    client.describe("Contacts")
    client.related_types("Accounts")
    client.sync(0, "Accounts")
    client.retrieve_related("11x2", "Contacts", "Contacts")
    client.query_related("SELECT * FROM Contacts WHERE lastname LIKE 'S%';  ", "11x2", "Contacts")
    client.add_related("11x2", "14x16")
    assert client.convert_lead({"leadId": "10x11"}) is None
    params = {request.operation: request.params for request in fake.seen}
    assert params["listtypes"]["fieldTypeList"] == '["email"]'
    assert params["describe"]["elementType"] == "Contacts"
    assert params["relatedtypes"]["elementType"] == "Accounts"
    assert (params["sync"]["modifiedTime"], params["sync"]["elementType"]) == ("1", "Accounts")
    assert params["retrieve_related"]["relatedType"] == "Contacts"
    assert params["query_related"]["query"] == "SELECT * FROM Contacts WHERE lastname LIKE 'S%'"
    assert "relationIdLabel" not in params["add_related"]
    assert params["add_related"]["relatedRecordId"] == "14x16"


def test_describe_is_cached_until_invalidated(fake: FakeVtiger) -> None:
    client = make_client(fake)
    first = client.describe("Contacts")
    assert client.describe("Contacts") is first
    client.invalidate_cache()
    client.describe("Contacts")
    assert fake.ops().count("describe") == 2


def test_extend_session_keeps_the_session_name_private(fake: FakeVtiger) -> None:
    client = make_client(fake)
    client.login()
    fake.queue("extendsession", envelope({"sessionName": fake.sessions[0], "userId": "19x1"}))
    assert client.extend_session() == {"userId": "19x1"}
    extend = fake.seen[-1]
    assert extend.method == "POST" and extend.form["operation"] == "extendsession"


def test_logout_ends_the_session_and_tolerates_a_dead_one(fake: FakeVtiger) -> None:
    client = make_client(fake)
    client.logout()  # never logged in: nothing to send
    assert fake.seen == []
    client.login()
    fake.queue("logout", failure("INVALID_SESSIONID"))
    client.logout()
    assert fake.seen[-1].form == {"operation": "logout", "sessionName": fake.sessions[0]}
    assert not client.is_logged_in


def test_context_manager_logs_out_even_when_logout_fails(fake: FakeVtiger) -> None:
    fake.queue("logout", *[http("500 Internal Server Error")] * 4)
    with make_client(fake) as client:
        client.login()
    assert fake.ops().count("logout") == 4 and not client.is_logged_in


def test_secrets_stay_out_of_repr_errors_and_logs(
    fake: FakeVtiger, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(fake)
    fake.queue("query", failure("INVALID_SESSIONID"), DROP, envelope([]))
    client.query("SELECT * FROM Contacts;")
    fake.queue("create", DROP)
    with pytest.raises(OutcomeUnknown) as caught:
        client.create("Contacts", {"lastname": "x"})
    texts = [repr(client), str(client), str(caught.value), repr(caught.value), caplog.text]
    texts += [str(caught.value.__cause__), *traceback.format_exception(caught.value)]
    for secret in [ACCESS_KEY, *fake.sessions]:
        assert all(secret not in text for text in texts), secret
    assert len(fake.sessions) == 2
    assert "query module=Contacts status=200" in caplog.text


def test_no_log_line_at_info(fake: FakeVtiger, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="vtorm")
    make_client(fake).query("SELECT * FROM Contacts;")
    assert [r for r in caplog.records if r.name.startswith("vtorm")] == []


def test_plain_http_to_another_machine_warns() -> None:
    with pytest.warns(InsecureTransportWarning, match="https"):
        Client("http://crm.example.com", "admin", ACCESS_KEY)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Client("https://crm.example.com", "admin", ACCESS_KEY)
        Client("http://localhost:8080", "admin", ACCESS_KEY)


def test_from_env_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VTIGER_URL", "https://crm.example.com")
    monkeypatch.setenv("VTIGER_USERNAME", "admin")
    monkeypatch.delenv("VTIGER_ACCESS_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="VTIGER_ACCESS_KEY") as caught:
        Client.from_env()
    assert "VTIGER_URL is" not in str(caught.value)
    monkeypatch.setenv("VTIGER_ACCESS_KEY", ACCESS_KEY)
    client = Client.from_env(timeout=5)
    assert (client.url, client.username, client.timeout) == (
        "https://crm.example.com/webservice.php",
        "admin",
        5,
    )


def test_empty_credentials_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="username"):
        Client("https://crm.example.com", "", ACCESS_KEY)
    with pytest.raises(ConfigurationError, match="access_key"):
        Client("https://crm.example.com", "admin", "  ")


def test_data_loss_and_charset_options_are_checked_and_kept(fake: FakeVtiger) -> None:
    client = make_client(fake, data_loss="warn", charset="utf8mb4")
    assert (client.data_loss, client.charset) == ("warn", "utf8mb4")
    assert (make_client(fake).data_loss, make_client(fake).charset) == ("raise", "utf8mb3")
    with pytest.raises(InvalidArgument, match="data_loss must be one of"):
        make_client(fake, data_loss="ignore")
    with pytest.raises(InvalidArgument, match="charset"):
        make_client(fake, charset="latin1")
    assert fake.seen == []
