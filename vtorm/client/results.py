"""Typed shapes of the webservice results whose layout is fixed.

Record data (create, retrieve, query rows, ...) stays `dict[str, Any]`: its keys depend
on the module and on the custom fields of each CRM, which is what the generated models
are for. Metadata has one layout everywhere, so it is typed here.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from typing_extensions import NotRequired, TypedDict

__all__ = [
    "ChallengeResult",
    "ConvertLeadResult",
    "DescribeResult",
    "FieldDescription",
    "ListTypesResult",
    "LoginInfo",
    "RelatedTypeInformation",
    "RelatedTypesResult",
    "SessionInfo",
    "SyncResult",
    "TypeInformation",
]


_Info = TypeVar("_Info")


class ChallengeResult(TypedDict):
    """`getchallenge`: a one-time token and its lifetime in server epoch seconds."""

    token: str
    serverTime: int
    expireTime: int


class LoginInfo(TypedDict, total=False):
    """`login` minus the session name, which the client keeps to itself.

    Vtiger 5.4 answers only `userId`, `version` and `vtigerVersion`; 8.x adds the rest.
    """

    userId: str
    version: str
    vtigerVersion: str
    username: str
    first_name: str
    last_name: str
    email: str
    time_zone: str
    hour_format: str
    date_format: str
    is_admin: str
    call_duration: str
    other_event_duration: str


class SessionInfo(TypedDict, total=False):
    """`extendsession` minus the session name."""

    userId: str
    version: str
    vtigerVersion: str


class TypeInformation(TypedDict):
    """One entry of `listtypes`' `information`."""

    isEntity: bool
    label: str
    singular: str


class _Listing(TypedDict, Generic[_Info]):
    """The layout `listtypes` and `relatedtypes` share: names, and an entry per name."""

    types: list[str]
    information: dict[str, _Info]


class ListTypesResult(_Listing[TypeInformation]):
    """`listtypes`: the type names the user may access, and a label for each."""


class FieldDescription(TypedDict, total=False):
    """One field of `describe` (§7.2): `type` holds `name` and, per type, more keys."""

    name: str
    label: str
    mandatory: bool
    type: dict[str, Any]
    isunique: bool
    nullable: bool
    editable: bool
    default: str
    sequence: str
    blocklabel: str
    displaytype: str
    quickcreate: bool
    headerfield: str | None
    summaryfield: str


class DescribeResult(TypedDict):
    """`describe`: a module's schema."""

    label: str
    name: str
    createable: bool
    updateable: bool
    deleteable: bool
    retrieveable: bool
    fields: list[FieldDescription]
    idPrefix: str
    isEntity: bool
    labelFields: str
    allowDuplicates: NotRequired[bool]


class SyncResult(TypedDict):
    """`sync`: records changed and ids deleted since a time; feed `lastModifiedTime` back."""

    updated: list[dict[str, Any]]
    deleted: list[str]
    more: bool
    lastModifiedTime: int


class RelatedTypeInformation(TypedDict):
    """One relation of `relatedtypes`, keyed by its label; `isEntity` is "1" or "0"."""

    name: str
    label: str
    isEntity: str


class RelatedTypesResult(_Listing[RelatedTypeInformation]):
    """`relatedtypes`: related modules (may repeat) and the relations by label."""


class ConvertLeadResult(TypedDict, total=False):
    """`convertlead`: the ids of the records created or reused, per module."""

    Accounts: str
    Contacts: str
    Potentials: str
