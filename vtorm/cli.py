"""The `vtorm` command: `vtorm generate`, `vtorm schema dump`, `vtorm serve`, `vtorm demo`.

Each subcommand lives in its own module exposing `add_arguments(parser)` and
`run(args) -> int`; this file only wires them together, importing each lazily so that
`vtorm --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from vtorm._version import __version__
from vtorm.embedded import embedded_client

#: subcommand -> (module implementing it, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("codegen.cli", "Generate typed models from a Vtiger server's schema."),
    "schema": ("codegen.schema_cli", "Save a Vtiger server's schema answers as JSON files."),
    "serve": ("vtorm.emulator.cli", "Serve an embedded Vtiger 8 webservice over HTTP."),
    "demo": ("vtorm.demo", "Tour vtorm on the embedded Vtiger server with a demo CRM."),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vtorm",
        description="A typed ORM, model generator and embedded test server for Vtiger CRM.",
    )
    parser.add_argument("--version", action="version", version=f"vtorm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        module = importlib.import_module(module_name)
        child = sub.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(child)
        # `--demo` reads the embedded server through this: codegen never imports the server.
        child.set_defaults(_run=module.run, embedded_client=embedded_client)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args._run(args))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
