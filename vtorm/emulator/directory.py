"""Adding users, roles, profiles, groups and sharing to a backend (`Emulator(users=...)`).

Users become rows of the Users table (so login and retrieve see them) and members of the
backend's `Access`; groups become rows of the Groups table. Ids continue after the admin (1)
and the stock groups (2-4), as on a real install.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from vtorm.emulator.backend import Backend, new_access_key
from vtorm.emulator.permissions import FIRST_USER_ID, Access
from vtorm.emulator.schema import Schema
from vtorm.emulator.users import Group, Profile, Role, Sharing, User

__all__ = ["install_directory"]


def install_directory(
    backend: Backend,
    users: Iterable[User] = (),
    roles: Iterable[Role] = (),
    profiles: Iterable[Profile] = (),
    groups: Iterable[Group] = (),
    sharing: Mapping[str, Sharing] | None = None,
) -> dict[str, str]:
    """Add roles, profiles, users and groups to a backend; returns each user's access key."""
    access = backend.access
    for profile in profiles:
        _check_profile(backend.schema, profile)
        access.profiles[profile.name] = profile
    for role in roles:
        access.add_role(role)
    access.set_sharing(sharing or {})
    keys: dict[str, str] = {}
    store = backend.store
    with store.transaction():
        next_id = max([FIRST_USER_ID - 1, *access.members, *access.groups]) + 1
        for user in users:
            if backend.user_by_name(user.name) is not None:
                raise ValueError(f"user {user.name!r} exists already")
            key = user.access_key or new_access_key()
            access.add_member(next_id, user.name, user.role, user.is_admin)
            role_id = access.members[next_id].role
            store.insert_row("Users", next_id, backend.user_row(user, key, role_id))
            keys[user.name] = key
            next_id += 1
        for group in groups:
            group_id = _group_id(access, group, next_id)
            next_id = max(next_id, group_id + 1)
            access.groups[group_id] = dataclasses.replace(group, id=group_id)
            row = {"groupname": group.name, "description": group.description}
            if store.fetch_row("Groups", group_id) is None:
                store.insert_row("Groups", group_id, row)
            else:
                store.update_row("Groups", group_id, row)
        for user in users:
            for name in user.groups:
                _join(access, name, user.name)
    return keys


def _check_profile(schema: Schema, profile: Profile) -> None:
    for module, names in profile.hidden.items():
        if module not in schema:
            raise ValueError(f"profile {profile.name!r}: unknown module {module!r}")
        for name in names:
            if schema[module].field(name) is None:
                raise ValueError(f"profile {profile.name!r}: {module} has no field {name!r}")


def _group_id(access: Access, group: Group, next_id: int) -> int:
    """A stock group's id when the name is a stock one, the given id, or the next free id."""
    same = [i for i, g in access.groups.items() if g.name == group.name]
    return same[0] if same else (group.id or next_id)


def _join(access: Access, group_name: str, user_name: str) -> None:
    for group_id, group in access.groups.items():
        if group.name == group_name:
            access.groups[group_id] = dataclasses.replace(group, users=(*group.users, user_name))
            return
    raise ValueError(f"user {user_name!r}: unknown group {group_name!r}")
