"""The permission scenario run against the real Vtiger 8.0 (captures) and the emulator (replay).

Users (made on the real server by `captures/permissions/setup_real.php`): alice and bob are
Sales Persons (role H5, Sales Profile), carol is their Sales Manager (H4); alice is in the
group Team Selling (20x2). Contacts are private, Accounts public read-only, Potentials public
read/create/edit, Leads public read/create/edit/delete (as installed); the Sales Profile
hides Contacts' `mobile`.

Each step is (name, user, operation, params). `{name}` in a parameter is the id created by the
earlier step `name`, so the same steps run on any server. `view` reduces a response to what
the permission rules decide (who sees which record, which fields, which error).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["SETUP_USERS", "STEPS", "fill", "view"]

#: user name -> (access key, user id on the real server, role, is_admin)
SETUP_USERS: Mapping[str, tuple[str, int, str, bool]] = {
    "admin": ("RealKey0123456789", 1, "H2", True),
    "alice": ("AliceKey01234567", 5, "H5", False),
    "bob": ("BobKey0123456789", 6, "H5", False),
    "carol": ("CarolKey01234567", 7, "H4", False),
}


def _contact(name: str, owner: str, mobile: str = "") -> dict[str, str]:
    element = {"lastname": name, "assigned_user_id": owner}
    if mobile:
        element["mobile"] = mobile
    return {"elementType": "Contacts", "element": json.dumps(element)}


STEPS: list[tuple[str, str, str, dict[str, str]]] = [
    # records made by the admin
    ("bob_contact", "admin", "create", _contact("Bob Private", "19x6", "111")),
    ("alice_contact", "admin", "create", _contact("Alice Own", "19x5", "555")),
    ("team_contact", "admin", "create", _contact("Team Shared", "20x2")),
    ("mkt_contact", "admin", "create", _contact("Marketing Only", "20x3")),
    ("carol_contact", "admin", "create", _contact("Carol Boss", "19x7")),
    ("bob_account", "admin", "create", {"elementType": "Accounts", "element": json.dumps(
        {"accountname": "Bob Corp", "assigned_user_id": "19x6"})}),
    ("bob_lead", "admin", "create", {"elementType": "Leads", "element": json.dumps(
        {"lastname": "Bob Lead", "company": "Lead Co", "assigned_user_id": "19x6"})}),
    ("bob_deal", "admin", "create", {"elementType": "Potentials", "element": json.dumps(
        {"potentialname": "Bob Deal", "closingdate": "2027-01-31", "sales_stage": "Prospecting",
         "assigned_user_id": "19x6"})}),
    # private module: owner, group member, superior role see it; peers and subordinates do not
    ("alice_sees_bob", "alice", "retrieve", {"id": "{bob_contact}"}),
    ("alice_sees_own", "alice", "retrieve", {"id": "{alice_contact}"}),
    ("alice_sees_team", "alice", "retrieve", {"id": "{team_contact}"}),
    ("alice_sees_mkt", "alice", "retrieve", {"id": "{mkt_contact}"}),
    ("alice_sees_carol", "alice", "retrieve", {"id": "{carol_contact}"}),
    ("carol_sees_alice", "carol", "retrieve", {"id": "{alice_contact}"}),
    ("carol_sees_bob", "carol", "retrieve", {"id": "{bob_contact}"}),
    ("carol_sees_team", "carol", "retrieve", {"id": "{team_contact}"}),
    ("alice_query", "alice", "query", {"query": "SELECT * FROM Contacts;"}),
    ("bob_query", "bob", "query", {"query": "SELECT lastname FROM Contacts;"}),
    ("carol_query", "carol", "query", {"query": "SELECT lastname FROM Contacts ORDER BY id;"}),
    ("alice_count", "alice", "query", {"query": "SELECT count(*) FROM Contacts;"}),
    ("admin_count", "admin", "query", {"query": "SELECT count(*) FROM Contacts;"}),
    ("alice_sync", "alice", "sync", {"modifiedTime": "1", "elementType": "Contacts"}),
    # the profile's hidden field
    ("alice_describe", "alice", "describe", {"elementType": "Contacts"}),
    ("admin_describe", "admin", "describe", {"elementType": "Contacts"}),
    ("alice_select_hidden", "alice", "query",
     {"query": "SELECT lastname, mobile FROM Contacts;"}),
    ("alice_where_hidden", "alice", "query",
     {"query": "SELECT lastname FROM Contacts WHERE mobile = '555';"}),
    ("alice_revise_hidden", "alice", "revise",
     {"element": json.dumps({"id": "{alice_contact}", "mobile": "999"})}),
    ("admin_sees_mobile", "admin", "retrieve", {"id": "{alice_contact}"}),
    # writes on a private record of a peer
    ("alice_revise_bob", "alice", "revise",
     {"element": json.dumps({"id": "{bob_contact}", "title": "x"})}),
    ("alice_delete_bob", "alice", "delete", {"id": "{bob_contact}"}),
    # public read-only module: read yes, write and delete no
    ("alice_reads_account", "alice", "retrieve", {"id": "{bob_account}"}),
    ("alice_query_accounts", "alice", "query", {"query": "SELECT accountname FROM Accounts;"}),
    ("alice_revise_account", "alice", "revise",
     {"element": json.dumps({"id": "{bob_account}", "website": "x.example"})}),
    ("alice_delete_account", "alice", "delete", {"id": "{bob_account}"}),
    # public read/write/delete module
    ("alice_reads_lead", "alice", "retrieve", {"id": "{bob_lead}"}),
    ("alice_revise_lead", "alice", "revise",
     {"element": json.dumps({"id": "{bob_lead}", "designation": "Boss"})}),
    ("alice_delete_lead", "alice", "delete", {"id": "{bob_lead}"}),
    # public read, create/edit module: edit yes, delete no
    ("alice_revise_deal", "alice", "revise",
     {"element": json.dumps({"id": "{bob_deal}", "probability": "50"})}),
    ("alice_delete_deal", "alice", "delete", {"id": "{bob_deal}"}),
    # a user's own new record, and assigning one to a peer
    ("alice_creates", "alice", "create", _contact("Alice New", "19x5", "777")),
    ("admin_sees_created_mobile", "admin", "retrieve", {"id": "{alice_creates}"}),
    ("alice_assigns_bob", "alice", "create", _contact("For Bob", "19x6")),
    ("alice_sync_again", "alice", "sync", {"modifiedTime": "1", "elementType": "Contacts"}),
    # the owner deletes; the record is gone for everyone
    ("bob_deletes_own", "bob", "delete", {"id": "{bob_contact}"}),
    ("bob_sync", "bob", "sync", {"modifiedTime": "1", "elementType": "Contacts"}),
    # related records: only the ones the user may read, hidden fields left out
    ("bob_at_account", "admin", "create", {"elementType": "Contacts", "element": json.dumps(
        {"lastname": "Bob At Corp", "account_id": "{bob_account}", "assigned_user_id": "19x6"})}),
    ("alice_at_account", "admin", "create", {"elementType": "Contacts", "element": json.dumps(
        {"lastname": "Alice At Corp", "account_id": "{bob_account}", "mobile": "1",
         "assigned_user_id": "19x5"})}),
    ("alice_related", "alice", "retrieve_related",
     {"id": "{bob_account}", "relatedType": "Contacts", "relatedLabel": "Contacts"}),
    ("admin_related", "admin", "retrieve_related",
     {"id": "{bob_account}", "relatedType": "Contacts", "relatedLabel": "Contacts"}),
    ("alice_query_related", "alice", "query_related",
     {"query": "SELECT lastname, mobile FROM Contacts", "id": "{bob_account}",
      "relatedLabel": "Contacts"}),
]  # fmt: skip


def fill(params: Mapping[str, str], ids: Mapping[str, str]) -> dict[str, str]:
    """The step's parameters with `{name}` replaced by the id that step created."""
    out = {}
    for key, value in params.items():
        for name, record_id in ids.items():
            value = value.replace("{" + name + "}", record_id)
        out[key] = value
    return out


