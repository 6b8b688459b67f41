"""The permission scenario captured on a real Vtiger 8.0 replayed against the emulator.

`captures/permissions/scenario.json` holds every request and response of
`permissions_scenario.STEPS` on the real server (made by `captures/permissions/capture.py`
after `setup_real.php`). The emulator, given the same users, roles, groups, sharing and
profile, must decide every step the same way: who sees which record, which fields, which error.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.permissions_scenario import SETUP_USERS, fill, view
from vtorm.emulator import Emulator, Profile, User

CAPTURE = Path(__file__).parent / "captures" / "permissions" / "scenario.json"
RECORDED: dict[str, Any] = json.loads(CAPTURE.read_text("utf-8"))


def permission_emulator() -> Emulator:
    """The emulator configured as setup_real.php configures the real server."""
    return Emulator(
        access_key=SETUP_USERS["admin"][0],
        users=[
            User("alice", SETUP_USERS["alice"][0], role="Sales Person", groups=("Team Selling",)),
            User("bob", SETUP_USERS["bob"][0], role="Sales Person"),
            User("carol", SETUP_USERS["carol"][0], role="Sales Manager"),
        ],
        profiles=[Profile("Sales Profile", hidden={"Contacts": ("mobile",)})],
        sharing={
            "Contacts": "private",
            "Accounts": "public_read",
            "Potentials": "public_read_write",
        },
    )


class _Wsgi:
    """Calls the emulator's WSGI app the way an HTTP client would, without sockets."""

    def __init__(self, emulator: Emulator) -> None:
        from urllib.parse import urlencode

        self.emulator = emulator
        self.encode = urlencode

    def call(self, method: str, params: dict[str, str]) -> Any:
        import io

        body = self.encode(params).encode() if method == "POST" else b""
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": "/webservice.php",
            "QUERY_STRING": self.encode(params) if method == "GET" else "",
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "wsgi.url_scheme": "http",
        }  # fmt: skip
        chunks = self.emulator.wsgi_app(environ, lambda *_: None)
        return json.loads(b"".join(chunks))

    def login(self, user: str) -> str:
        key = self.emulator.access_key_for(user)
        challenge = self.call("GET", {"operation": "getchallenge", "username": user})
        digest = hashlib.md5((challenge["result"]["token"] + key).encode()).hexdigest()
        answer = self.call("POST", {"operation": "login", "username": user, "accessKey": digest})
        return str(answer["result"]["sessionName"])


def _compared(step: dict[str, Any], response: dict[str, Any], ids: dict[str, str]) -> Any:
    seen = view(response, ids)
    text = step["params"].get("query", "").lower()
    if "rows" in seen and "order by" not in text:
        seen["rows"] = sorted(seen["rows"], key=json.dumps)  # non-admin SQL has no stable order
    return seen


@pytest.fixture(scope="module")
def replay() -> Iterator[list[tuple[dict[str, Any], Any, Any]]]:
    """Each recorded step with the real server's and the emulator's view of its answer."""
    emulator = permission_emulator()
    client = _Wsgi(emulator)
    sessions = {user: client.login(user) for user in SETUP_USERS}
    real_ids: dict[str, str] = RECORDED["ids"]
    ids: dict[str, str] = {}
    results = []
    for step in RECORDED["steps"]:
        params = fill(_template(step, real_ids), ids)
        response = client.call(
            step["method"],
            {"operation": step["operation"], "sessionName": sessions[step["user"]], **params},
        )
        if step["operation"] == "create" and response.get("success"):
            ids[step["name"]] = response["result"]["id"]
        results.append(
            (step, _compared(step, step["response"], real_ids), _compared(step, response, ids))
        )
    yield results
    emulator.close()


def _template(step: dict[str, Any], real_ids: dict[str, str]) -> dict[str, str]:
    """The step's parameters with the real server's ids turned back into `{name}`."""
    out = {}
    for key, value in step["params"].items():
        for name, record_id in sorted(real_ids.items(), key=lambda kv: -len(kv[1])):
            value = value.replace(f'"{record_id}"', '"{' + name + '}"')
            if value == record_id:
                value = "{" + name + "}"
        out[key] = value
    return out


STEP_NAMES = [step["name"] for step in RECORDED["steps"]]


@pytest.mark.parametrize("index", range(len(STEP_NAMES)), ids=STEP_NAMES)
def test_emulator_decides_like_the_real_server(
    replay: list[tuple[dict[str, Any], Any, Any]], index: int
) -> None:
    step, real, emulated = replay[index]
    assert emulated == real, f"{step['user']} {step['operation']} {step['params']}"


def test_the_capture_covers_every_rule() -> None:
    """A private module denies a peer, a public read-only one denies writes, fields hide."""
    outcomes = {step["name"]: step["response"] for step in RECORDED["steps"]}
    assert (
        outcomes["alice_sees_bob"]["error"]["message"]
        == "Permission to read given object is denied"
    )
    assert outcomes["alice_reads_account"]["success"]
    assert not outcomes["alice_revise_account"]["success"]
    assert "mobile" not in outcomes["alice_sees_own"]["result"]
    assert outcomes["admin_sees_mobile"]["result"]["mobile"] == "555"  # revise ignored it
    assert outcomes["admin_sees_created_mobile"]["result"]["mobile"] == "777"  # create kept it
    assert not outcomes["alice_delete_deal"]["success"] and outcomes["alice_revise_deal"]["success"]
