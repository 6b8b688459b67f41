"""The few client operations the ORM needs, as a Protocol, and the default-client lookup.

The ORM never imports the HTTP client: it talks to anything with these methods, so unit
tests pass a fake and `vtorm.Client` fits without knowing about the ORM.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, Protocol, cast

__all__ = ["Backend", "default_backend"]


class Backend(Protocol):
    """Raw wire operations: every record is a dict of wire names to wire values."""

    def query(self, vtql: str, /) -> list[dict[str, Any]]: ...

    def create(self, module: str, element: Mapping[str, Any], /) -> dict[str, Any]: ...

    def retrieve(self, id: str, /) -> dict[str, Any]: ...

    def revise(self, element: Mapping[str, Any], /) -> dict[str, Any]: ...

    def delete(self, id: str, /) -> None: ...


def default_backend() -> Backend:
    """The process-wide default client (`vtorm.connect()`), imported lazily.

    The import is late so that the ORM, and its tests with fake backends, never load the
    HTTP stack unless a query runs without an explicit client.
    """
    connection = importlib.import_module("vtorm.client.connection")
    return cast(Backend, connection.get_default_client())
