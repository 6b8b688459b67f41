"""The served emulator keeps HTTP/1.1 connections alive, as Apache does for a real Vtiger."""

from __future__ import annotations

import http.client
from urllib.parse import urlencode, urlsplit

import pytest

from vtorm.emulator import Emulator


def _connect(url: str) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10), parts.path


def _challenge(connection: http.client.HTTPConnection, path: str) -> http.client.HTTPResponse:
    connection.request(
        "GET", path + "?" + urlencode({"operation": "getchallenge", "username": "admin"})
    )
    response = connection.getresponse()
    response.read()
    return response


def test_one_connection_serves_many_requests() -> None:
    with Emulator().serve() as server:
        connection, path = _connect(server.url)
        answers = [_challenge(connection, path) for _ in range(3)]
        assert [(a.status, a.version, a.will_close) for a in answers] == [(200, 11, False)] * 3
        connection.close()


def test_an_unread_body_ends_the_connection_after_its_answer() -> None:
    with Emulator().serve() as server:
        connection, _ = _connect(server.url)
        connection.request("POST", "/elsewhere", body=b"operation=getchallenge")  # 404, body unread
        response = connection.getresponse()
        response.read()
        assert (response.status, response.getheader("Connection")) == (404, "close")
        assert response.will_close


def test_stopping_the_server_ends_kept_alive_connections() -> None:
    server = Emulator().serve().start()
    connection, path = _connect(server.url)
    assert _challenge(connection, path).status == 200
    server.stop()
    with pytest.raises((http.client.HTTPException, OSError)):
        _challenge(connection, path)
