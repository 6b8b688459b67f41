"""Authentication, sessions and dispatch over raw HTTP, checked against the real answers."""

from __future__ import annotations

import hashlib

import pytest

from tests.emulator.conftest import ACCESS_KEY, Wire, error_of
from vtorm.emulator import Emulator


def test_getchallenge_gives_a_token_valid_for_300_seconds(wire: Wire) -> None:
    result = wire.result(wire.get(operation="getchallenge", username="admin").json())
    assert len(result["token"]) == 13
    assert result["expireTime"] - result["serverTime"] == 300


@pytest.mark.parametrize(
    ("params", "message"),
    [({"username": "nosuchuser"}, "username does not exists"), ({}, "No username given")],
)
def test_getchallenge_errors(wire: Wire, params: dict[str, str], message: str) -> None:
    answer = wire.get(operation="getchallenge", **params).json()
    assert error_of(answer) == ("ACCESS_DENIED", message)


def test_login_answers_the_14_keys_of_8x(wire: Wire) -> None:
    result = wire.login()
    assert list(result) == [
        "username", "first_name", "last_name", "email", "time_zone", "hour_format",
        "date_format", "is_admin", "call_duration", "other_event_duration", "sessionName",
        "userId", "version", "vtigerVersion",
    ]  # fmt: skip
    assert result["userId"] == "19x1"
    assert result["is_admin"] == "on"
    assert (result["version"], result["vtigerVersion"]) == ("0.22", "8.0.0")


def test_username_lookup_is_case_insensitive(wire: Wire) -> None:
    assert wire.login(username="ADMIN")["username"] == "admin"


@pytest.mark.parametrize(
    ("username", "key", "code", "message"),
    [
        ("admin", "wrongkey", "INVALID_USER_CREDENTIALS", "Invalid username or password"),
        ("nosuchuser", "wrongkey", "INVALID_AUTH_TOKEN", "Specified token is invalid or expired"),
    ],
)
def test_login_errors(wire: Wire, username: str, key: str, code: str, message: str) -> None:
    wire.get(operation="getchallenge", username="admin")
    answer = wire.post(operation="login", username=username, accessKey=key).json()
    assert error_of(answer) == (code, message)


def test_login_without_challenge_is_an_invalid_token(wire: Wire) -> None:
    digest = hashlib.md5(ACCESS_KEY.encode()).hexdigest()
    answer = wire.post(operation="login", username="admin", accessKey=digest).json()
    assert error_of(answer) == ("INVALID_AUTH_TOKEN", "Specified token is invalid or expired")


def test_login_sent_as_get_reads_no_parameters(wire: Wire) -> None:
    wire.get(operation="getchallenge", username="admin")
    answer = wire.get(operation="login", username="admin", accessKey="x").json()
    assert error_of(answer) == ("INVALID_AUTH_TOKEN", "Specified token is invalid or expired")


def test_challenge_token_expires() -> None:
    now = [1_000_000.0]
    emulator = Emulator(access_key="k", clock=lambda: now[0])
    backend = emulator.backend
    token = backend.challenge("admin")["token"]
    now[0] += 301
    digest = hashlib.md5((token + "k").encode()).hexdigest()
    with pytest.raises(Exception, match="invalid or expired"):
        backend.login("admin", digest)


def test_a_second_challenge_cancels_the_first(wire: Wire) -> None:
    first = wire.result(wire.get(operation="getchallenge", username="admin").json())["token"]
    wire.get(operation="getchallenge", username="admin")
    digest = hashlib.md5((first + ACCESS_KEY).encode()).hexdigest()
    answer = wire.post(operation="login", username="admin", accessKey=digest).json()
    assert error_of(answer)[0] == "INVALID_USER_CREDENTIALS"


def test_bogus_and_missing_sessions(wire: Wire) -> None:
    bogus = wire.get(operation="listtypes", sessionName="bogus0123456789abcdef").json()
    assert error_of(bogus) == ("INVALID_SESSIONID", "Session Identifier provided is Invalid")
    missing = wire.get(operation="listtypes").json()
    assert error_of(missing) == ("AUTHENTICATION_REQUIRED", "Authencation required")
    null = wire.get(operation="listtypes", sessionName="NULL").json()
    assert error_of(null)[0] == "AUTHENTICATION_REQUIRED"


def test_stale_session_fails_even_for_pre_login_operations(wire: Wire) -> None:
    answer = wire.get(operation="getchallenge", username="admin", sessionName="dead").json()
    assert error_of(answer)[0] == "INVALID_SESSIONID"


def test_phpsessid_parameter_breaks_the_session(admin: Wire) -> None:
    answer = admin.get(
        operation="listtypes", sessionName=admin.session_name, PHPSESSID=admin.session_name
    ).json()
    assert error_of(answer)[0] == "INVALID_SESSIONID"


