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

import datetime as dt
import functools
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from vtorm.emulator.faults import Fault, Faults
from vtorm.emulator.users import Group, Profile, Role, Sharing, User

if TYPE_CHECKING:
    from vtorm.emulator.app import RequestRecord, WebserviceApp
    from vtorm.emulator.backend import Backend
    from vtorm.emulator.schema import Schema
    from vtorm.emulator.server import RunningServer
    from vtorm.emulator.snapshot import SchemaSource

__all__ = [
    "Emulator",
    "Fault",
    "Faults",
    "Group",
    "Profile",
    "Role",
    "Schema",
    "User",
    "load_schema",
    "standard_schema",
]


def __getattr__(name: str) -> Any:
    """`Schema` and `load_schema` load on first use (the schema module reads JSON files)."""
    if name == "Schema":
        from vtorm.emulator.schema import Schema

        return Schema
    if name == "load_schema":
        from vtorm.emulator.snapshot import load_schema

        return load_schema
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _zone(name: str | dt.tzinfo) -> dt.tzinfo:
    """A zone from an IANA name (`Europe/Berlin`) or a tzinfo; ValueError names a bad one."""
    if isinstance(name, dt.tzinfo):
        return name
    if name.upper() == "UTC":
        return dt.timezone.utc
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone={name!r} is not a zone name like 'Europe/Berlin'") from None


@functools.lru_cache(maxsize=1)
def standard_schema() -> Schema:
    """The stock Vtiger 8.0 schema, read once per process (it is immutable)."""
    from vtorm.emulator.schema import Schema

    return Schema.standard()


class Emulator:
    """One emulated Vtiger server: its own database, sessions, users and faults.

    `schema` is a `Schema`, a snapshot path or a generated package (module or import name),
    see `vtorm.emulator.snapshot`. `users`, `roles`, `profiles`, `groups` and `sharing` add
    to the stock directory of a fresh Vtiger (see `vtorm.emulator.users`); each user logs in
    with `access_key_for(name)`. `timezone` is the server's `$default_timezone` (a zone
    name or tzinfo, UTC by default): datetimes are stored and served as its wall clock, and
    `sync` reads and answers epoch seconds in it, as PHP's date()/strtotime() do.
    `individual_tax_crash` replays the captured server that stored a quote created with
    `hdnTaxType: individual` and then answered HTTP 500 with an empty body (the stock 8.0
    computes such a quote and answers 200, the default here).
    """

    def __init__(
        self,
        schema: SchemaSource | None = None,
        db: str = ":memory:",
        access_key: str | None = None,
        faults: Faults | Iterable[Fault] | None = None,
        *,
        username: str = "admin",
        clock: Callable[[], float] = time.time,
        users: Iterable[User] = (),
        roles: Iterable[Role] = (),
        profiles: Iterable[Profile] = (),
        groups: Iterable[Group] = (),
        sharing: Mapping[str, Sharing] | None = None,
        timezone: str | dt.tzinfo = "UTC",
        individual_tax_crash: bool = False,
    ) -> None:
        if schema is not None:
            from vtorm.emulator.snapshot import load_schema

            schema = load_schema(schema)
        self._schema = schema
        self._directory = (tuple(users), tuple(roles), tuple(profiles), tuple(groups), sharing)
        self._individual_tax_crash = individual_tax_crash
        self._user_keys: dict[str, str] = {}
        self.db = db
        self._access_key = access_key
        self._username = username
        self.clock = clock
        self.timezone = _zone(timezone)
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
                    from vtorm.emulator.directory import install_directory

                    backend = Backend(
                        self.schema, self.db, username=self._username,
                        access_key=self._access_key, clock=self.clock, zone=self.timezone,
                    )  # fmt: skip
                    self._user_keys = install_directory(backend, *self._directory)
                    backend.records.individual_tax_crash = self._individual_tax_crash
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

    def access_key_for(self, username: str) -> str:
        """The access key `username` logs in with (the admin's or an added user's)."""
        self.app  # noqa: B018 - the users exist once the backend is built
        if username == self._username:
            return self.access_key
        if username not in self._user_keys:
            known = ", ".join([self._username, *self._user_keys])
            raise KeyError(f"no user {username!r} on this emulator (users: {known})")
        return self._user_keys[username]

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
