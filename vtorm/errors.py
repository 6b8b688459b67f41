"""Every error vtorm raises, rooted in one class.

    VtigerError                      operation, code, message, http_status
    ├── TransportError               the request did not get a usable answer (network, TLS, timeout)
    ├── OutcomeUnknown               a write may or may not have happened; check before repeating it
    ├── APIError                     the server answered {"success": false, "error": {...}}
    │   ├── AuthenticationFailed     INVALID_USER_CREDENTIALS, INVALID_AUTH_TOKEN,
    │   │                            ACCESSKEY_UNDEFINED, AUTHENTICATION_FAILURE
    │   ├── InvalidSession           INVALID_SESSIONID, SESSION_EXPIRED, SESSION_LEFT_IDLE,
    │   │                            AUTHENTICATION_REQUIRED
    │   ├── AccessDenied             ACCESS_DENIED (also what missing records look like)
    │   ├── MandatoryFieldsMissing   MANDATORY_FIELDS_MISSING
    │   ├── QuerySyntaxError         QUERY_SYNTAX_ERROR
    │   ├── DuplicateRecord          integer code 0, "Duplicate(s) detected!"
    │   ├── ReferenceInvalid         REFERENCE_INVALID
    │   ├── InvalidId                INVALID_ID_ATTRIBUTE
    │   ├── DatabaseError            DATABASE_QUERY_ERROR
    │   ├── RecordNotFound           RECORD_NOT_FOUND
    │   ├── OperationNotSupported    OPERATION_NOT_SUPPORTED, UNKNOWN_OPERATION
    │   ├── UnknownEntity            UNKOWN_ENTITY (sic)
    │   ├── LeadAlreadyConverted     LEAD_ALREADY_CONVERTED
    │   └── ServerError              INTERNAL_SERVER_ERROR, and HTTP 500 / empty / non-JSON bodies
    ├── UsageError                   raised by vtorm itself, before any request is sent
    │   ├── ConfigurationError       missing or invalid settings (environment variables, URL)
    │   ├── InvalidArgument          a bad value passed to a vtorm function (also a ValueError)
    │   │   └── InvalidRecordId      not a "<prefix>x<number>" record id
    │   ├── FieldError               an unknown field name (also an AttributeError)
    │   ├── ReadOnlyFieldError       assignment to a field the server computes
    │   ├── MissingFieldsError       a create without the mandatory fields
    │   └── UnsupportedQuery         a query VTQL cannot express
    ├── DataLossError                the server would store a value other than the one given
    │   │                            (also a ValueError); raised before anything is sent
    │   └── ValueAlteredError        the server stored a value other than the one sent;
    │                                `.record` is the saved instance, `.changes` what changed
    ├── ConflictError                save(detect_conflicts=True): the record changed on the
    │                                server since it was loaded; nothing was saved
    ├── ObjectDoesNotExist           QuerySet.get() found nothing (also a LookupError)
    ├── MultipleObjectsReturned      QuerySet.get() found more than one (also a LookupError)
    └── BulkError                    some writes of a bulk call failed; `.results` has each outcome

An error code without its own class maps to APIError with the code kept, so nothing the
server says is lost. Messages never contain access keys or session names.

`DataLossWarning` (a `UserWarning`) carries the same messages as `DataLossError` when the
policy is `data_loss="warn"`. One exception is not in the tree: a model constructor or an
assignment given a value of the wrong type raises pydantic's `ValidationError` (a
`ValueError`), as every pydantic model does; see docs/errors.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

from vtorm.wire import ErrorCode

__all__ = [
    "DATA_LOSS_POLICIES",
    "APIError",
    "AccessDenied",
    "AuthenticationFailed",
    "BulkError",
    "ConfigurationError",
    "ConflictError",
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
    "LeadAlreadyConverted",
    "MandatoryFieldsMissing",
    "MissingFieldsError",
    "MultipleObjectsReturned",
    "ObjectDoesNotExist",
    "OperationNotSupported",
    "OutcomeUnknown",
    "QuerySyntaxError",
    "ReadOnlyFieldError",
    "RecordNotFound",
    "ReferenceInvalid",
    "ServerError",
    "TransportError",
    "UnknownEntity",
    "UnsupportedQuery",
    "UsageError",
    "ValueAlteredError",
    "VtigerError",
    "error_from_envelope",
]


class VtigerError(Exception):
    """Root of every vtorm error.

    `operation` is the webservice operation that failed (None for errors raised before a
    request), `code` the server's error code (a string, or the integer 0 for duplicates),
    `http_status` the HTTP status of the answer when there was one.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: str | None = None,
        code: str | int | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation
        self.code = code
        self.http_status = http_status

    def __str__(self) -> str:
        parts = [self.message]
        details = []
        if self.code is not None:
            details.append(f"code={self.code!r}")
        if self.operation is not None:
            details.append(f"operation={self.operation}")
        if self.http_status is not None:
            details.append(f"http_status={self.http_status}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.message, self.__dict__))


def _rebuild(cls: type[VtigerError], message: str, state: dict[str, Any]) -> VtigerError:
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    error.__dict__.update(state)
    return error


class TransportError(VtigerError):
    """The request got no usable answer: connection refused or dropped, TLS failure, timeout."""


class OutcomeUnknown(VtigerError):
    """A non-repeatable write (create, delete, add_related, convert_lead) may have happened.

    The server may have stored the record before the connection dropped or the 500 came
    back (real Vtiger 8.0 does this for some inventory records). Look the record up before
    sending the write again.
    """


class APIError(VtigerError):
    """The server answered with `success: false`; `code` and `message` are the server's."""


class AuthenticationFailed(APIError):
    """Login was refused: wrong user name or access key, or an expired challenge token."""


class InvalidSession(APIError):
    """The session is unknown, expired or missing; the client logs in again once by itself."""


class AccessDenied(APIError):
    """ACCESS_DENIED: no permission, an unknown module or field, or a record that does not exist."""


class MandatoryFieldsMissing(APIError):
    """The server refused a write because a mandatory field had no value."""


class QuerySyntaxError(APIError):
    """The server could not parse the VTQL statement."""


class DuplicateRecord(APIError):
    """A field that must be unique (e.g. an organisation's name) already has this value."""


class ReferenceInvalid(APIError):
    """A reference field points at a module it may not refer to."""


class InvalidId(APIError):
    """INVALID_ID_ATTRIBUTE: the id is malformed or belongs to another module."""


class DatabaseError(APIError):
    """DATABASE_QUERY_ERROR: the server's SQL failed."""


class RecordNotFound(APIError):
    """RECORD_NOT_FOUND (rare: missing records usually come back as AccessDenied)."""


class OperationNotSupported(APIError):
    """The operation is unknown or not supported for this module."""


class UnknownEntity(APIError):
    """UNKOWN_ENTITY (sic): for example a relation label that does not exist."""


class LeadAlreadyConverted(APIError):
    """convertlead on a lead that has already been converted."""


class ServerError(APIError):
    """The server failed: INTERNAL_SERVER_ERROR, HTTP 5xx, or a body that is empty or not JSON."""


class UsageError(VtigerError):
    """Raised by vtorm before any request, because the call itself cannot be right."""


class ConfigurationError(UsageError):
    """A setting is missing or invalid (for example an unset VTIGER_URL)."""


class InvalidArgument(UsageError, ValueError):
    """An argument has a value vtorm cannot send."""


class InvalidRecordId(InvalidArgument):
    """A value that should be a record id is not of the form `<prefix>x<number>`."""


class FieldError(UsageError, AttributeError):
    """A field name that the model does not have; the message lists the closest names."""


class ReadOnlyFieldError(UsageError, AttributeError):
    """Assignment to a field that only the server sets (record numbers, timestamps, ...)."""


class MissingFieldsError(UsageError, ValueError):
    """A record cannot be created without these mandatory fields."""

    def __init__(self, message: str, *, fields: Sequence[str]) -> None:
        super().__init__(message)
        self.fields = tuple(fields)


class UnsupportedQuery(UsageError):
    """A query that VTQL cannot express; the message names the construct and why."""


#: What happens when the server would change a value on save: `"raise"` a `DataLossError`
#: (the default), `"warn"` with a `DataLossWarning`, or `"allow"` it silently.
DataLossPolicy = Literal["raise", "warn", "allow"]
DATA_LOSS_POLICIES: Final = ("raise", "warn", "allow")


class DataLossError(VtigerError, ValueError):
    """The server would not store a value as given: too long, emoji on utf8mb3, HTML, digits.

    `model` is the model's name; `changes` maps each python field name to
    `(value sent, value the server stores)`. Raised before the request, so nothing was saved.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str,
        changes: Mapping[str, tuple[str, str]],
        operation: str | None = None,
    ) -> None:
        super().__init__(message, operation=operation)
        self.model = model
        self.changes = dict(changes)


class ValueAlteredError(DataLossError):
    """The server's answer holds other values than were sent: the record *was* saved.

    `record` is the saved instance (its `id` is set, its fields hold what the server
    stored), so the caller can fix it or delete it; `changes` maps each python field name
    to `(value sent, value stored)`.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str,
        changes: Mapping[str, tuple[str, str]],
        record: Any,
        operation: str | None = None,
    ) -> None:
        super().__init__(message, model=model, changes=changes, operation=operation)
        self.record = record


