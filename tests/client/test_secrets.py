"""The session name never shows: not in urllib3's DEBUG records, not in tracebacks with locals."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator

import pytest
import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from vtorm.client import Client
from vtorm.client.auth import Secret, reveal_params
from vtorm.emulator import Emulator, Fault, Faults
from vtorm.errors import QuerySyntaxError, ServerError, TransportError, VtigerError

KEY = "kT9s2Lq0ZxAccessKey"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    server = Emulator(access_key=KEY)
    yield server
    server.close()


def retrying_session() -> requests.Session:
    """What a user passes in: urllib3 retries of GETs on HTTP 500."""
    session = requests.Session()
    retry = Retry(total=2, status_forcelist=[500], backoff_factor=0, raise_on_status=False)
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


def session_name(client: Client) -> Secret:
    """The client's session (kept in a Secret so the test's own frame does not show it)."""
    client.login()
    assert client._auth is not None
    return client._auth[0]


def test_urllib3_retry_debug_records_hold_no_session_name(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with emulator.serve() as server:
        client = Client(server.url, "admin", KEY, session=retrying_session(), retries=0)
        name = session_name(client)
        emulator.app.faults = Faults([Fault.http_500(rate=1.0)])
        with caplog.at_level(logging.DEBUG), pytest.raises(ServerError):
            client.query("SELECT lastname FROM Contacts;")
        emulator.app.faults = Faults()
        client.close()
    loggers = {record.name for record in caplog.records}
    assert {"urllib3.util.retry", "urllib3.connectionpool"} <= loggers
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert "sessionName=<redacted>" in text
    assert name.reveal() not in text and KEY not in text


def test_a_bare_session_name_is_scrubbed_from_any_urllib3_record(
    emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    with emulator.serve() as server, Client(server.url, "admin", KEY, backoff=0) as client:
        name = session_name(client)
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("urllib3.util.retry").debug("history: %s", [name.reveal()])
    assert name.reveal() not in caplog.text and "<redacted>" in caplog.text


def _locals_traceback(error: BaseException) -> str:
    rendered = traceback.TracebackException.from_exception(error, capture_locals=True)
    return "".join(rendered.format())


def test_a_server_error_traceback_with_locals_holds_no_session_name(emulator: Emulator) -> None:
    with emulator.serve() as server, Client(server.url, "admin", KEY, backoff=0) as client:
        name = session_name(client)
        with pytest.raises(QuerySyntaxError) as caught:
            client.query("SELECT lastname FROM Contacts WHERE;")
        shown = _locals_traceback(caught.value)
    assert "_attempt" in shown and "params = " in shown  # the frames and locals are there
    assert name.reveal() not in shown and KEY not in shown


def test_a_transport_error_traceback_with_locals_holds_no_session_name(
    emulator: Emulator,
) -> None:
    with emulator.serve() as server:
        client = Client(server.url, "admin", KEY, session=retrying_session(), retries=1, backoff=0)
        name = session_name(client)
    # The server is gone: urllib3 retries, then requests raises with the full URL.
    with pytest.raises(TransportError) as caught:
        client.query("SELECT lastname FROM Contacts;")
    shown = _locals_traceback(caught.value)
    assert "Traceback" in shown and "_exchange" in shown
    assert name.reveal() not in shown and KEY not in shown


def test_a_login_failure_traceback_shows_neither_key_nor_hash(emulator: Emulator) -> None:
    with emulator.serve() as server:
        client = Client(server.url, "admin", "WrongKey0123", backoff=0)
        with pytest.raises(VtigerError) as caught:
            client.login()
    shown = _locals_traceback(caught.value)
    assert "_login_locked" in shown and "WrongKey0123" not in shown
    assert "accessKey': Secret('<redacted>')" in shown


def test_params_reveal_their_secrets_only_when_sent() -> None:
    params = {"operation": "query", "sessionName": Secret("abc123")}
    assert "abc123" not in repr(params)
    assert reveal_params(params) == {"operation": "query", "sessionName": "abc123"}
