"""Wire-level facts of the Vtiger webservice protocol.

These constants are the only code that the client side (client, ORM, codegen) and the
embedded server may share: both sides must agree on the protocol, but neither may borrow
the other's logic, or a bug shared by both would go unnoticed by the tests.
"""

from __future__ import annotations

from typing import Final

WEBSERVICE_PATH: Final = "/webservice.php"

#: Most rows a single query answers; the LIMIT count is silently capped to this.
MAX_QUERY_ROWS: Final = 100

#: How multipicklist values are joined on the wire (space, pipe, hash, hash, pipe, space).
MULTIPICKLIST_SEPARATOR: Final = " |##| "
#: The element key that carries an inventory record's lines (Quotes, Invoice, ...).
LINE_ITEMS: Final = "LineItems"

DATE_FORMAT: Final = "%Y-%m-%d"
DATETIME_FORMAT: Final = "%Y-%m-%d %H:%M:%S"
TIME_FORMAT: Final = "%H:%M:%S"

#: Seconds a getchallenge token stays valid.
CHALLENGE_LIFETIME: Final = 300

# Operations, with the HTTP method the server reads their parameters from.
GET_OPERATIONS: Final = frozenset(
    {
        "getchallenge",
        "listtypes",
        "describe",
        "retrieve",
        "query",
        "sync",
        "relatedtypes",
        "retrieve_related",
        "query_related",
        "files_retrieve",
        "retrieve_inventory",
    }
)
POST_OPERATIONS: Final = frozenset(
    {
        "login",
        "logout",
        "extendsession",
        "create",
        "update",
        "revise",
        "delete",
        "convertlead",
        "add_related",
    }
)


class ErrorCode:
    """Error codes the server puts in `{"success": false, "error": {"code": ...}}`."""

    AUTHENTICATION_REQUIRED: Final = "AUTHENTICATION_REQUIRED"
    INVALID_SESSIONID: Final = "INVALID_SESSIONID"
    SESSION_EXPIRED: Final = "SESSION_EXPIRED"
    SESSION_LEFT_IDLE: Final = "SESSION_LEFT_IDLE"
    INVALID_AUTH_TOKEN: Final = "INVALID_AUTH_TOKEN"
    ACCESSKEY_UNDEFINED: Final = "ACCESSKEY_UNDEFINED"
    INVALID_USER_CREDENTIALS: Final = "INVALID_USER_CREDENTIALS"
    AUTHENTICATION_FAILURE: Final = "AUTHENTICATION_FAILURE"
    ACCESS_DENIED: Final = "ACCESS_DENIED"
    INVALID_ID_ATTRIBUTE: Final = "INVALID_ID_ATTRIBUTE"
    MANDATORY_FIELDS_MISSING: Final = "MANDATORY_FIELDS_MISSING"
    REFERENCE_INVALID: Final = "REFERENCE_INVALID"
    QUERY_SYNTAX_ERROR: Final = "QUERY_SYNTAX_ERROR"
    DATABASE_QUERY_ERROR: Final = "DATABASE_QUERY_ERROR"
    RECORD_NOT_FOUND: Final = "RECORD_NOT_FOUND"
    UNKNOWN_OPERATION: Final = "UNKNOWN_OPERATION"
    INTERNAL_SERVER_ERROR: Final = "INTERNAL_SERVER_ERROR"
    OPERATION_NOT_SUPPORTED: Final = "OPERATION_NOT_SUPPORTED"
    UNKOWN_ENTITY: Final = "UNKOWN_ENTITY"  # sic, as the server spells it
    LEAD_ALREADY_CONVERTED: Final = "LEAD_ALREADY_CONVERTED"
    #: The duplicate check answers with the integer 0, not a string.
    DUPLICATE: Final = 0
