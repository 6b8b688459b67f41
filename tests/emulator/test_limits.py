"""Answers, not crashes: inputs the real server refuses or limits get its answer (issue 13).

Each case was sent once to a real Vtiger 8.0.0 on 127.0.0.1:8081 (php -S, PHP 8.2) on
2026-12-01; the comment names what it answered.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from tests.emulator.conftest import Wire, error_of
from vtorm.emulator import Emulator
from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.faults import DropConnection


def test_a_json_number_too_big_for_a_float_stores_zero(admin: Wire) -> None:
    # real: element '{"unit_price":1e400,...}' -> success, unit_price '0.00000000', currency1 0
    element = '{"productname":"big","assigned_user_id":"19x1","unit_price":1e400}'
    result = admin.result(admin.op_post("create", elementType="Products", element=element))
    assert (result["unit_price"], result["currency1"]) == ("0.00000000", 0)


def test_an_element_nested_too_deep_is_no_element(admin: Wire) -> None:
    # real: nested 10,000 (and 512) deep -> MANDATORY_FIELDS_MISSING "accountname does not have
    # a value" (json_decode gave null); 511 deep decodes
    deep = "[" * 10000 + "]" * 10000
    element = '{"accountname":"deep","assigned_user_id":"19x1","description":' + deep + "}"
    answer = admin.op_post("create", elementType="Accounts", element=element)
    assert error_of(answer) == ("MANDATORY_FIELDS_MISSING", "accountname does not have a value")


def test_a_quoted_literal_over_8189_characters_is_a_lexer_failure(admin: Wire) -> None:
    # real: accountname='x'*8189 -> [] ; 'x'*8190 -> INTERNAL_SERVER_ERROR "Unknown Error while
    # processing request"
    ok = admin.op_get(
        "query", query="select * from Accounts where accountname='" + "x" * 8189 + "';"
    )
    assert admin.result(ok) == []
    failed = admin.op_get(
        "query", query="select * from Accounts where accountname='" + "x" * 8190 + "';"
    )
    assert error_of(failed) == ("INTERNAL_SERVER_ERROR", "Unknown Error while processing request")


def _environ(**extra: Any) -> dict[str, Any]:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/webservice.php", "QUERY_STRING": "",
               "wsgi.input": io.BytesIO(b""), "HTTP_HOST": "127.0.0.1"}  # fmt: skip
    environ.update(extra)
    return environ


def test_a_request_head_over_80_kib_is_dropped() -> None:
    # real: a GET whose path and query were 81,776 bytes answered; one byte more: the server
    # closed the connection without an answer ("Malformed HTTP request" in its log)
    app = Emulator().wsgi_app
    query = urlencode({"operation": "getchallenge", "username": "admin", "pad": "x" * 82000})
    with pytest.raises(DropConnection):
        app(_environ(QUERY_STRING=query), lambda status, headers: None)


def test_a_post_body_over_64_mib_is_an_empty_500() -> None:
    # real: a form body of 64 MiB - 10 bytes answered; 64 MiB + 10 bytes, 70 MiB and 100 MiB
    # -> HTTP 500, empty body
    app = Emulator().wsgi_app
    seen: list[str] = []
    body = app(
        _environ(REQUEST_METHOD="POST", CONTENT_LENGTH=str(70 * 1024 * 1024)),
        lambda status, headers: seen.append(status),
    )
    assert seen[0].startswith("500") and b"".join(body) == b""


def test_only_the_admin_changes_users_and_secrets_stay_hidden(admin: Wire) -> None:
    # real: admin revise {"id": "19x1", "title": "Boss"} -> success, title 'Boss' (and the
    # access key in clear, which the emulator never sends)
    result = admin.result(
        admin.op_post("revise", element=json.dumps({"id": "19x1", "title": "Boss"}))
    )
    assert result["title"] == "Boss" and result["accesskey"] == "<redacted-accesskey>"
    sneaky = {"id": "19x1", "accesskey": "stolen", "user_password": "x"}
    admin.result(admin.op_post("revise", element=json.dumps(sneaky)))
    assert admin.login()["userId"] == "19x1"  # the key did not change


def test_a_user_who_is_not_the_admin_can_neither_read_nor_change_users() -> None:
    # real: a non-admin 'bob' (19x5): retrieve 19x5 and 19x1, revise 19x1 and 19x5 -> all
    # ACCESS_DENIED "Permission to perform the operation is denied"
    backend = Emulator().backend
    row = {f.name: "" for f in backend.schema["Users"].fields if f.name != "id"}
    row.update(user_name="bob", accesskey="BobKey", is_admin="off", status="Active")
    with backend.store.transaction():
        backend.store.insert_row("Users", 5, row)
    for attempt in (
        lambda: backend.records.retrieve("19x5", 5),
        lambda: backend.records.retrieve("19x1", 5),
        lambda: backend.records.revise({"id": "19x1", "title": "Hacked"}, 5),
        lambda: backend.records.revise({"id": "19x5", "title": "Me"}, 5),
    ):
        with pytest.raises(WebserviceError, match="denied"), backend.store.transaction():
            attempt()
    assert backend.records.retrieve("19x1")["title"] == ""


def test_the_served_emulator_reads_request_lines_up_to_the_real_head_limit(admin: Wire) -> None:
    # real: 70,000 bytes of query string answered normally; over 81,776 the connection closed
    answer = admin.get(operation="getchallenge", username="admin", pad="x" * 70000)
    assert answer.json()["success"] is True
    with pytest.raises(requests.ConnectionError):
        admin.get(operation="getchallenge", username="admin", pad="x" * 83000)
