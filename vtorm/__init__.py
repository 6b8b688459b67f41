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
    BulkError,
    ConfigurationError,
    ConflictError,
    DatabaseError,
    DataLossError,
    DataLossPolicy,
    DataLossWarning,
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
    ValueAlteredError,
    VtigerError,
)

if TYPE_CHECKING:
    from vtorm.client import Client
    from vtorm.client.connection import connect, get_default_client, set_default_client
    from vtorm.ids import RecordId
    from vtorm.model.base import Model
    from vtorm.model.changes import Checkpoint
    from vtorm.model.convert import ConvertedLead
    from vtorm.model.fields import VtigerField
    from vtorm.model.inventory import InventoryModel
    from vtorm.model.reverse import RelatedRecords
    from vtorm.query.aggregates import Avg, Count, Max, Min, Sum
    from vtorm.query.bulk import BulkOutcome
    from vtorm.query.manager import Manager
    from vtorm.query.q import Q
    from vtorm.query.queryset import QuerySet, RowView
    from vtorm.query.resolve import resolve_unknown

# The runtime names load on first use: `import vtorm.emulator` (which runs this file first)
# then costs no requests or pydantic import, and the embedded server starts in milliseconds.
_LAZY = {
    "Client": "vtorm.client",
    "connect": "vtorm.client.connection",
    "get_default_client": "vtorm.client.connection",
    "set_default_client": "vtorm.client.connection",
    "VtigerField": "vtorm.model.fields",
    "RecordId": "vtorm.ids",
    "InventoryModel": "vtorm.model.inventory",
    "Manager": "vtorm.query.manager",
    "Model": "vtorm.model.base",
    "Q": "vtorm.query.q",
    "QuerySet": "vtorm.query.queryset",
    "RelatedRecords": "vtorm.model.reverse",
    "Avg": "vtorm.query.aggregates",
    "Count": "vtorm.query.aggregates",
    "Max": "vtorm.query.aggregates",
    "Min": "vtorm.query.aggregates",
    "Sum": "vtorm.query.aggregates",
    "BulkOutcome": "vtorm.query.bulk",
    "resolve_unknown": "vtorm.query.resolve",
    "RowView": "vtorm.query.queryset",
    "Checkpoint": "vtorm.model.changes",
    "ConvertedLead": "vtorm.model.convert",
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
    "Avg",
    "BulkError",
    "BulkOutcome",
    "Checkpoint",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "ConvertedLead",
    "Count",
    "DataLossError",
    "DataLossPolicy",
    "DataLossWarning",
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
    "Max",
    "Min",
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
    "RowView",
    "ServerError",
    "Sum",
    "TransportError",
    "UnknownEntity",
    "UnsupportedQuery",
    "UsageError",
    "ValueAlteredError",
    "VtigerError",
    "VtigerField",
    "__version__",
    "connect",
    "get_default_client",
    "resolve_unknown",
    "set_default_client",
]
