"""A seeded emulator served from its own process: `python -m tests.benchmarks.server_process N`.

The memory figure runs the server apart so that the client's allocations are the only ones
measured (and the server's work does not compete for the client's interpreter lock). It
prints one JSON line (url, username, access_key) and serves until stdin closes.
"""

from __future__ import annotations

import json
import sys

from tests.benchmarks.seeding import seed_contacts
from vtorm.emulator import Emulator


def main(count: int) -> None:
    emulator = Emulator()
    seed_contacts(emulator, count)
    with emulator.serve() as server:
        print(
            json.dumps(
                {"url": server.url, "username": server.username, "access_key": server.access_key}
            ),
            flush=True,
        )
        sys.stdin.read()


if __name__ == "__main__":
    main(int(sys.argv[1]))