class ConflictError(VtigerError):
    """The record changed on the server since it was loaded, so `save()` sent nothing.

    Raised by `save(detect_conflicts=...)` (docs/saving.md). `model` is the model's name,
    `id` the record's id, `changes` maps each python field name (and `modifiedtime`) to
    `(wire value loaded, wire value on the server now)`.
    """

    def __init__(
        self,
        message: str,
        *,
        model: str,
        id: str,
        changes: Mapping[str, tuple[str, str]],
    ) -> None:
        super().__init__(message)
        self.model = model
        self.id = id
        self.changes = dict(changes)


class DataLossWarning(UserWarning):
    """What `DataLossError` would say, under the `data_loss="warn"` policy."""


class ObjectDoesNotExist(VtigerError, LookupError):
    """`get()` matched no record. Each model has its own `DoesNotExist` subclass."""


class MultipleObjectsReturned(VtigerError, LookupError):
    """`get()` matched more than one record. Each model has its own subclass."""


class BulkError(VtigerError):
    """Some writes of `bulk_create`, `QuerySet.update()` or `QuerySet.delete()` failed.

    `items` are the records the call wrote, in input order; `results[i]` is the outcome of
    `items[i]`: the saved record, or the exception its write raised. An `OutcomeUnknown` is
    neither saved nor failed: the record may exist, so `unknown` keeps those apart from
    `failed` (look them up, e.g. with `vtorm.resolve_unknown`, before writing them again).
    """

    def __init__(self, message: str, *, items: Sequence[Any], results: Sequence[Any]) -> None:
        super().__init__(message)
        if len(items) != len(results):
            raise ValueError(f"{len(items)} items but {len(results)} results")
        self.items = list(items)
        self.results = list(results)

    @property
    def succeeded(self) -> list[Any]:
        """The records whose write was carried out, in input order."""
        return [result for result in self.results if not isinstance(result, BaseException)]

    @property
    def failed(self) -> list[tuple[Any, BaseException]]:
        """`(record, error)` for writes that certainly did not happen (or, for a
        `ValueAlteredError`, happened with other values), in input order."""
        return [
            (item, result)
            for item, result in zip(self.items, self.results, strict=True)
            if isinstance(result, BaseException) and not isinstance(result, OutcomeUnknown)
        ]

    @property
    def unknown(self) -> list[tuple[Any, OutcomeUnknown]]:
        """`(record, error)` for writes that may or may not have happened, in input order."""
        return [
            (item, result)
            for item, result in zip(self.items, self.results, strict=True)
            if isinstance(result, OutcomeUnknown)
        ]


