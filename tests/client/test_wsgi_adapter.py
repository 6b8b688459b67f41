"""The in-process transport: a WSGI app behind requests, with dropped connections."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from vtorm.client.wsgi import WSGIAdapter


def echo_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"] or 0))
    seen: dict[str, Any] = {
        key: environ[key]
        for key in ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "CONTENT_TYPE")
        if key in environ
    }
    seen["body"] = body.decode()
    seen["agent"] = environ.get("HTTP_USER_AGENT", "")
    start_response("201 Created", [("Content-Type", "application/json; charset=utf-8")])
    return [json.dumps(seen).encode()]


def session_for(app: Any) -> requests.Session:
    session = requests.Session()
    session.mount("http://vtiger.test/", WSGIAdapter(app))
    return session


def test_get_and_post_reach_the_app_like_a_server() -> None:
    session = session_for(echo_app)
    got = session.get("http://vtiger.test/webservice.php", params={"operation": "query"}).json()
    assert got["REQUEST_METHOD"] == "GET" and got["PATH_INFO"] == "/webservice.php"
    assert got["QUERY_STRING"] == "operation=query" and got["SERVER_NAME"] == "vtiger.test"
    posted = session.post("http://vtiger.test/webservice.php", data={"element": "é"})
    assert posted.status_code == 201 and posted.encoding == "utf-8"
    assert posted.json()["body"] == "element=%C3%A9"
    assert posted.json()["CONTENT_TYPE"] == "application/x-www-form-urlencoded"
    assert posted.json()["agent"].startswith("python-requests")


def test_a_connection_error_in_the_app_is_a_dropped_connection() -> None:
    def dropping(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise ConnectionResetError("peer went away")

    with pytest.raises(requests.ConnectionError, match="dropped"):
        session_for(dropping).get("http://vtiger.test/webservice.php")


def test_a_crashing_app_answers_500_with_an_empty_body() -> None:
    def crashing(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        raise ZeroDivisionError

    response = session_for(crashing).get("http://vtiger.test/webservice.php")
    assert (response.status_code, response.content) == (500, b"")


def test_write_callable_and_iterable_close_are_honoured() -> None:
    closed: list[bool] = []

    class Body:
        def __iter__(self) -> Any:
            return iter([b"b"])

        def close(self) -> None:
            closed.append(True)

    def app(environ: dict[str, Any], start_response: Any) -> Body:
        write = start_response("200 OK", [])
        write(b"a")
        return Body()

    assert session_for(app).get("http://vtiger.test/").content == b"ab"
    assert closed == [True]
