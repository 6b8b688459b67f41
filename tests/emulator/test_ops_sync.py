"""sync: the intended GetUpdates.php algorithm, with the real server's failures kept."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.emulator.clocked import START, Api, Clock, api_fixture  # noqa: F401 (`api` fixture)
from tests.emulator.conftest import error_of
from tests.properties import examples
from vtorm.emulator import Emulator
from vtorm.emulator.sync import sync_changes


def _result(api: Api, since: int | str, module: str = "Accounts") -> dict[str, object]:
    response = api.sync(str(since), module)
    assert response.status_code == 200, response.text
    return dict(api.ok(response.json()))


def _ids(rows: object) -> list[str]:
    assert isinstance(rows, list)
    return [str(row["id"]) for row in rows]


@pytest.mark.parametrize(
    ("modified_time", "element_type"),
    [("0", "Accounts"), ("", "Accounts"), ("yesterday", "Accounts"),
     ("2026-11-28 01:52:04", "Accounts"), ("1", None), ("1", "")],
)  # fmt: skip
def test_the_real_servers_fatal_cases_are_http_500_with_an_empty_body(
    api: Api, modified_time: str, element_type: str | None
) -> None:
    response = api.sync(modified_time, element_type)
    assert (response.status_code, response.text) == (500, "")


def test_sync_sent_as_post_loses_its_parameters_and_dies(api: Api) -> None:
    response = api.post(
        operation="sync", sessionName=api.session_name, modifiedTime="1", elementType="Accounts"
    )
    assert (response.status_code, response.text) == (500, "")


@pytest.mark.parametrize("element_type", ["NoSuchModule", "accounts", "Groups", "Currency"])
def test_unknown_or_non_entity_types_are_access_denied(api: Api, element_type: str) -> None:
    envelope = api.sync("1", element_type).json()
    assert error_of(envelope) == ("ACCESS_DENIED", "Permission to perform the operation is denied")


def test_nothing_changed_echoes_the_input_time(api: Api) -> None:
    api.new("Accounts", accountname="Old")
    future = START + 86400
    assert _result(api, future) == {
        "updated": [], "deleted": [], "more": False, "lastModifiedTime": future,
    }  # fmt: skip


def test_updates_and_deletes_after_a_checkpoint(api: Api) -> None:
    keep = api.new("Accounts", accountname="Keep")
    change = api.new("Accounts", accountname="Change")
    gone = api.new("Accounts", accountname="Gone")
    checkpoint = START + 2
    api.clock.now = START + 4
    api.ok(api.revise(id=change, phone="+1 555"))
    api.ok(api.op_post("delete", id=gone))
    result = _result(api, checkpoint)
    assert _ids(result["updated"]) == [change]
    assert result["updated"][0]["phone"] == "+1 555"  # type: ignore[index]
    assert "label" not in result["updated"][0]  # type: ignore[index]
    assert result["deleted"] == [gone]
    assert (result["more"], result["lastModifiedTime"]) == (False, START + 4)
    everything = _result(api, 1)
    assert _ids(everything["updated"]) == [keep, change]  # crmid order, not modifiedtime order
    assert everything["deleted"] == [gone]


def test_pages_hold_100_records_and_say_there_is_more(api: Api) -> None:
    ids = []
    for index in range(130):
        api.clock.now = START + index
        ids.append(api.new("Leads", lastname=f"Lead {index}"))
    first = _result(api, 1, "Leads")
    assert _ids(first["updated"]) == ids[:100]
    assert (first["more"], first["lastModifiedTime"]) == (True, START + 99)
    second = _result(api, first["lastModifiedTime"], "Leads")  # type: ignore[arg-type]
    assert _ids(second["updated"]) == ids[100:]
    assert (second["more"], second["lastModifiedTime"]) == (False, START + 129)


def test_records_changed_in_the_same_second_stay_on_one_page(api: Api) -> None:
    for index in range(90):
        api.new("Leads", lastname=f"Early {index}")
    api.clock.now = START + 1
    for index in range(30):
        api.new("Leads", lastname=f"Tied {index}")
    page = _result(api, 1, "Leads")
    assert len(page["updated"]) == 120  # type: ignore[arg-type]
    assert (page["more"], page["lastModifiedTime"]) == (False, START + 1)


def test_only_the_callers_own_records_are_synced(api: Api) -> None:
    mine = api.new("Accounts", accountname="Mine")
    api.new("Accounts", accountname="The group's", assigned_user_id="20x3")
    assert _ids(_result(api, 1)["updated"]) == [mine]


def test_a_converted_lead_is_reported_as_deleted(api: Api) -> None:
    lead = api.new("Leads", lastname="Wayne", company="Wayne Enterprises")
    api.clock.now = START + 10
    account = {"create": True, "name": "Accounts", "accountname": "Wayne Enterprises"}
    element = {"leadId": lead, "entities": {"Accounts": account}}
    api.ok(api.op_post("convertlead", element=json.dumps(element)))
    result = _result(api, START + 5, "Leads")
    assert (result["updated"], result["deleted"]) == ([], [lead])


@settings(max_examples=examples(25), deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["create", "revise", "delete"]), st.integers(0, 3)),
        min_size=1,
        max_size=60,
    ),
    st.integers(0, 250),
)
def test_following_the_pages_sees_every_record_once_in_its_final_state(
    history: list[tuple[str, int]], bulk: int
) -> None:
    """`bulk` creates (two per second), then random creates, revisions and deletes."""
    history = [("create", number % 2) for number in range(bulk)] + history
    clock = Clock()
    emulator = Emulator(access_key="k", clock=clock)
    backend = emulator.backend
    live: dict[str, str] = {}
    deleted: set[str] = set()
    with backend.store.transaction():
        for number, (action, tick) in enumerate(history):
            clock.now += tick
            if action == "create" or not live:
                element = {"lastname": f"L{number}", "assigned_user_id": "19x1"}
                live[backend.records.create("Leads", element, 1)["id"]] = f"L{number}"
            elif action == "revise":
                target = sorted(live)[number % len(live)]
                live[target] = f"R{number}"
                backend.records.revise({"id": target, "lastname": f"R{number}"}, 1)
            else:
                target = sorted(live)[number % len(live)]
                backend.records.delete(target, 1)
                del live[target]
                deleted.add(target)
        seen: dict[str, str] = {}
        gone: list[str] = []
        checkpoint, more, pages = 1, True, 0
        while more:
            page = sync_changes(backend, str(checkpoint), "Leads", 1)
            assert page["lastModifiedTime"] > checkpoint
            assert len(page["updated"]) + len(page["deleted"]) > 0
            for row in page["updated"]:
                assert row["id"] not in seen
                seen[row["id"]] = row["lastname"]
            gone += page["deleted"]
            checkpoint, more, pages = page["lastModifiedTime"], page["more"], pages + 1
    emulator.close()
    assert seen == live
    assert sorted(gone) == sorted(deleted)


def test_users_are_ignored_with_the_early_return_shape(api: Api) -> None:
    response = api.sync("12", "Users")
    assert response.text == (
        '{"success":true,"result":{"updated":[],"deleted":[],"lastModifiedTime":"12","more":false}}'
    )