_BY_CODE: dict[str | int, type[APIError]] = {
    ErrorCode.INVALID_USER_CREDENTIALS: AuthenticationFailed,
    ErrorCode.INVALID_AUTH_TOKEN: AuthenticationFailed,
    ErrorCode.ACCESSKEY_UNDEFINED: AuthenticationFailed,
    ErrorCode.AUTHENTICATION_FAILURE: AuthenticationFailed,
    ErrorCode.INVALID_SESSIONID: InvalidSession,
    ErrorCode.SESSION_EXPIRED: InvalidSession,
    ErrorCode.SESSION_LEFT_IDLE: InvalidSession,
    ErrorCode.AUTHENTICATION_REQUIRED: InvalidSession,
    ErrorCode.ACCESS_DENIED: AccessDenied,
    ErrorCode.MANDATORY_FIELDS_MISSING: MandatoryFieldsMissing,
    ErrorCode.QUERY_SYNTAX_ERROR: QuerySyntaxError,
    ErrorCode.DUPLICATE: DuplicateRecord,
    ErrorCode.REFERENCE_INVALID: ReferenceInvalid,
    ErrorCode.INVALID_ID_ATTRIBUTE: InvalidId,
    ErrorCode.DATABASE_QUERY_ERROR: DatabaseError,
    ErrorCode.RECORD_NOT_FOUND: RecordNotFound,
    ErrorCode.OPERATION_NOT_SUPPORTED: OperationNotSupported,
    ErrorCode.UNKNOWN_OPERATION: OperationNotSupported,
    ErrorCode.UNKOWN_ENTITY: UnknownEntity,
    ErrorCode.LEAD_ALREADY_CONVERTED: LeadAlreadyConverted,
    ErrorCode.INTERNAL_SERVER_ERROR: ServerError,
}


def error_class_for(code: str | int | None) -> type[APIError]:
    """The exception class for a server error code; APIError for codes without their own."""
    if code is None:
        return APIError
    return _BY_CODE.get(code, APIError)


def error_from_envelope(
    error: object, *, operation: str | None, http_status: int | None
) -> APIError:
    """Build the exception for the `error` member of a failed envelope."""
    code: str | int | None = None
    message = "The server reported an error without a message"
    if isinstance(error, dict):
        raw_code = error.get("code")
        if isinstance(raw_code, (str, int)) and not isinstance(raw_code, bool):
            code = raw_code
        raw_message = error.get("message")
        if isinstance(raw_message, str) and raw_message:
            message = raw_message
    cls = error_class_for(code)
    return cls(message, operation=operation, code=code, http_status=http_status)
