"""The pure rules behind the client: login hash, URLs, secrets, parameters, envelopes."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples
from vtorm.client.auth import (
    Secret,
    challenge_response,
    is_local_host,
    needs_transport_warning,
    normalize_url,
    redact,
)
from vtorm.client.envelope import (
    element_id,
    encode_element,
    epoch_seconds,
    parse_envelope,
    require_module,
)
from vtorm.errors import ConfigurationError, InvalidArgument, InvalidRecordId


def test_challenge_response_is_lower_hex_md5_of_token_then_key() -> None:
    assert challenge_response("5f2a0c1e3b4d7", "KEY") == "895fb583743be075a91a882b513eff3b"


@settings(max_examples=examples(50), deadline=None)
@given(st.text(), st.text())
def test_challenge_response_matches_md5_for_any_text(token: str, key: str) -> None:
    expected = hashlib.md5((token + key).encode("utf-8")).hexdigest()
    assert challenge_response(token, key) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://crm.example.com", "https://crm.example.com/webservice.php"),
        ("https://crm.example.com/", "https://crm.example.com/webservice.php"),
        ("HTTPS://crm.example.com/vtiger//", "https://crm.example.com/vtiger/webservice.php"),
        ("https://crm.example.com/webservice.php", "https://crm.example.com/webservice.php"),
        ("http://127.0.0.1:8080/webservice.php/", "http://127.0.0.1:8080/webservice.php"),
        ("  https://crm.example.com:8443/crm  ", "https://crm.example.com:8443/crm/webservice.php"),
    ],
)
def test_normalize_url_accepts_base_and_full_urls(given: str, expected: str) -> None:
    assert normalize_url(given) == expected


@pytest.mark.parametrize(
    ("bad", "named"),
    [
        ("", "empty"),
        ("crm.example.com", "crm.example.com"),
        ("ftp://crm.example.com", "ftp://crm.example.com"),
        ("https://crm.example.com/?operation=query", "query string"),
    ],
)
def test_normalize_url_refuses_what_cannot_be_an_endpoint(bad: str, named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        normalize_url(bad)


def test_normalize_url_refuses_credentials_without_echoing_them() -> None:
    with pytest.raises(ConfigurationError) as caught:
        normalize_url("https://admin:hunter2@crm.example.com")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("vtiger.test", True),
        ("app.localhost", True),
        ("10.0.0.5", False),
        ("crm.example.com", False),
        ("localhost.example.com", False),
    ],
)
def test_is_local_host(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_transport_warning_only_for_plain_http_to_other_machines() -> None:
    assert needs_transport_warning("http://crm.example.com/webservice.php")
    assert not needs_transport_warning("https://crm.example.com/webservice.php")
    assert not needs_transport_warning("http://127.0.0.1:8000/webservice.php")


def test_redact_removes_session_parameters_and_given_secrets() -> None:
    text = "GET /webservice.php?operation=query&sessionName=3ca081746b0a&x=1 key=KEY PHPSESSID=ab"
    cleaned = redact(text, ["KEY", ""])
    assert "3ca081746b0a" not in cleaned and "KEY" not in cleaned and "=ab" not in cleaned
    assert "operation=query" in cleaned and "&x=1" in cleaned


def test_secret_never_shows_itself() -> None:
    secret = Secret("abc123")
    assert (
        "abc123" not in repr(secret) and "abc123" not in str(secret) and "abc123" not in f"{secret}"
    )
    assert secret.reveal() == "abc123"
    assert secret == Secret("abc123") and secret != Secret("other")


def test_encode_element_sends_raw_utf8_not_escapes() -> None:
    encoded = encode_element({"lastname": "Müller 李", "note": 'a "quote" \\ back'})
    assert "Müller 李" in encoded and "\\u" not in encoded
    assert json.loads(encoded) == {"lastname": "Müller 李", "note": 'a "quote" \\ back'}


def test_encode_element_names_the_field_it_cannot_send() -> None:
    with pytest.raises(InvalidArgument, match=r"'birthday'.*datetime"):
        encode_element({"lastname": "x", "birthday": datetime(2020, 1, 1)})
    with pytest.raises(InvalidArgument, match="mapping"):
        encode_element(["not", "a", "mapping"])


def test_element_id_needs_a_valid_record_id() -> None:
    assert element_id({"id": "12x5"}) == "12x5"
    with pytest.raises(InvalidArgument, match="'id'"):
        element_id({"lastname": "x"})
    with pytest.raises(InvalidRecordId, match="'5'"):
        element_id({"id": "5"})


def test_epoch_seconds() -> None:
    assert epoch_seconds(1_700_000_000.9) == 1_700_000_000
    assert epoch_seconds(0) == 1  # the server reads "0" as a missing parameter
    assert epoch_seconds(datetime(1970, 1, 2)) == 86400  # naive is UTC
    plus_one = timezone(timedelta(hours=1))
    assert epoch_seconds(datetime(1970, 1, 2, 1, tzinfo=plus_one)) == 86400
    for bad in (-5, True, "123", float("nan")):
        with pytest.raises(InvalidArgument, match="modified_time"):
            epoch_seconds(bad)


def test_parse_envelope_is_lenient_but_demands_an_envelope() -> None:
    assert parse_envelope('{"success":true,"result":"a\tb\x01"}') == {
        "success": True,
        "result": "a\tb\x01",
    }
    for not_envelope in ("", "<html>", "[1]", '{"result": 1}', '{"success": "yes"}'):
        assert parse_envelope(not_envelope) is None


@pytest.mark.parametrize("bad", ["", "contacts; drop", "12x5", None, "Con tacts"])
def test_require_module_refuses_non_names(bad: object) -> None:
    with pytest.raises(InvalidArgument, match="module name"):
        require_module(bad)