def view(response: Mapping[str, Any], ids: Mapping[str, str]) -> Any:
    """What the permission rules decide in a response, with ids named by their step."""
    names = {record_id: name for name, record_id in ids.items()}
    if not response.get("success"):
        error = response.get("error") or {}
        return {"error": [error.get("code"), error.get("message")]}
    result = response["result"]
    if isinstance(result, list):
        return {"rows": [_row_view(row, names) for row in result]}
    if "fields" in result:
        # sorted: for non-admins 8.0 lists fields in DB column-name order (a GROUP BY)
        return {"fields": sorted(f["name"] for f in result["fields"])}
    if "updated" in result:
        return {
            "updated": sorted(names.get(r["id"], r["id"]) for r in result["updated"]),
            "deleted": sorted(names.get(i, i) for i in result["deleted"]),
            "keys": sorted({k for r in result["updated"] for k in r}),
        }
    if "id" in result:
        return {"record": names.get(result["id"], "?"), "keys": sorted(result), "mobile":
                result.get("mobile")}  # fmt: skip
    return {"result": result}


def _row_view(row: Mapping[str, Any], names: Mapping[str, str]) -> Any:
    if "id" not in row:
        return dict(row)
    return {"record": names.get(str(row["id"]), "?"), "keys": sorted(row)}
