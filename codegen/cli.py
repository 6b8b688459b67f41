"""`vtorm generate`: write typed models for the types a Vtiger server lists.

    vtorm generate --url https://crm.example.com --username admin --access-key KEY
    vtorm generate --demo --schema ../shared/vtiger-reference/custom-fields/describe
    vtorm generate --demo --check        # exit 1 with a summary when generated/ drifted
    vtorm generate --demo --quiet        # no progress lines (CI logs)
    vtorm schema dump --demo --output schema/   # the server's answers only, no models

This module is imported by `vtorm --help`, so everything heavy is imported in `run`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from vtorm.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from contextlib import AbstractContextManager
    from typing import TextIO

    from codegen.describe import DescribedSchema
    from vtorm.client import Client

    #: What opens a client of a fresh embedded server (`vtorm.embedded.embedded_client`).
    EmbeddedClient = Callable[[], AbstractContextManager[Client]]

__all__ = [
    "add_arguments",
    "add_source_arguments",
    "demo_schema",
    "load_schema",
    "run",
    "run_reporting",
    "switch",
    "wanted_modules",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `vtorm generate`."""
    add_source_arguments(parser)
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("generated"),
        metavar="DIR",
        help="the package directory to write (default: generated)",
    )
    switch(
        parser,
        "--check",
        "write nothing; exit 1 with a summary when the package differs from the schema",
    )
    switch(parser, "--quiet", "no progress bar or per-type lines while describing (for CI logs)")


class _Arguments(Protocol):
    """A parser or an argument group: what takes `add_argument`."""

    def add_argument(self, *args: Any, **kwargs: Any) -> Any: ...


def switch(parser: _Arguments, flag: str, help_text: str) -> None:
    """An on/off flag (`--check`, `--quiet`, `--demo`)."""
    parser.add_argument(flag, action="store_true", help=help_text)


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the schema comes from and which types (`vtorm generate`, `vtorm schema dump`)."""
    source = parser.add_argument_group("schema source")
    source.add_argument("--url", help="CRM base URL (default: $VTIGER_URL)")
    source.add_argument("--username", help="webservice user (default: $VTIGER_USERNAME)")
    source.add_argument("--access-key", help="the user's access key (default: $VTIGER_ACCESS_KEY)")
    switch(source, "--demo", "use the embedded server's standard schema (no network)")
    source.add_argument(
        "--schema",
        type=Path,
        metavar="DIR",
        help="lay the describe payloads <Type>.json in DIR over the schema",
    )
    parser.add_argument(
        "--modules",
        metavar="A,B",
        help="only these Vtiger modules (comma-separated), e.g. Contacts,Accounts",
    )


def run(args: argparse.Namespace) -> int:
    """Generate (or check) the package; 0 on success, 1 on drift, 2 on errors."""
    return run_reporting("vtorm generate", _run, args)


def run_reporting(
    command: str, action: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """`action(args)`, with vtorm's errors printed as one line naming `command` (exit 2)."""
    from vtorm.errors import VtigerError

    try:
        return action(args)
    except VtigerError as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from codegen.check import find_drift
    from codegen.lock import LockFile
    from codegen.plan import plan_package
    from codegen.render import render_package, write_package
    from codegen.snapshot import SNAPSHOT_DIR, snapshot_files
    from codegen.source import Summary, select_modules

    started = time.monotonic()
    wanted = wanted_modules(args)
    schema = load_schema(args, wanted)
    modules = select_modules(schema, wanted)
    output: Path = args.output
    old_lock = LockFile.read(output)
    plan = plan_package(modules, old_lock)
    files = render_package(plan)
    files |= snapshot_files(schema, [m.name for m in modules], f"{SNAPSHOT_DIR}/")
    summary = Summary.of(modules, started)
    if args.check:
        drift = find_drift(old_lock, plan.lock, files, output, wanted)
        print(drift.summary(output))
        print(summary.line("checked", output))
        return 1 if drift else 0
    changed = write_package(files, output)
    print(summary.line("generated", output) + f" ({len(changed)} files changed)")
    return 0


def wanted_modules(args: argparse.Namespace) -> list[str] | None:
    """`--modules A,B` as a list (None: every type the server lists)."""
    return [m.strip() for m in (args.modules or "").split(",") if m.strip()] or None


def load_schema(args: argparse.Namespace, wanted: list[str] | None) -> DescribedSchema:
    """The schema the source flags name: a server, or the embedded one, plus any overlay."""
    from codegen.source import fetch_schema, overlay

    asked = None if args.schema else wanted  # an overlay may add types the server lacks
    if args.demo:
        open_client: EmbeddedClient | None = getattr(args, "embedded_client", None)
        if open_client is None:
            raise ConfigurationError("--demo needs the embedded server: run it as `vtorm ...`")
        schema = demo_schema(open_client, asked, quiet=args.quiet)
    else:
        with _client(args) as client:
            schema = fetch_schema(client, asked, quiet=args.quiet)
    return overlay(schema, args.schema) if args.schema else schema


def demo_schema(
    open_client: EmbeddedClient,
    wanted: Sequence[str] | None = None,
    *,
    stream: TextIO | None = None,
    quiet: bool = False,
) -> DescribedSchema:
    """The embedded server's schema, asked over its webservice as any server's would be.

    `open_client` (`vtorm.embedded.embedded_client`, handed in by the `vtorm` command) runs
    the server in-process; codegen reads only its answers, so the generator and the server
    share no parsing code and codegen imports no part of the server.
    """
    from codegen.source import fetch_schema

    with open_client() as client:
        return fetch_schema(client, wanted, stream=stream, quiet=quiet)


def _client(args: argparse.Namespace) -> Client:
    from vtorm.client import Client

    settings: dict[str, str] = {
        "url": args.url or os.environ.get("VTIGER_URL", ""),
        "username": args.username or os.environ.get("VTIGER_USERNAME", ""),
        "access_key": args.access_key or os.environ.get("VTIGER_ACCESS_KEY", ""),
    }
    missing = [name for name, value in settings.items() if not value.strip()]
    if missing:
        flags = ", ".join("--" + name.replace("_", "-") for name in missing)
        command = " ".join(getattr(args, "command_words", ("generate",)))
        raise ConfigurationError(
            f"vtorm {command} needs {flags} (or VTIGER_URL, VTIGER_USERNAME, VTIGER_ACCESS_KEY), "
            "or --demo for the embedded server's schema"
        )
    return Client(settings["url"], settings["username"], settings["access_key"])
