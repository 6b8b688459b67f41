"""vtorm: a typed ORM for the Vtiger CRM webservice.

import vtorm
from generated import Contact

with vtorm.connect():                       # VTIGER_URL, VTIGER_USERNAME, VTIGER_ACCESS_KEY
    for contact in Contact.objects.filter(lastname__startswith="Sm")[:250]:
        print(contact.firstname, contact.lastname)
"""

import importlib
from typing import TYPE_CHECKING, Any

from vtorm._version import __version__
from vtorm.errors import (
    AccessDenied,
    APIError,
    AuthenticationFailed,
    ConfigurationError,
    DatabaseError,
    DuplicateRecord,
    FieldError,
    InvalidArgument,
    InvalidId,
    InvalidRecordId,
    InvalidSession,
    LeadAlreadyConverted,
    MandatoryFieldsMissing,
    MissingFieldsError,
    MultipleObjectsReturned,
    ObjectDoesNotExist,
    OperationNotSupported,
    OutcomeUnknown,
    QuerySyntaxError,
    ReadOnlyFieldError,
    RecordNotFound,
    ReferenceInvalid,
    ServerError,
    TransportError,
    UnknownEntity,
    UnsupportedQuery,
    UsageError,
    VtigerError,
)

if TYPE_CHECKING:
    from vtorm.client import Client
    from vtorm.connection import connect, get_default_client, set_default_client
    from vtorm.fields import VtigerField
    from vtorm.ids import RecordId
    from vtorm.inventory import InventoryModel
    from vtorm.manager import Manager
    from vtorm.model import Model
    from vtorm.q import Q
    from vtorm.query import QuerySet
    from vtorm.related import RelatedRecords

# The runtime names load on first use: `import vtorm.emulator` (which runs this file first)
# then costs no requests or pydantic import, and the embedded server starts in milliseconds.
_LAZY = {
    "Client": "vtorm.client",
    "connect": "vtorm.connection",
    "get_default_client": "vtorm.connection",
    "set_default_client": "vtorm.connection",
    "VtigerField": "vtorm.fields",
    "RecordId": "vtorm.ids",
    "InventoryModel": "vtorm.inventory",
    "Manager": "vtorm.manager",
    "Model": "vtorm.model",
    "Q": "vtorm.q",
    "QuerySet": "vtorm.query",
    "RelatedRecords": "vtorm.related",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vtorm' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "APIError",
    "AccessDenied",
    "AuthenticationFailed",
    "Client",
    "ConfigurationError",
    "DatabaseError",
    "DuplicateRecord",
    "FieldError",
    "InvalidArgument",
    "InvalidId",
    "InvalidRecordId",
    "InvalidSession",
    "InventoryModel",
    "LeadAlreadyConverted",
    "Manager",
    "MandatoryFieldsMissing",
    "MissingFieldsError",
    "Model",
    "MultipleObjectsReturned",
    "ObjectDoesNotExist",
    "OperationNotSupported",
    "OutcomeUnknown",
    "Q",
    "QuerySet",
    "QuerySyntaxError",
    "ReadOnlyFieldError",
    "RecordId",
    "RecordNotFound",
    "ReferenceInvalid",
    "RelatedRecords",
    "ServerError",
    "TransportError",
    "UnknownEntity",
    "UnsupportedQuery",
    "UsageError",
    "VtigerError",
    "VtigerField",
    "__version__",
    "connect",
    "get_default_client",
    "set_default_client",
]
