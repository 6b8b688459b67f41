"""Fault injection: HTTP 500, dropped connections, malformed JSON, latency, session expiry."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from tests.emulator.conftest import ACCESS_KEY, Wire, error_of
from vtorm.emulator import Emulator, Fault, Faults


def _served(faults: Faults) -> Iterator[Wire]:
    emulator = Emulator(access_key=ACCESS_KEY, faults=faults)
    with emulator.serve() as server, requests.Session() as http:
        yield Wire(server.url, http)


@pytest.fixture
def flaky(request: pytest.FixtureRequest) -> Iterator[Wire]:
    yield from _served(request.param)


@pytest.mark.parametrize("flaky", [Faults([Fault.http_500(nth=2)])], indirect=True)
def test_http_500_on_the_nth_request(flaky: Wire) -> None:
    first = flaky.get(operation="getchallenge", username="admin")
    second = flaky.get(operation="getchallenge", username="admin")
    third = flaky.get(operation="getchallenge", username="admin")
    assert [first.status_code, second.status_code, third.status_code] == [200, 500, 200]
    assert second.content == b""


@pytest.mark.parametrize("flaky", [Faults([Fault.drop(nth=1)])], indirect=True)
def test_dropped_connection_closes_the_socket_without_an_answer(flaky: Wire) -> None:
    with pytest.raises(requests.ConnectionError):
        flaky.get(operation="getchallenge", username="admin")
    assert flaky.get(operation="getchallenge", username="admin").status_code == 200


@pytest.mark.parametrize("flaky", [Faults([Fault.malformed_json(nth=3)])], indirect=True)
def test_malformed_json_after_executing_the_request(flaky: Wire) -> None:
    flaky.login()
    element = json.dumps({"accountname": "Acme", "assigned_user_id": "19x1"})
    response = flaky.post(
        operation="create", sessionName=flaky.session_name, elementType="Accounts", element=element
    )
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    # the create did happen: a second one is a duplicate
    assert error_of(flaky.create("Accounts", json.loads(element)))[0] == 0


@pytest.mark.parametrize("flaky", [Faults([Fault.session_expiry(after=3)])], indirect=True)
def test_sessions_expire_every_n_requests(flaky: Wire) -> None:
    flaky.login()  # requests 1 and 2
    assert flaky.op_get("listtypes")["success"] is True  # request 3
    answer = flaky.op_get("listtypes")  # request 4: sessions were just forgotten
    assert error_of(answer)[0] == "INVALID_SESSIONID"


def test_rates_are_reproducible_with_a_seed() -> None:
    def outcomes(seed: int) -> list[str]:
        faults = Faults([Fault.http_500(rate=0.3), Fault.drop(rate=0.1)], seed=seed)
        return [faults.plan().outcome for _ in range(200)]

    assert outcomes(7) == outcomes(7)
    assert outcomes(7) != outcomes(8)
    counts = outcomes(7)
    assert 20 < counts.count("http_500") < 100 and 0 < counts.count("drop") < 45


def test_latency_adds_up_and_fires_only_where_asked() -> None:
    faults = Faults([Fault.latency(0.25), Fault.latency(0.5, nth=2)])
    assert [faults.plan().delay for _ in range(3)] == [0.25, 0.75, 0.25]


def test_latency_is_slept_before_answering(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("vtorm.emulator.app.time.sleep", slept.append)
    emulator = Emulator(faults=[Fault.latency(0.125, nth=1)])
    environ = {"PATH_INFO": "/webservice.php", "REQUEST_METHOD": "GET",
               "QUERY_STRING": "operation=getchallenge&username=admin"}  # fmt: skip
    body = b"".join(emulator.wsgi_app(environ, lambda status, headers: None))
    assert json.loads(body)["success"] is True
    assert slept == [0.125]


@pytest.mark.parametrize(
    "bad",
    [{"kind": "http_500", "rate": 1.5}, {"kind": "drop", "nth": 0}, {"kind": "session_expiry"}],
)
def test_fault_specs_are_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Fault(**bad)  # type: ignore[arg-type]


def test_in_process_drop_raises_a_connection_error() -> None:
    emulator = Emulator(faults=[Fault.drop(nth=1)])
    environ = {"PATH_INFO": "/webservice.php", "REQUEST_METHOD": "GET", "QUERY_STRING": ""}
    with pytest.raises(ConnectionError):
        emulator.wsgi_app(environ, lambda status, headers: None)
    assert emulator.request_log[0].status == 500
