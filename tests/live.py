"""Live mode: run the suite against a real Vtiger instead of the embedded server.

Set all four variables and every test that can run against a real server does so:

    VTORM_LIVE_URL         the CRM's base URL (or its .../webservice.php)
    VTORM_LIVE_USERNAME    a webservice user (admin: the tests create and delete freely)
    VTORM_LIVE_ACCESS_KEY  that user's access key
    VTORM_LIVE_RESET       a shell command that empties the CRM (run before each module)

With none of them set nothing changes; with only some set the run stops at once, naming the
missing ones, rather than silently testing the embedded server. The CRM is emptied per module
(a reset takes seconds), so tests of one module must live with each other's records.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from tests.inprocess import make_client
from vtorm.client import Client
from vtorm.emulator import Emulator, demo_data

__all__ = [
    "LIVE",
    "LIVE_VARIABLES",
    "LiveServer",
    "crm_client",
    "live_from_env",
    "require_embedded",
    "seed_demo_over_webservice",
    "unique",
]

LIVE_VARIABLES = (
    "VTORM_LIVE_URL",
    "VTORM_LIVE_USERNAME",
    "VTORM_LIVE_ACCESS_KEY",
    "VTORM_LIVE_RESET",
)
RESET_TIMEOUT = 300.0  # seconds: a reset takes 4-10 s, a hung one must not hang the run


@dataclass
class LiveServer:
    """The real server the suite runs against, and how to empty it."""

    url: str
    username: str
    access_key: str
    reset_command: str
    # Whether a client was handed out since the last reset (an untouched CRM is still empty).
    touched: bool = field(default=True, compare=False, repr=False)
    # What the plugin's RunningServer calls the emulator behind it: there is none.
    emulator: ClassVar[None] = None

    def client(self, **options: Any) -> Client:
        """A new client of the real server (it logs in on its first call)."""
        self.touched = True
        return Client(self.url, self.username, self.access_key, **options)

    def reset(self) -> None:
        """Empty the CRM with the configured command; a failure stops the test that needed it.

        Nothing is run when no client was made since the last reset: the CRM is still empty.
        """
        if not self.touched:
            return
        started = time.monotonic()
        done = subprocess.run(
            self.reset_command,
            shell=True,
            capture_output=True,
            text=True,
            timeout=RESET_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            pytest.fail(
                f"VTORM_LIVE_RESET exited with {done.returncode} after "
                f"{time.monotonic() - started:.1f}s: {(done.stderr or done.stdout).strip()[-500:]}",
                pytrace=False,
            )
        self.touched = False


def live_from_env(environ: Mapping[str, str] = os.environ) -> LiveServer | None:
    """The live server the environment names, None without any variable, an error if half set."""
    values = {name: environ.get(name, "").strip() for name in LIVE_VARIABLES}
    missing = [name for name, value in values.items() if not value]
    if len(missing) == len(LIVE_VARIABLES):
        return None
    if missing:
        raise pytest.UsageError(
            f"live mode needs all of {', '.join(LIVE_VARIABLES)}; {', '.join(missing)} "
            "not set (unset them all to test the embedded server)"
        )
    url, username, access_key, reset_command = values.values()
    return LiveServer(url, username, access_key, reset_command)


LIVE = live_from_env()


@contextmanager
def crm_client() -> Iterator[Client]:
    """A client of an empty CRM: the real server just reset, or a new embedded server.

    For module-scoped fixtures that seed their own data set (the reset makes the ids and
    numbering start again, as they do on a new emulator).
    """
    if LIVE is not None:
        LIVE.reset()
        with LIVE.client() as client:
            yield client
        return
    emulator = Emulator()
    try:
        with make_client(emulator) as client:
            yield client
    finally:
        emulator.close()


def require_embedded(reason: str = "uses the embedded server itself (an emulator fixture)") -> None:
    """Skip the calling test or fixture in live mode: it needs the emulator, not just a server."""
    if LIVE is not None:
        pytest.skip(f"embedded only: {reason}")


_counter = iter(range(1, 1_000_000))


def unique(text: str) -> str:
    """`text` made unique in this run, for names a real CRM keeps between a module's tests."""
    if LIVE is None:
        return text
    return f"{text} {os.getpid()}-{next(_counter)}"


def seed_demo_over_webservice(client: Client, seed: int = demo_data.DEFAULT_SEED) -> dict[str, str]:
    """Create the demo CRM through the webservice (`create`, `add_related`), as a user would.

    The same records `demo_data.seed_demo` writes into the emulator's store, in the same order,
    so a freshly reset real CRM gets the same numbering; returns each record's id by demo key.
    """
    ids: dict[str, str] = {}
    records = demo_data.demo_records(seed)
    for record in records:
        element: dict[str, str] = dict(record.values)
        element.update({name: ids[key] for name, key in record.refs.items()})
        ids[record.key] = str(client.create(record.module, element)["id"])
    for record in records:
        for key in record.related:
            client.add_related(ids[record.key], ids[key])
    return ids
