"""The replay script: every capture case as a `Step`, in the order the capture made them.

Main run (standard schema), as the reference README orders it: getchallenge, login, listtypes,
describe, relatedtypes -> records -> 125 bulk leads -> queries -> errors -> (temporary account)
-> sync -> other ops. The custom-fields run uses its own emulator with the custom schema.

Requests the capture made but did not record (the bulk leads, the temporary account, the
custom-fields account and lead) are rebuilt from the records the server later returned:
their editable, non-empty values.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from tests.conformance.steps import SESSION, Expected, Step, call, captured_request, load

COMPUTED_KEY = "<computed from the challenge>"

#: Fields the server sets itself, never sent back when a create is rebuilt from a record.
SERVER_FIELDS = frozenset({"id", "label", "modifiedby", "createdtime", "modifiedtime"})

#: Creation order of the records/ files (by crmid in `_ids.json`).
RECORD_FILES = ("Accounts", "Contacts", "Leads", "Potentials", "HelpDesk", "Products")


def epoch(datetime_text: str) -> int:
    """Unix seconds of a server `YYYY-MM-DD HH:MM:SS` (UTC) value."""
    return calendar.timegm(time.strptime(datetime_text, "%Y-%m-%d %H:%M:%S"))


def write_time(expected: Expected) -> int | None:
    """When a successful write happened: the `modifiedtime` of the record it returned."""
    result = expected.result()
    if isinstance(result, dict) and isinstance(result.get("modifiedtime"), str):
        return epoch(result["modifiedtime"])
    return None


def login_steps(at: int, *, compared: bool = False) -> list[Step]:
    """getchallenge + login as admin (compared with getchallenge.json / login.json if asked)."""
    steps = []
    for method, file, params in (
        ("GET", "getchallenge.json", call("GET", operation="getchallenge", username="admin")),
        (
            "POST",
            "login.json",
            call("POST", operation="login", username="admin", accessKey=COMPUTED_KEY),
        ),
    ):
        expected = Expected.from_capture(load(file)) if compared else None
        steps.append(
            Step(
                method, params, expected, file if compared else None, file if compared else None, at
            )
        )
    return steps


def editable_values(record: dict[str, Any], describe: dict[str, Any]) -> dict[str, Any]:
    """The element a client would have sent to create `record`: its editable, non-empty values."""
    editable = {f["name"] for f in describe["fields"] if f.get("editable")}
    return {
        key: value
        for key, value in record.items()
        if key in editable and key not in SERVER_FIELDS and value not in ("", None)
    }


def create_step(
    module: str,
    element: dict[str, Any],
    result: Any,
    *,
    case_id: str | None = None,
    file: str | None = None,
) -> Step:
    """A create; without a case id it is set-up only (its expected id feeds the id map)."""
    expected = Expected.from_capture(
        result if case_id else {"success": True, "result": {"id": result["id"]}}
    )
    at = write_time(Expected.from_capture(result)) if case_id else epoch(result["createdtime"])
    params = call(
        "POST", operation="create", sessionName=SESSION, elementType=module, element=element
    )
    return Step("POST", params, expected, file, case_id, at)


def main_run() -> list[Step]:
    """Every step of the main capture, in order."""
    listtypes = load("listtypes.json")
    types: list[str] = listtypes["result"]["types"]
    steps = login_steps(load("getchallenge.json")["result"]["serverTime"], compared=True)
    steps.append(
        Step(
            "GET",
            call("GET", operation="listtypes", sessionName=SESSION),
            Expected.from_capture(listtypes),
            "listtypes.json",
            "listtypes.json",
        )
    )
    for name in types:
        params = call("GET", operation="describe", sessionName=SESSION, elementType=name)
        expected = Expected.from_capture(load(f"describe/{name}.json"))
        steps.append(Step("GET", params, expected, "describe/", f"describe/{name}.json"))
    for name, response in load("relatedtypes.json").items():
        params = call("GET", operation="relatedtypes", sessionName=SESSION, elementType=name)
        steps.append(
            Step(
                "GET",
                params,
                Expected.from_capture(response),
                "relatedtypes.json",
                f"relatedtypes.json::{name}",
            )
        )
    steps += record_steps()
    steps += bulk_lead_steps()
    steps += query_steps()
    steps += request_steps("errors.json", [(c["case"], c) for c in load("errors.json")])
    steps.append(temporary_account_step())
    steps += request_steps("sync.json", list(load("sync.json").items()))
    steps += request_steps("other_ops.json", list(load("other_ops.json").items()))
    steps += inventory_steps()
    return steps


def record_steps() -> Iterator[Step]:
    """records/<Module>.json: each create (as sent) and the retrieve after it."""
    for module in RECORD_FILES:
        file = f"records/{module}.json"
        for index, entry in enumerate(load(file)):
            yield create_step(
                module,
                entry["element_sent"],
                entry["create"],
                case_id=f"{file}::{index}:create",
                file="records/",
            )
            record_id = entry["create"]["result"]["id"]
            params = call("GET", operation="retrieve", sessionName=SESSION, id=record_id)
            yield Step(
                "GET",
                params,
                Expected.from_capture(entry["retrieve"]),
                "records/",
                f"{file}::{index}:retrieve",
            )


def bulk_lead_steps() -> Iterator[Step]:
    """The 125 "Bulk Lead NNN" creates, rebuilt from the Leads the sync pages returned."""
    sync = load("sync.json")
    pages = [
        v
        for k, v in sync.items()
        if k.startswith(("sync_Leads_modifiedTime_1", "sync_Leads_continue"))
    ]
    describe = load("describe/Leads.json")["result"]
    seen: set[str] = set()
    for page in pages:
        for row in page["response"]["result"]["updated"]:
            if row["firstname"] == "Bulk" and row["id"] not in seen:
                seen.add(row["id"])
                yield create_step("Leads", editable_values(row, describe), row)


def temporary_account_step() -> Step:
    """The account created (and later deleted) between errors and sync; not itself captured."""
    note = load("sync.json")["note"]
    rows = load("sync.json")["sync_Accounts_modifiedTime_1"]["response"]["result"]["updated"]
    row = next(r for r in rows if r["id"] == note["deleted_id"])
    return create_step(
        "Accounts", editable_values(row, load("describe/Accounts.json")["result"]), row
    )


def query_steps() -> Iterator[Step]:
    """queries.json: one GET query per case."""
    for index, case in enumerate(load("queries.json")):
        params = call("GET", operation="query", sessionName=SESSION, query=case["query"])
        expected = Expected.from_capture(case["response"], case["http_status"])
        yield Step(
            "GET",
            params,
            expected,
            "queries.json",
            f"queries.json::{index:02d}",
            row_count=case["row_count"],
        )


def request_steps(file: str, cases: list[tuple[str, Any]]) -> Iterator[Step]:
    """Cases that carry their own `request` (errors, sync, other ops); static notes are skipped."""
    logged_out = False
    for name, case in cases:
        if not isinstance(case, dict) or "request" not in case:
            continue
        method, params = captured_request(case["request"])
        expected = Expected.from_capture(case["response"], case.get("http_status"))
        at = (
            write_time(expected)
            if params.get("operation") in ("create", "update", "revise")
            else None
        )
        login_before = logged_out and name not in _REUSES_LOGGED_OUT_SESSION
        logged_out = (logged_out and not login_before) or name == "logout"
        yield Step(method, params, expected, file, f"{file}::{name}", at, login_before=login_before)


#: Cases that deliberately reuse the session a `logout` just destroyed.
_REUSES_LOGGED_OUT_SESSION = frozenset({"listtypes_after_logout", "logout_again_with_same_session"})


def inventory_steps() -> list[Step]:
    """inventory.json, after a new login (other ops ended with a logout).

    Its requests name no operation: the case name does. Before the capture's own run, an
    earlier identical attempt created the first two quotes (QUO1, QUO2 show up in its
    `query Quotes`), so those two creates are replayed first, uncompared.
    """
    cases = load("inventory.json")
    steps: list[Step] = []
    earlier = [c for c in cases if c["case"].startswith("create Quotes")][:4]
    for case, capture_id in ((earlier[0], "4x639"), (earlier[3], "4x640")):
        created = Expected.from_capture({"success": True, "result": {"id": capture_id}})
        steps.append(Step("POST", _inventory_params(case), created, at=_inventory_time(cases)))
    for case in cases:
        method = "POST" if case["case"].split()[0] in ("create", "revise") else "GET"
        response = case["response"]
        if "body" in response and "http_status" in response:  # retrieve_inventory's shape
            response = {"_non_json_body": response["body"], "_http_status": response["http_status"]}
        expected = Expected.from_capture(response)
        at = write_time(expected) if method == "POST" else None
        steps.append(
            Step(
                method,
                _inventory_params(case),
                expected,
                "inventory.json",
                f"inventory.json::{case['case']}",
                at,
            )
        )
    return [replace(steps[0], login_before=True), *steps[1:]]


def _inventory_params(case: dict[str, Any]) -> dict[str, str]:
    operation = case["case"].split()[0]
    return call("", operation=operation, sessionName=SESSION, **case["request"])


def _inventory_time(cases: list[Any]) -> int:
    return min(
        epoch(c["response"]["result"]["createdtime"])
        for c in cases
        if isinstance(c["response"].get("result"), dict)
        and "createdtime" in c["response"]["result"]
    )


def custom_fields_run() -> list[Step]:
    """custom-fields/records-and-queries.json, replayed on an emulator with the custom schema."""
    data = load("custom-fields/records-and-queries.json")
    records = data["records"]
    file = "custom-fields/"
    account, contact, lead = records["account"], records["contact"], records["lead"]
    steps = login_steps(epoch(account["create"]["result"]["createdtime"]))
    steps.append(
        create_step(
            "Accounts",
            _rebuilt(account["create"], "Accounts", drop=("cf_885",)),
            account["create"],
            case_id=f"{file}account:create",
            file=file,
        )
    )
    steps.append(
        create_step(
            "Contacts",
            contact["sent"],
            contact["create"],
            case_id=f"{file}contact:create",
            file=file,
        )
    )
    revised = account["revise"]["result"]
    element = {"id": revised["id"], "cf_885": revised["cf_885"]}
    params = call("POST", operation="revise", sessionName=SESSION, element=element)
    steps.append(
        Step(
            "POST",
            params,
            Expected.from_capture(account["revise"]),
            file,
            f"{file}account:revise",
            write_time(Expected.from_capture(account["revise"])),
        )
    )
    steps.append(
        create_step(
            "Leads",
            _rebuilt(lead["create"], "Leads"),
            lead["create"],
            case_id=f"{file}lead:create",
            file=file,
        )
    )
    for index, case in enumerate(data["queries"]):
        params = call("GET", operation="query", sessionName=SESSION, query=case["query"])
        steps.append(
            Step(
                "GET", params, Expected.from_capture(case["response"]), file, f"{file}query:{index}"
            )
        )
    contact_id = contact["create"]["result"]["id"]
    params = call("GET", operation="retrieve", sessionName=SESSION, id=contact_id)
    steps.append(
        Step(
            "GET",
            params,
            Expected.from_capture(data["retrieve_contact"]),
            file,
            f"{file}contact:retrieve",
        )
    )
    return steps


def _rebuilt(create: Any, module: str, drop: tuple[str, ...] = ()) -> dict[str, Any]:
    """A create element rebuilt from its result, with the custom-field describe."""
    describe = load(f"custom-fields/describe/{module}.json")["result"]
    values = editable_values(create["result"], describe)
    return {k: v for k, v in values.items() if k not in drop}
