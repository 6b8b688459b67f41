"""Pure helpers for the two ends of a request: checking and encoding what goes out, and
reading the envelope that comes back. No I/O, so each rule is tested without a server.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone, tzinfo
from typing import Any

from vtorm.errors import ConfigurationError, InvalidArgument, ServerError
from vtorm.ids import RecordId

__all__ = [
    "as_dict",
    "as_rows",
    "element_id",
    "encode_element",
    "epoch_seconds",
    "parse_envelope",
    "require_module",
    "require_setting",
    "require_text",
]

_MODULE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def parse_envelope(text: str) -> dict[str, Any] | None:
    """The decoded envelope, leniently (raw control characters allowed), or None."""
    try:
        envelope = json.loads(text, strict=False)
    except ValueError:
        return None
    if isinstance(envelope, dict) and isinstance(envelope.get("success"), bool):
        return envelope
    return None


def as_dict(result: object, operation: str) -> dict[str, Any]:
    if not isinstance(result, dict):
        raise ServerError(
            f"{operation} answered {type(result).__name__}, expected an object", operation=operation
        )
    return result


def as_rows(result: object, operation: str) -> list[dict[str, Any]]:
    if not isinstance(result, list) or not all(isinstance(row, dict) for row in result):
        raise ServerError(
            f"{operation} answered something other than a list of rows", operation=operation
        )
    return result


def require_setting(value: object, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{name} must be a non-empty string")
    return value


def require_text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgument(f"{name} must be a non-empty string, not {value!r}")


def require_module(module: object) -> None:
    if not isinstance(module, str) or _MODULE_NAME.fullmatch(module) is None:
        raise InvalidArgument(f"{module!r} is not a module name such as 'Contacts'")


def element_id(element: object) -> RecordId:
    if not isinstance(element, Mapping) or "id" not in element:
        raise InvalidArgument("the element must be a mapping with the record's 'id'")
    return RecordId(element["id"])


def encode_element(element: object) -> str:
    """`element` as JSON with raw UTF-8 (Vtiger 8.4's decoder mangles \\u escapes)."""
    if not isinstance(element, Mapping):
        raise InvalidArgument(
            f"the element must be a mapping of field names to values, not {element!r}"
        )
    try:
        return json.dumps(dict(element), ensure_ascii=False)
    except (TypeError, ValueError) as error:
        for name, value in element.items():
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                raise InvalidArgument(
                    f"field {name!r} has a value of type {type(value).__name__} that cannot be "
                    "sent; convert it to a string first"
                ) from None
        raise InvalidArgument(f"the element cannot be sent as JSON: {error}") from None


def epoch_seconds(moment: object, zone: tzinfo = timezone.utc) -> int:
    """Whole epoch seconds, at least 1: the server reads "0" as a missing parameter.

    A naive datetime is a wall clock in `zone` (the server's time zone).
    """
    if isinstance(moment, datetime):
        aware = moment if moment.utcoffset() is not None else moment.replace(tzinfo=zone)
        seconds = aware.timestamp()
    elif isinstance(moment, (int, float)) and not isinstance(moment, bool):
        seconds = float(moment)
    else:
        raise InvalidArgument(f"modified_time must be epoch seconds or a datetime, not {moment!r}")
    if seconds < 0 or seconds != seconds:
        raise InvalidArgument(f"modified_time must not be negative, not {moment!r}")
    return max(int(seconds), 1)
