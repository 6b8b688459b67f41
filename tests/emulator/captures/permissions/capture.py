"""Run the permission scenario against a real Vtiger and save every request and response.

    python tests/emulator/captures/permissions/capture.py http://127.0.0.1:8083/webservice.php

Reset the server and run `setup_real.php` first (see its header). Writes `scenario.json` next
to this file. Standard library only; loopback only.
"""

from __future__ import annotations

import hashlib
import json
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[4]))
from tests.emulator.permissions_scenario import SETUP_USERS, STEPS, fill


def call(url: str, method: str, params: dict[str, str]) -> Any:
    data = urllib.parse.urlencode(params)
    if method == "GET":
        request = urllib.request.Request(f"{url}?{data}")
    else:
        request = urllib.request.Request(url, data=data.encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def login(url: str, user: str) -> str:
    key = SETUP_USERS[user][0]
    token = call(url, "GET", {"operation": "getchallenge", "username": user})["result"]["token"]
    digest = hashlib.md5((token + key).encode()).hexdigest()
    answer = call(url, "POST", {"operation": "login", "username": user, "accessKey": digest})
    return str(answer["result"]["sessionName"])


GET_OPS = {"retrieve", "query", "describe", "sync", "retrieve_related", "query_related"}


def main(url: str) -> None:
    sessions = {user: login(url, user) for user in SETUP_USERS}
    ids: dict[str, str] = {}
    steps = []
    for name, user, operation, params in STEPS:
        sent = fill(params, ids)
        method = "GET" if operation in GET_OPS else "POST"
        response = call(
            url, method, {"operation": operation, "sessionName": sessions[user], **sent}
        )
        if operation == "create" and response.get("success"):
            ids[name] = response["result"]["id"]
        steps.append(
            {
                "name": name,
                "user": user,
                "method": method,
                "operation": operation,
                "params": sent,
                "response": response,
            }
        )
    out = {"server": url, "vtiger": "8.0.0", "ids": ids, "steps": steps}
    target = Path(__file__).with_name("scenario.json")
    target.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", "utf-8")
    print(f"{len(steps)} steps -> {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8083/webservice.php")
