"""vtorm.connect() and the process-wide default client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import vtorm
from vtorm.client import Client
from vtorm.client.connection import get_default_client, set_default_client
from vtorm.errors import ConfigurationError

from .fake_server import ACCESS_KEY, FakeVtiger, make_client


@pytest.fixture(autouse=True)
def no_default() -> Iterator[None]:
    previous = set_default_client(None)
    yield
    set_default_client(previous)


def test_without_a_connection_the_error_says_what_to_do() -> None:
    with pytest.raises(ConfigurationError, match=r"vtorm\.connect"):
        get_default_client()


def test_connect_makes_the_default_and_restores_the_previous_on_exit() -> None:
    fake = FakeVtiger()
    outer = make_client(fake)
    set_default_client(outer)
    session = outer._http
    with vtorm.connect("http://vtiger.test", "admin", ACCESS_KEY, session=session) as client:
        assert get_default_client() is client is not outer
        client.login()
    assert get_default_client() is outer
    assert fake.ops()[-1] == "logout"


def test_connect_reads_missing_arguments_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VTIGER_URL", "https://crm.example.com")
    monkeypatch.setenv("VTIGER_USERNAME", "admin")
    monkeypatch.setenv("VTIGER_ACCESS_KEY", ACCESS_KEY)
    client = vtorm.connect()
    assert isinstance(client, Client) and get_default_client() is client
    other = vtorm.connect(username="someone")
    assert (other.url, other.username) == ("https://crm.example.com/webservice.php", "someone")
    monkeypatch.delenv("VTIGER_URL")
    with pytest.raises(ConfigurationError, match="VTIGER_URL"):
        vtorm.connect(username="someone")


def test_set_default_client_refuses_other_objects() -> None:
    with pytest.raises(ConfigurationError, match=r"vtorm\.Client"):
        set_default_client("http://crm")  # type: ignore[arg-type]


def test_client_is_what_the_orm_expects_of_a_backend() -> None:
    from vtorm.query.backend import Backend

    backend: Backend = make_client(FakeVtiger())  # checked by mypy
    assert backend.query("SELECT * FROM Contacts;") == []
