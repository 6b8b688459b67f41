"""vtorm: a typed ORM for the Vtiger CRM webservice.

import vtorm
from generated import Contact

with vtorm.connect():                       # VTIGER_URL, VTIGER_USERNAME, VTIGER_ACCESS_KEY
    for contact in Contact.objects.filter(lastname__startswith="Sm")[:250]:
        print(contact.firstname, contact.lastname)
"""

from vtorm._version import __version__
from vtorm.client import Client
from vtorm.connection import connect, get_default_client, set_default_client
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
from vtorm.fields import VtigerField
from vtorm.ids import RecordId
from vtorm.inventory import InventoryModel
from vtorm.manager import Manager
from vtorm.model import Model
from vtorm.q import Q
from vtorm.query import QuerySet
from vtorm.related import RelatedRecords

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
