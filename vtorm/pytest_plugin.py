"""pytest fixtures for testing code that talks to Vtiger, registered through `pytest11`.

Every test gets a fresh embedded Vtiger served over real HTTP on a free loopback port, set up
by the `vtiger` marker (per test, or a module's `pytestmark`) over the ini settings
`vtiger_schema`, `vtiger_demo`, `vtiger_users` (lines `NAME` or `NAME:ROLE`) and
`vtiger_sharing` (lines `MODULE=LEVEL`) of `[tool.pytest.ini_options]`::

    pytestmark = pytest.mark.vtiger(schema="myapp.crm", demo=True)

    @pytest.mark.vtiger(users=[User("alice")], faults=[Fault.http_500(nth=1)])
    def test_retry(vtiger_default, vtiger_login):
        Contact.objects.count()                 # the default client: no using() needed
        alice = vtiger_login("alice")           # a Client logged in as alice

Marker options: `schema` (a snapshot path, a generated package or its import name, or a
`Schema`), `demo` (True for the demo data set, or a callable given the logged-in admin
`Client`), `faults` (`vtorm.emulator.Fault` values, counted from the test's first request:
the plugin's own login and seeding do not count), `users`, `roles`, `profiles`, `groups`
(`vtorm.emulator.User`/`Role`/`Profile`/`Group`) and `sharing` ({module: "private", ...}).

Fixtures: `vtiger_server` (`.url`, `.username`, `.access_key`, `.emulator`), `vtiger_client`
(the admin's logged-in `vtorm.Client`), `vtiger_default` (that client as the default managers
use, for the test's duration), `vtiger_login` (a factory of clients for other users). Their
clients retry as usual but without waiting between attempts (`backoff=0`).

Imports happen inside the fixtures, so merely installing vtorm costs pytest nothing.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from vtorm.client import Client
    from vtorm.emulator import Emulator, Fault, Group, Profile, Role, User
    from vtorm.emulator.schema import Schema
    from vtorm.emulator.server import RunningServer
    from vtorm.emulator.snapshot import SchemaSource
    from vtorm.emulator.users import Sharing

__all__ = [
    "VtigerSettings",
    "vtiger_client",
    "vtiger_default",
    "vtiger_emulator",
    "vtiger_login",
    "vtiger_server",
    "vtiger_settings",
]

MARKER = "vtiger"
#: The plugin's clients retry at once: the embedded server's faults are injected, so waiting
#: between attempts tests nothing and only slows the suite (a kept-failing read waited 2.6 s).
_BACKOFF = 0.0
_LISTS = ("faults", "users", "roles", "profiles", "groups")


@dataclass(frozen=True)
class VtigerSettings:
    """What one test's embedded server is made of (ini settings, then markers)."""

    schema: SchemaSource | None = None
    demo: bool | Callable[[Client], object] = False
    faults: tuple[Fault, ...] = ()
    users: tuple[User, ...] = ()
    roles: tuple[Role, ...] = ()
    profiles: tuple[Profile, ...] = ()
    groups: tuple[Group, ...] = ()
    sharing: Mapping[str, Sharing] = field(default_factory=dict)

    def updated(self, options: Mapping[str, Any], where: str) -> VtigerSettings:
        """These settings with a marker's keyword options laid over them."""
        known = {f for f in self.__dataclass_fields__}
        unknown = sorted(set(options) - known)
        if unknown:
            raise pytest.UsageError(
                f"{where}: @pytest.mark.vtiger got unknown option(s) {', '.join(unknown)}"
                f" (known: {', '.join(sorted(known))})"
            )
        values = dict(options)
        for name in _LISTS:
            if name in values:
                values[name] = _as_tuple(values[name], name, where)
        if "demo" in values and not (isinstance(values["demo"], bool) or callable(values["demo"])):
            raise pytest.UsageError(f"{where}: vtiger demo= must be True/False or a callable")
        if "users" in values:
            values["users"] = tuple(_as_user(u, where) for u in values["users"])
        _check_kinds(values, where)
        return replace(self, **values)


def _check_kinds(values: Mapping[str, Any], where: str) -> None:
    """Each list option holds values of its own kind (a typo there fails the test early)."""
    from vtorm.emulator import Fault, Group, Profile, Role

    kinds: dict[str, type] = {"faults": Fault, "roles": Role, "profiles": Profile, "groups": Group}
    for name, kind in kinds.items():
        for value in values.get(name, ()):
            if not isinstance(value, kind):
                raise pytest.UsageError(
                    f"{where}: vtiger {name}= takes {kind.__name__} values, got {value!r}"
                )
    if "sharing" in values and not isinstance(values["sharing"], Mapping):
        raise pytest.UsageError(f"{where}: vtiger sharing= must map modules to levels")


def _as_tuple(value: object, name: str, where: str) -> tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return tuple(value)
    raise pytest.UsageError(f"{where}: vtiger {name}= must be a list, got {value!r}")


