"""A seeded emulator served from its own process: `python -m tests.benchmarks.server_process N`.

The memory and latency figures run the server apart, as a real CRM is: the client's
allocations are then the only ones measured, and the server's work does not compete for the
client's interpreter lock. An optional second argument adds that many seconds of latency to
every request. It prints one JSON line (url, username, access_key) and serves until stdin
closes.
"""

from __future__ import annotations

import json
import sys

from tests.benchmarks.seeding import seed_contacts
from vtorm.emulator import Emulator, Fault


def main(count: int, latency: float = 0.0) -> None:
    emulator = Emulator(faults=[Fault.latency(latency)] if latency else None)
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
    main(int(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 0.0)
