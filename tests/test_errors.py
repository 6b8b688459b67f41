from __future__ import annotations

import pickle

import pytest

import vtorm
from vtorm.errors import (
    AccessDenied,
    APIError,
    DuplicateRecord,
    InvalidSession,
    ServerError,
    VtigerError,
    error_from_envelope,
)


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("ACCESS_DENIED", AccessDenied),
        ("INVALID_SESSIONID", InvalidSession),
        ("AUTHENTICATION_REQUIRED", InvalidSession),
        ("INTERNAL_SERVER_ERROR", ServerError),
        (0, DuplicateRecord),
    ],
)
def test_envelope_codes_map_to_their_class(code: str | int, cls: type[APIError]) -> None:
    error = error_from_envelope(
        {"message": "Permission denied", "code": code}, operation="retrieve", http_status=200
    )
    assert type(error) is cls
    assert error.code == code
    assert error.message == "Permission denied"
    assert error.operation == "retrieve"
    assert error.http_status == 200


def test_unknown_code_keeps_the_code_on_the_root_api_class() -> None:
    error = error_from_envelope(
        {"message": "x", "code": "NEW_CODE"}, operation="q", http_status=200
    )
    assert type(error) is APIError
    assert error.code == "NEW_CODE"
    assert "NEW_CODE" in str(error)


def test_every_public_error_derives_from_the_root() -> None:
    for name in vtorm.__all__:
        value = getattr(vtorm, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            if issubclass(value, Warning):
                continue  # DataLossWarning goes through `warnings`, it is never raised
            assert issubclass(value, VtigerError), name


def test_data_loss_errors_are_value_errors_in_the_tree() -> None:
    assert issubclass(vtorm.DataLossError, VtigerError)
    assert issubclass(vtorm.DataLossError, ValueError)
    assert issubclass(vtorm.ValueAlteredError, vtorm.DataLossError)
    assert issubclass(vtorm.DataLossWarning, UserWarning)
    assert not issubclass(vtorm.DataLossError, vtorm.UsageError)


def test_a_value_altered_error_keeps_its_record_and_changes_through_pickling() -> None:
    error = vtorm.ValueAlteredError(
        "cut", model="Contact", changes={"lastname": ("L" * 90, "L" * 80)}, record="12x5"
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.record, copy.model, copy.changes) == ("12x5", "Contact", error.changes)


def test_pydantic_validation_error_is_the_one_documented_exception() -> None:
    from pydantic import ValidationError

    from generated import Contact

    with pytest.raises(ValidationError) as caught:
        Contact(lastname=["not", "text"])  # type: ignore[arg-type]
    assert isinstance(caught.value, ValueError) and not isinstance(caught.value, VtigerError)


def test_errors_survive_pickling() -> None:
    error = AccessDenied("denied", operation="retrieve", code="ACCESS_DENIED", http_status=200)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is AccessDenied
    assert (copy.code, copy.operation, copy.message) == ("ACCESS_DENIED", "retrieve", "denied")
