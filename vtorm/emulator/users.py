"""Users, roles, profiles, groups and default sharing of the embedded server, as in Vtiger 8.0.

These are the values tests hand to `Emulator(users=..., roles=..., profiles=..., groups=...,
sharing=...)` or to the pytest marker. A fresh Vtiger already has the stock ones, and so does
the emulator: the roles Organization > CEO > Vice President > Sales Manager > Sales Person
(ids H1..H5), the profiles Administrator, Sales Profile, Support Profile and Guest Profile,
the groups Team Selling, Marketing Group and Support Group with their stock members, and the
stock organisation-wide sharing (every module public except Calendar, Events and PBXManager)::

    Emulator(
        users=[User("alice", role="Sales Person"), User("bob")],
        profiles=[Profile("Sales Profile", hidden={"Contacts": ("mobile",)})],
        sharing={"Contacts": "private"},
    )

A profile named like a stock one replaces it; a role or group named like a stock one
replaces it too. Names are matched exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "SHARING_LEVELS",
    "STOCK_GROUPS",
    "STOCK_PROFILES",
    "STOCK_ROLES",
    "STOCK_SHARING",
    "Group",
    "Profile",
    "Role",
    "Sharing",
    "User",
]

#: Organisation default sharing of a module, as Settings > Sharing Access offers it
#: (vtiger_def_org_share.permission 0..3): "public_read" = Public: Read Only,
#: "public_read_write" = Public: Read, Create/Edit, "public" = Public: Read, Create/Edit,
#: Delete, "private" = Private.
Sharing = Literal["public_read", "public_read_write", "public", "private"]
SHARING_LEVELS: tuple[Sharing, ...] = ("public_read", "public_read_write", "public", "private")


@dataclass(frozen=True)
class User:
    """A CRM user who can log into the webservice with `access_key` (generated when None).

    `role` is a role name ("Sales Person") or id ("H5"); admins see everything whatever
    their role. `groups` names groups the user is a direct member of.
    """

    name: str
    access_key: str | None = None
    role: str = "Sales Person"
    is_admin: bool = False
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    groups: tuple[str, ...] = ()
    time_zone: str = "UTC"


@dataclass(frozen=True)
class Role:
    """A role in the hierarchy: users of a role see the records of users in roles below it."""

    name: str
    parent: str = "CEO"
    profiles: tuple[str, ...] = ("Sales Profile",)
    id: str = ""


@dataclass(frozen=True)
class Profile:
    """Field visibility of a profile: `hidden` maps a module to the fields its users lack."""

    name: str
    hidden: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """A group: direct `users`, every user of `roles`, and of `roles_and_subordinates` and below."""

    name: str
    users: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    roles_and_subordinates: tuple[str, ...] = ()
    description: str = ""
    id: int = 0


STOCK_ROLES: tuple[Role, ...] = (
    Role("Organization", parent="", profiles=(), id="H1"),
    Role("CEO", parent="Organization", profiles=("Administrator",), id="H2"),
    Role("Vice President", parent="CEO", profiles=("Sales Profile",), id="H3"),
    Role("Sales Manager", parent="Vice President", profiles=("Sales Profile",), id="H4"),
    Role("Sales Person", parent="Sales Manager", profiles=("Sales Profile",), id="H5"),
)
STOCK_PROFILES: tuple[Profile, ...] = (
    Profile("Administrator"),
    Profile("Sales Profile"),
    Profile("Support Profile"),
    Profile("Guest Profile"),
)
#: vtiger_groups with vtiger_group2role / group2rs / users2group of a fresh install.
STOCK_GROUPS: tuple[Group, ...] = (
    Group("Team Selling", roles=("Sales Manager",), roles_and_subordinates=("Sales Person",),
          description="Group Related to Sales", id=2),
    Group("Marketing Group", users=("admin",), roles=("CEO",),
          roles_and_subordinates=("Vice President",),
          description="Group Related to Marketing Activities", id=3),
    Group("Support Group", roles=("Vice President",), roles_and_subordinates=("Vice President",),
          description="Group Related to providing Support to Customers", id=4),
)  # fmt: skip
#: vtiger_def_org_share of a fresh 8.0 install: these are private, every other module public.
STOCK_SHARING: Mapping[str, Sharing] = {
    "Calendar": "private",
    "Events": "private",
    "PBXManager": "private",
}