def _as_user(value: object, where: str) -> Any:
    from vtorm.emulator import User

    if isinstance(value, str):
        return User(value)
    if not isinstance(value, User):
        raise pytest.UsageError(f"{where}: vtiger users= takes User values or names, got {value!r}")
    return value


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("vtiger_schema", "schema snapshot (path, or generated package) to serve")
    parser.addini("vtiger_demo", "seed the demo data set into every test's server", type="bool")
    parser.addini(
        "vtiger_users", "users of every test's server: NAME or NAME:ROLE", type="linelist"
    )
    parser.addini("vtiger_sharing", "default sharing: MODULE=LEVEL (private, ...)", type="linelist")


def _ini_settings(config: pytest.Config) -> VtigerSettings:
    """The defaults from `[tool.pytest.ini_options]`, checked like marker options."""
    from vtorm.emulator import User

    users = []
    for line in config.getini("vtiger_users"):
        name, _, role = str(line).partition(":")
        users.append(User(name.strip(), role=role.strip() or "Sales Person"))
    sharing: dict[str, Any] = {}
    for line in config.getini("vtiger_sharing"):
        module, sep, level = str(line).partition("=")
        if not sep:
            raise pytest.UsageError(f"vtiger_sharing: {line!r} is not MODULE=LEVEL")
        sharing[module.strip()] = level.strip()
    return VtigerSettings(
        schema=config.getini("vtiger_schema") or None,
        demo=bool(config.getini("vtiger_demo")),
        users=tuple(users),
        sharing=sharing,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "vtiger(schema=, demo=, faults=, users=, roles=, profiles=, groups=, sharing=):"
        " configure the test's embedded Vtiger server",
    )


@pytest.fixture
def vtiger_settings(request: pytest.FixtureRequest) -> VtigerSettings:
    """The settings of this test's server: ini values, then module, class and test markers."""
    settings = _ini_settings(request.config)
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"{request.node.nodeid}: vtiger marker takes keywords only")
        settings = settings.updated(marker.kwargs, request.node.nodeid)
    return settings


@functools.lru_cache(maxsize=8)
def _cached_schema(source: str) -> Schema:
    """Snapshots named by path or package are read once per session (schemas are immutable)."""
    from vtorm.emulator.snapshot import load_schema

    return load_schema(source)


@pytest.fixture
def vtiger_emulator(vtiger_settings: VtigerSettings) -> Iterator[Emulator]:
    """This test's fresh embedded Vtiger (not yet served), with its users and schema."""
    from vtorm.emulator import Emulator

    source = vtiger_settings.schema
    named = isinstance(source, str | os.PathLike)
    schema = _cached_schema(os.fspath(source)) if named else source  # type: ignore[arg-type]
    emulator = Emulator(
        schema,
        users=vtiger_settings.users, roles=vtiger_settings.roles,
        profiles=vtiger_settings.profiles, groups=vtiger_settings.groups,
        sharing=dict(vtiger_settings.sharing) or None,
    )  # fmt: skip
    if vtiger_settings.demo is True:
        from vtorm.emulator.demo_data import seed_demo

        seed_demo(emulator.backend)
    try:
        yield emulator
    finally:
        emulator.close()


@pytest.fixture
def vtiger_server(
    vtiger_emulator: Emulator, vtiger_settings: VtigerSettings
) -> Iterator[RunningServer]:
    """The test's emulated Vtiger 8.0 served over HTTP (fresh for every test)."""
    with vtiger_emulator.serve() as server:
        demo = vtiger_settings.demo
        if callable(demo) and not isinstance(demo, bool):
            with _admin_client(server) as client:
                demo(client)
        vtiger_emulator.faults.arm(vtiger_settings.faults)
        yield server


@contextlib.contextmanager
def _admin_client(server: RunningServer) -> Iterator[Client]:
    from vtorm.client import Client

    client = Client(server.url, server.username, server.access_key, backoff=_BACKOFF)
    client.login()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def vtiger_client(
    vtiger_server: RunningServer, vtiger_settings: VtigerSettings
) -> Iterator[Client]:
    """A `vtorm.Client` logged into `vtiger_server` as the admin (faults start after login)."""
    faults = vtiger_server.emulator.faults if vtiger_server.emulator else None
    if faults is not None:
        faults.arm(())
    with _admin_client(vtiger_server) as client:
        if faults is not None:
            faults.arm(vtiger_settings.faults)
        try:
            yield client
        finally:
            if faults is not None:
                faults.arm(())  # the logout at teardown is not the test's request


@pytest.fixture
def vtiger_default(vtiger_client: Client) -> Iterator[Client]:
    """`vtiger_client`, made the default client managers use (`Contact.objects...`)."""
    from vtorm import set_default_client

    previous = set_default_client(vtiger_client)
    try:
        yield vtiger_client
    finally:
        set_default_client(previous)


@pytest.fixture
def vtiger_login(vtiger_server: RunningServer) -> Iterator[Callable[[str], Client]]:
    """`vtiger_login(name)`: a `vtorm.Client` logged in as that user (closed after the test)."""
    from vtorm.client import Client

    clients: list[Client] = []

    def login(username: str) -> Client:
        emulator = vtiger_server.emulator
        assert emulator is not None
        key = emulator.access_key_for(username)
        client = Client(vtiger_server.url, username, key, backoff=_BACKOFF)
        client.login()
        clients.append(client)
        return client

    try:
        yield login
    finally:
        for client in clients:
            client.close()