@pytest.mark.parametrize("name", ["ListTypes", "LISTTYPES", "listtypes"])
def test_operation_names_are_case_insensitive(admin: Wire, name: str) -> None:
    assert admin.op_get(name)["success"] is True


@pytest.mark.parametrize(
    "params",
    [{"operation": "nosuchoperation"}, {}, {"operation": "listtypes", "format": "xml"}],
)
def test_unknown_operation_or_format_is_http_500_with_empty_body(
    admin: Wire, params: dict[str, str]
) -> None:
    for response in (
        admin.get(sessionName=admin.session_name, **params),
        admin.post(sessionName=admin.session_name, **params),
    ):
        assert response.status_code == 500
        assert response.content == b""


def test_logout_destroys_only_that_session(admin: Wire) -> None:
    first = admin.session_name
    admin.login()
    second = admin.session_name
    answer = admin.post(operation="logout", sessionName=first).json()
    assert admin.result(answer) == {"message": "successfull"}
    after = admin.get(operation="listtypes", sessionName=first).json()
    assert error_of(after) == ("INVALID_SESSIONID", "Session Identifier provided is Invalid")
    again = admin.post(operation="logout", sessionName=first).json()
    assert error_of(again)[0] == "INVALID_SESSIONID"
    assert admin.get(operation="listtypes", sessionName=second).json()["success"] is True


def test_logout_requires_post(admin: Wire) -> None:
    answer = admin.get(operation="logout", sessionName=admin.session_name).json()
    assert error_of(answer) == (
        "OPERATION_NOT_SUPPORTED",
        "Permission to perform the operation is denied",
    )


def test_extendsession_with_session_name(admin: Wire) -> None:
    answer = admin.post(operation="extendsession", sessionName=admin.session_name).json()
    assert admin.result(answer) == {
        "sessionName": admin.session_name,
        "userId": "19x1",
        "version": "0.22",
        "vtigerVersion": "8.0.0",
    }


def test_extendsession_with_cookie(admin: Wire) -> None:
    response = admin.http.post(
        admin.url, data={"operation": "extendsession"}, cookies={"PHPSESSID": admin.session_name}
    )
    assert admin.result(response.json())["sessionName"] == admin.session_name


def test_extendsession_failures(admin: Wire) -> None:
    param = admin.post(operation="extendsession", PHPSESSID=admin.session_name).json()
    assert error_of(param) == ("AUTHENTICATION_FAILURE", "Authencation Failed")
    as_get = admin.get(operation="extendsession").json()
    assert error_of(as_get) == ("AUTHENTICATION_REQUIRED", "Authencation required")
    unknown = admin.post(operation="extendsession", sessionName="nosuch").json()
    assert error_of(unknown)[0] == "AUTHENTICATION_FAILURE"


def test_idle_sessions_expire_like_php_gc() -> None:
    now = [1_000_000.0]
    emulator = Emulator(access_key="k", clock=lambda: now[0])
    backend = emulator.backend
    token = backend.challenge("admin")["token"]
    session = backend.login("admin", hashlib.md5((token + "k").encode()).hexdigest())
    assert backend.sessions.get(session["sessionName"]) is not None
    now[0] += 1441
    assert backend.sessions.get(session["sessionName"]) is None


def test_envelope_puts_message_before_code_and_escapes_like_php(admin: Wire) -> None:
    raw = admin.get(operation="listtypes").text
    assert raw.index('"message"') < raw.index('"code"')
    created = admin.create("Accounts", {"accountname": "Café/Bar", "assigned_user_id": "19x1"})
    assert created["result"]["accountname"] == "Café/Bar"
    body = admin.op_get("retrieve", id=created["result"]["id"])
    assert body["result"]["accountname"] == "Café/Bar"
    text = admin.get(
        operation="retrieve", sessionName=admin.session_name, id=created["result"]["id"]
    ).text
    assert "Caf\\u00e9\\/Bar" in text


def test_access_key_is_configurable_and_generated_otherwise() -> None:
    assert Emulator(access_key="abc").access_key == "abc"
    generated = Emulator().access_key
    assert len(generated) == 16 and generated.isalnum()


def test_login_with_a_valid_session_name_reuses_that_session(admin: Wire) -> None:
    first = admin.session_name
    token = admin.result(admin.get(operation="getchallenge", username="admin").json())["token"]
    digest = hashlib.md5((token + ACCESS_KEY).encode()).hexdigest()
    again = admin.post(operation="login", username="admin", accessKey=digest, sessionName=first)
    assert admin.result(again.json())["sessionName"] == first
