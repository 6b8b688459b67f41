"""Who may see and change what: Vtiger 8.0's record and field permissions for non-admin users.

The rules, each checked against a real 8.0 server (tests/emulator/captures/permissions/):

- Admins pass every check and see every field.
- A module's organisation default sharing decides what everyone may do with other people's
  records: read ("public_read"), read and edit ("public_read_write"), read, edit and delete
  ("public"), or nothing ("private").
- Whatever the sharing, a user may read, edit and delete records owned by themselves, by a
  user whose role is below theirs in the hierarchy, or by a group they belong to (directly,
  through their role, or through a role-and-subordinates membership).
- A refused retrieve, update, revise or delete is ACCESS_DENIED "Permission to read given
  object is denied"; query rows (also through retrieve_related and query_related) and sync's
  updated records are only the readable ones.
- A field hidden by the user's profile is absent from describe, from every record and query
  row, refused in a query's select list and WHERE like an unknown field, and ignored by
  update and revise (create stores it: 8.0 does not filter a new record's values).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from vtorm.emulator.errors import WebserviceError
from vtorm.emulator.schema import ModuleSchema, Schema
from vtorm.emulator.users import (
    SHARING_LEVELS,
    STOCK_GROUPS,
    STOCK_PROFILES,
    STOCK_ROLES,
    STOCK_SHARING,
    Group,
    Profile,
    Role,
    Sharing,
)
from vtorm.wire import ErrorCode

if TYPE_CHECKING:
    from vtorm.emulator.records import Records

__all__ = ["FIRST_USER_ID", "Access", "Action"]

Action = Literal["read", "edit", "delete"]
#: The sharing levels under which anyone may perform the action on others' records.
_PUBLIC_FOR: Mapping[Action, frozenset[Sharing]] = {
    "read": frozenset({"public_read", "public_read_write", "public"}),
    "edit": frozenset({"public_read_write", "public"}),
    "delete": frozenset({"public"}),
}
READ_DENIED = "Permission to read given object is denied"
#: Ids of users created by `install_directory` start here (1 is the admin, 2-4 the groups).
FIRST_USER_ID = 5


@dataclass(frozen=True)
class _Member:
    """A user as the permission checks see them."""

    id: int
    name: str
    role: str
    is_admin: bool


class Access:
    """The roles, profiles, groups, sharing and users of one emulated server."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.roles: dict[str, Role] = {}
        self.profiles: dict[str, Profile] = {p.name: p for p in STOCK_PROFILES}
        self.groups: dict[int, Group] = {}
        self.sharing: dict[str, Sharing] = dict(STOCK_SHARING)
        self.members: dict[int, _Member] = {}
        self._views: dict[int, Schema] = {}
        for role in STOCK_ROLES:
            self.add_role(role)
        for group in STOCK_GROUPS:
            self.groups[group.id] = group

    # -- configuration ------------------------------------------------------------------

    def add_role(self, role: Role) -> Role:
        """Add (or replace, by name) a role; a role without id gets the next `H<n>`."""
        old = self.role(role.name)
        role_id = role.id or (old.id if old else f"H{len(self.roles) + 1}")
        if role.parent and self.role(role.parent) is None:
            raise ValueError(f"role {role.name!r}: unknown parent role {role.parent!r}")
        for name in role.profiles:
            if name not in self.profiles:
                raise ValueError(f"role {role.name!r}: unknown profile {name!r}")
        role = dataclasses.replace(role, id=role_id)
        self.roles[role_id] = role
        return role

    def role(self, name_or_id: str) -> Role | None:
        """A role by id ("H5") or exact name ("Sales Person")."""
        if name_or_id in self.roles:
            return self.roles[name_or_id]
        return next((r for r in self.roles.values() if r.name == name_or_id), None)

    def set_sharing(self, sharing: Mapping[str, Sharing]) -> None:
        """Set the default sharing of the named modules."""
        for module, level in sharing.items():
            if module not in self.schema:
                raise ValueError(f"sharing: unknown module {module!r}")
            if level not in SHARING_LEVELS:
                raise ValueError(
                    f"sharing of {module}: {level!r} is not one of {', '.join(SHARING_LEVELS)}"
                )
            self.sharing[module] = level
        self._views.clear()

    def add_member(self, user_id: int, name: str, role: str, is_admin: bool) -> None:
        found = self.role(role)
        if found is None:
            raise ValueError(f"user {name!r}: unknown role {role!r}")
        self.members[user_id] = _Member(user_id, name, found.id, is_admin)
        self._views.pop(user_id, None)

    # -- questions ----------------------------------------------------------------------

    def is_admin(self, user_id: int) -> bool:
        member = self.members.get(user_id)
        return member is None or member.is_admin

    def level(self, module: str) -> Sharing:
        """The module's organisation default sharing."""
        return self.sharing.get(module, "public")

    def role_path(self, role_id: str) -> tuple[str, ...]:
        """The role ids from the top of the hierarchy down to `role_id`."""
        path: list[str] = []
        role = self.roles.get(role_id)
        while role is not None and role.id not in path:
            path.insert(0, role.id)
            role = self.role(role.parent) if role.parent else None
        return tuple(path)

    def group_ids(self, user_id: int) -> frozenset[int]:
        """The groups the user belongs to, directly or through their role."""
        member = self.members.get(user_id)
        if member is None:
            return frozenset()
        path = self.role_path(member.role)
        found = set()
        for group_id, group in self.groups.items():
            roles = {r.id for name in group.roles if (r := self.role(name))}
            subtrees = {r.id for name in group.roles_and_subordinates if (r := self.role(name))}
            if member.name in group.users or member.role in roles or subtrees & set(path):
                found.add(group_id)
        return frozenset(found)

    def owners_seen(self, user_id: int) -> frozenset[int]:
        """Owners whose records the user may always use: self, users below, own groups."""
        member = self.members[user_id]
        path = self.role_path(member.role)
        below = {
            other.id
            for other in self.members.values()
            if len(p := self.role_path(other.role)) > len(path) and p[: len(path)] == path
        }
        return frozenset({user_id} | below | self.group_ids(user_id))

    def read_filter(self, user_id: int, module: str) -> frozenset[int] | None:
        """The owners of the records a query may return, or None for no restriction."""
        if self.is_admin(user_id) or self.level(module) in _PUBLIC_FOR["read"]:
            return None
        return self.owners_seen(user_id)

    def check(self, user_id: int, module: ModuleSchema, owner: str, action: Action) -> None:
        """Raise the server's ACCESS_DENIED unless the user may `action` a record of `owner`."""
        if self.is_admin(user_id) or "assigned_user_id" not in module.fields_by_name:
            return
        if self.level(module.name) in _PUBLIC_FOR[action]:
            return
        if owner.isdigit() and int(owner) in self.owners_seen(user_id):
            return
        raise WebserviceError(ErrorCode.ACCESS_DENIED, READ_DENIED)

    def guard(self, records: Records, user_id: int, id_text: str, action: Action) -> None:
        """The record-level check of retrieve/update/revise/delete, after the id checks."""
        if self.is_admin(user_id):
            return
        module, crmid = records.locate(id_text)
        stored = records.store.fetch_row(module.name, crmid) or {}
        self.check(user_id, module, str(stored.get("assigned_user_id", "")), action)

    def input(self, user_id: int, module: str, element: Any) -> Any:
        """An update/revise element without the fields the user may not see (ignored)."""
        hidden = self.hidden(user_id, module)
        if not hidden or not isinstance(element, dict):
            return element
        return {k: v for k, v in element.items() if k not in hidden}

    def hidden(self, user_id: int, module: str) -> frozenset[str]:
        """Fields of `module` the user's profiles hide (a field shown by any profile is kept)."""
        if self.is_admin(user_id):
            return frozenset()
        role = self.roles.get(self.members[user_id].role)
        profiles = [self.profiles[p] for p in (role.profiles if role else ())]
        if not profiles:
            return frozenset()
        sets = [frozenset(p.hidden.get(module, ())) for p in profiles]
        return frozenset.intersection(*sets)

    def schema_for(self, user_id: int) -> Schema:
        """The schema as the user sees it: hidden fields removed from describe and fields."""
        if self.is_admin(user_id):
            return self.schema
        view = self._views.get(user_id)
        if view is None:
            modules = {n: self._module_view(user_id, m) for n, m in self.schema.modules.items()}
            view = dataclasses.replace(self.schema, modules=modules)
            self._views[user_id] = view
        return view

    def _module_view(self, user_id: int, module: ModuleSchema) -> ModuleSchema:
        hidden = self.hidden(user_id, module.name)
        if not hidden:
            return module
        describe = dict(module.describe)
        describe["fields"] = [f for f in describe.get("fields", ()) if f["name"] not in hidden]
        fields = tuple(f for f in module.fields if f.name not in hidden)
        return dataclasses.replace(module, fields=fields, describe=describe)

    def strip(self, user_id: int, module: str, record: dict[str, Any]) -> dict[str, Any]:
        """A record without the fields the user may not see (the same dict when none)."""
        hidden = self.hidden(user_id, module)
        if not hidden:
            return record
        return {k: v for k, v in record.items() if k not in hidden}
