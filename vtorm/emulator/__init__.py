"""An in-process Vtiger 8.0 webservice on SQLite, for tests, demos and development.

It shares no code with vtorm's client, compiler or query sets (only the wire constants in
`vtorm.wire`): if both sides shared a bug, the tests would agree and prove nothing.

    emulator = Emulator()                      # the 35 standard types, in memory
    with emulator.serve() as server:           # a real HTTP server on a free loopback port
        client = Client(server.url, server.username, server.access_key)

`emulator.wsgi_app` is the WSGI callable, for in-process transports. Construction is cheap:
the database is built on first use. See ARCHITECTURE.md next to this file for the rooms.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from vtorm.emulator.faults import Fault, Faults

if TYPE_CHECKING:
    from vtorm.emulator.app import RequestRecord, WebserviceApp
    from vtorm.emulator.backend import Backend
    from vtorm.emulator.schema import Schema
    from vtorm.emulator.server import RunningServer

__all__ = ["Emulator", "Fault", "Faults", "standard_schema"]


@functools.lru_cache(maxsize=1)
def standard_schema() -> Schema:
    """The stock Vtiger 8.0 schema, read once per process (it is immutable)."""
    from vtorm.emulator.schema import Schema

    return Schema.standard()


class Emulator:
    """One emulated Vtiger server: its own database, sessions, users and faults."""

    def __init__(
        self,
        schema: Schema | None = None,
        db: str = ":memory:",
        access_key: str | None = None,
        faults: Faults | Iterable[Fault] | None = None,
        *,
        username: str = "admin",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._schema = schema
        self.db = db
        self._access_key = access_key
        self._username = username
        self.clock = clock
        self.faults = faults if isinstance(faults, Faults) else Faults(faults or ())
        self._app: WebserviceApp | None = None
        self._lock = threading.Lock()

    @property
    def schema(self) -> Schema:
        """The schema served (the standard one unless another was given)."""
        if self._schema is None:
            self._schema = standard_schema()
        return self._schema

    @property
    def app(self) -> WebserviceApp:
        """The WSGI application object, built (with the database) on first use."""
        if self._app is None:
            with self._lock:
                if self._app is None:
                    from vtorm.emulator.app import WebserviceApp
                    from vtorm.emulator.backend import Backend

                    backend = Backend(
                        self.schema, self.db, username=self._username,
                        access_key=self._access_key, clock=self.clock,
                    )  # fmt: skip
                    self._app = WebserviceApp(backend, self.faults)
        return self._app

    @property
    def backend(self) -> Backend:
        """The state behind the webservice (for seeding and inspecting data in tests)."""
        return self.app.backend

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """The WSGI callable serving `/webservice.php`."""
        return self.app(environ, start_response)

    @property
    def username(self) -> str:
        """The admin user's name."""
        return self._username

    @property
    def access_key(self) -> str:
        """The admin user's access key (generated when not given)."""
        return self.backend.access_key

    @property
    def request_log(self) -> list[RequestRecord]:
        """Every request served so far: operation, parameters, HTTP status."""
        return self.app.request_log

    def clear_request_log(self) -> None:
        """Forget the requests served so far."""
        self.app.clear_request_log()

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
        """A threaded HTTP server for this emulator; use it as a context manager."""
        from vtorm.emulator.server import RunningServer

        return RunningServer(
            self.wsgi_app,
            host=host,
            port=port,
            username=self.username,
            access_key=self.access_key,
            emulator=self,
        )

    def close(self) -> None:
        """Release the database."""
        if self._app is not None:
            self._app.backend.close()
