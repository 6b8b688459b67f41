"""`vtorm serve`: the embedded Vtiger over real HTTP, for trying vtorm and for other tools' tests.

Binds to loopback unless told otherwise, prints the webservice URL, user name and access key,
and serves until interrupted. Imports stay inside `run` so `vtorm --help` stays fast.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `vtorm serve`."""
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000; 0 = any)")
    parser.add_argument("--db", default=":memory:", help="SQLite file to keep data in")
    parser.add_argument("--username", default="admin", help="the admin user's name")
    parser.add_argument("--access-key", default=None, help="the admin's access key")
    parser.add_argument("--demo", action="store_true", help="seed a realistic demo data set")
    parser.add_argument(
        "--timezone",
        default="UTC",
        metavar="ZONE",
        help="the server's $default_timezone, e.g. Europe/Berlin (default: UTC)",
    )
    parser.add_argument(
        "--user",
        action="append",
        default=[],
        metavar="NAME[:ROLE]",
        help="add a non-admin user (repeatable; role name, default Sales Person); keys printed",
    )
    parser.add_argument(
        "--private",
        action="append",
        default=[],
        metavar="MODULE",
        help="make a module's default sharing private (repeatable)",
    )
    parser.add_argument(
        "--schema",
        default=None,
        metavar="PATH",
        help="schema snapshot to serve: a folder (listtypes.json, describe/<Type>.json,"
        " relatedtypes.json), a schema.json, a generated package's folder or import name,"
        " or a folder of describe <Type>.json laid over the standard schema",
    )


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C; returns the exit status."""
    from vtorm.emulator import Emulator
    from vtorm.emulator.snapshot import SnapshotError, load_schema

    try:
        schema = load_schema(args.schema) if args.schema else None
    except SnapshotError as exc:
        print(f"vtorm serve: {exc}", file=sys.stderr)
        return 2
    from vtorm.emulator import User

    users = [User(n.strip(), role=r.strip() or "Sales Person") for n, _, r in
             (text.partition(":") for text in args.user)]  # fmt: skip
    try:
        emulator = Emulator(
            schema, args.db, args.access_key, username=args.username, users=users,
            sharing=dict.fromkeys(args.private, "private") or None, timezone=args.timezone,
        )  # fmt: skip
    except ValueError as exc:
        print(f"vtorm serve: {exc}", file=sys.stderr)
        return 2
    try:
        emulator.backend  # noqa: B018 - build now, so bad users or modules fail here
    except ValueError as exc:
        print(f"vtorm serve: {exc}", file=sys.stderr)
        return 2
    if args.demo:
        from vtorm.emulator import demo_data

        demo_data.seed_demo(emulator.backend)
    try:
        server = emulator.serve(args.host, args.port)
    except OSError as exc:
        print(f"vtorm serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    print(f"Vtiger webservice: {server.url}")
    print(f"username:   {server.username}")
    print(f"access key: {server.access_key}", flush=True)
    for user in users:
        print(f"user {user.name} ({user.role}): {emulator.access_key_for(user.name)}", flush=True)
    try:
        server.httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
        emulator.close()
    return 0
