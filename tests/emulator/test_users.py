"""Users, roles, profiles, groups and sharing given to the emulator, and how they decide access.

The rules themselves are replayed from the real server in test_permissions_replay.py; these
tests cover the configuration API and combinations the capture does not (custom roles and
groups, a second admin, profiles shared by several roles).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vtorm.client import Client
from vtorm.client.wsgi import wsgi_session
from vtorm.emulator import Emulator, Group, Profile, Role, User
from vtorm.errors import AccessDenied

BASE_URL = "http://vtiger.test"


def login(emulator: Emulator, name: str) -> Client:
    session = wsgi_session(emulator.wsgi_app, BASE_URL)
    client = Client(BASE_URL, name, emulator.access_key_for(name), session=session, retries=0)
    client.login()
    return client


@pytest.fixture
def office() -> Iterator[Emulator]:
    """Custom roles below Sales Manager (ids 19x5 lead > 19x6 trainee), reps 19x7 and 19x8
    (in the custom group Night Shift), a second admin 19x9; Contacts private."""
    emulator = Emulator(
        roles=[
            Role("Regional Lead", parent="Sales Manager", profiles=("Support Profile",)),
            Role("Trainee", parent="Regional Lead", profiles=("Support Profile",)),
        ],
        profiles=[Profile("Support Profile", hidden={"Contacts": ("title",)})],
        users=[
            User("lead", role="Regional Lead"),
            User("trainee", role="Trainee"),
            User("rep", role="Sales Person"),
            User("night", role="Sales Person", groups=("Night Shift",)),
            User("root", is_admin=True, role="Sales Person"),
        ],
        groups=[Group("Night Shift", description="after hours")],
        sharing={"Contacts": "private"},
    )
    yield emulator
    emulator.close()


def _contact(admin: Client, name: str, owner: str) -> str:
    created = admin.create("Contacts", {"lastname": name, "assigned_user_id": owner,
                                        "title": "Dr"})  # fmt: skip
    return str(created["id"])


def _names(client: Client) -> list[str]:
    return sorted(r["lastname"] for r in client.query("SELECT lastname FROM Contacts;"))


def test_users_log_in_with_their_keys_as_non_admins(office: Emulator) -> None:
    rep = login(office, "rep")
    assert rep.user_id == "19x7"
    stored = login(office, "admin").retrieve("19x7")
    assert (stored["user_name"], stored["is_admin"], stored["last_name"]) == ("rep", "off", "Rep")
    roles = office.backend.access
    assert [roles.members[i].role for i in (5, 6, 7)] == ["H6", "H7", "H5"]


def test_a_custom_role_sees_what_the_roles_below_own(office: Emulator) -> None:
    admin = login(office, "admin")
    _contact(admin, "Trainees", "19x6")
    _contact(admin, "Leads", "19x5")
    _contact(admin, "Reps", "19x7")
    _contact(admin, "Boss", "19x1")
    assert _names(login(office, "lead")) == ["Leads", "Trainees"]
    assert _names(login(office, "trainee")) == ["Trainees"]
    assert _names(login(office, "rep")) == ["Reps"]  # a sibling role sees neither
    assert _names(login(office, "root")) == ["Boss", "Leads", "Reps", "Trainees"]  # an admin


def test_a_custom_group_owns_records_its_members_see(office: Emulator) -> None:
    admin = login(office, "admin")
    group_id = next(i for i, g in office.backend.access.groups.items() if g.name == "Night Shift")
    record = _contact(admin, "Late", f"20x{group_id}")
    assert admin.retrieve(record)["assigned_user_id"] == f"20x{group_id}"
    assert login(office, "night").retrieve(record)["lastname"] == "Late"
    with pytest.raises(AccessDenied, match="read given object"):
        login(office, "rep").retrieve(record)


def test_a_profile_hides_fields_for_every_role_using_it(office: Emulator) -> None:
    admin = login(office, "admin")
    own = _contact(admin, "Mine", "19x5")
    lead = login(office, "lead")
    assert "title" not in lead.retrieve(own)
    assert "title" not in {f["name"] for f in lead.describe("Contacts")["fields"]}
    assert "title" not in login(office, "trainee").retrieve(_contact(admin, "T", "19x6"))
    assert login(office, "rep").retrieve(_contact(admin, "R", "19x7"))["title"] == "Dr"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"users": [User("x", role="Janitor")]}, "unknown role 'Janitor'"),
        ({"roles": [Role("A", parent="Nobody")]}, "unknown parent role 'Nobody'"),
        ({"roles": [Role("A", profiles=("Ghost",))]}, "unknown profile 'Ghost'"),
        ({"profiles": [Profile("P", hidden={"Contacts": ("nope",)})]}, "no field 'nope'"),
        ({"profiles": [Profile("P", hidden={"Nope": ("x",)})]}, "unknown module 'Nope'"),
        ({"sharing": {"Contacts": "secret"}}, "'secret' is not one of"),
        ({"sharing": {"Widgets": "private"}}, "unknown module 'Widgets'"),
        ({"users": [User("admin")]}, "exists already"),
        ({"users": [User("x", groups=("Ghosts",))]}, "unknown group 'Ghosts'"),
    ],
)
def test_bad_directory_settings_are_named(options: dict[str, object], message: str) -> None:
    emulator = Emulator(**options)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        emulator.backend  # noqa: B018 - built on first use


def test_access_key_for_an_unknown_user_lists_the_known_ones() -> None:
    emulator = Emulator(users=[User("alice", access_key="K1")])
    assert emulator.access_key_for("alice") == "K1"
    with pytest.raises(KeyError, match="admin, alice"):
        emulator.access_key_for("mallory")
