"""The operation registry: which webservice operations exist and how their parameters are read.

A handler module registers each operation with the `operation` decorator, stating what the real
server's `vtiger_ws_operation` tables state: the name, the HTTP method whose parameters it reads
(`GET` reads only the query string, `POST` only the form body), the registered parameter names
(everything else in the request is ignored), which of them are JSON-`encoded`, and whether it
runs before login.

Handlers are thin: they receive a `Call` (decoded parameters, the authenticated user, the
backend) and return the JSON-able `result`, or raise `WebserviceError` / `FatalError`.

Handler modules are found by name: every module `vtorm.emulator.ops_*` is imported the first
time the registry is consulted, so a new module of operations needs no edit anywhere else::

    from vtorm.emulator.operations import Call, operation

    @operation("relatedtypes", "GET", ("elementType",))
    def relatedtypes(call: Call) -> object:
        return call.backend.related_types(call.str("elementType"))
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from vtorm.emulator.limits import MAX_JSON_DEPTH

if TYPE_CHECKING:
    from vtorm.emulator.backend import Backend

__all__ = ["Call", "Handler", "Operation", "all_operations", "lookup", "operation"]

Method = Literal["GET", "POST"]


@dataclass(frozen=True)
class Call:
    """One dispatched request, as a handler sees it.

    `params` holds only the registered parameters, already read the way PHP reads them
    (falsy values become `""`, `encoded` ones are JSON-decoded, invalid JSON becomes None).
    `user_id` is the authenticated user's id (None for pre-login operations without a
    session). `request` holds every request parameter (query string and body merged, as
    PHP's `$_REQUEST`), `post` only the body's, for the few operations that look at them.
    """

    backend: Backend
    params: Mapping[str, Any]
    user_id: int | None
    session_id: str | None
    http_method: str
    request: Mapping[str, str] = field(default_factory=dict)
    post: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)

    def str(self, name: str) -> str:
        """A registered string parameter ("" when absent)."""
        value = self.params.get(name, "")
        return value if isinstance(value, str) else ""

    def user(self) -> int:
        """The authenticated user's id; only for operations that require a login."""
        if self.user_id is None:  # pragma: no cover - the router guarantees a user
            raise RuntimeError("operation requires an authenticated user")
        return self.user_id


Handler = Callable[[Call], object]


@dataclass(frozen=True)
class Operation:
    """One registered operation: what the server's operation tables say about it."""

    name: str
    method: Method
    params: tuple[str, ...]
    pre_login: bool
    encoded: frozenset[str]
    handler: Handler

    def read_params(self, source: Mapping[str, str]) -> dict[str, Any]:
        """The handler's parameters, read from `source` as PHP's OperationManager reads them."""
        values: dict[str, Any] = {}
        for name in self.params:
            raw = source.get(name, "")
            text = "" if raw in ("", "0") else raw
            values[name] = _decode_json(text) if name in self.encoded else text
        return values


def _decode_json(text: str) -> Any:
    """PHP 8.0's native `json_decode`: invalid, empty or too deeply nested input is null."""
    if not text or (_may_be_deep(text) and _depth(text) >= MAX_JSON_DEPTH):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def _may_be_deep(text: str) -> bool:
    return text.count("[") + text.count("{") >= MAX_JSON_DEPTH


def _depth(text: str) -> int:
    """The deepest bracket nesting outside strings (checked before json.loads recurses)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


_REGISTRY: dict[str, Operation] = {}
_LOADED = False
_LOAD_LOCK = threading.Lock()


def operation(
    name: str,
    method: Method,
    params: tuple[str, ...] = (),
    *,
    pre_login: bool = False,
    encoded: tuple[str, ...] = (),
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of operation `name` (case-insensitive)."""

    def register(handler: Handler) -> Handler:
        key = name.lower()
        if key in _REGISTRY:
            raise ValueError(f"operation {name!r} is registered twice")
        _REGISTRY[key] = Operation(
            key, method, tuple(params), pre_login, frozenset(encoded), handler
        )
        return handler

    return register


def _load_handler_modules() -> None:
    """Import every `vtorm.emulator.ops_*` module once, so their decorators run."""
    global _LOADED
    if _LOADED:
        return
    with _LOAD_LOCK:
        if _LOADED:
            return
        import vtorm.emulator as package

        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if info.name.startswith("ops_"):
                importlib.import_module(f"vtorm.emulator.{info.name}")
        _LOADED = True


def lookup(name: str) -> Operation | None:
    """The operation called `name` in any letter case, or None (the server then dies with 500)."""
    _load_handler_modules()
    return _REGISTRY.get(name.lower())


def all_operations() -> Mapping[str, Operation]:
    """Every registered operation by lower-case name."""
    _load_handler_modules()
    return dict(_REGISTRY)
