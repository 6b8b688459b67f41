"""`vtorm schema dump --output DIR`: save what a server answers about its schema, no models.

    vtorm schema dump --url https://crm.example.com --username admin --access-key KEY --output s/
    vtorm schema dump --demo --output schema/ --quiet

Writes the same files `vtorm generate` keeps in `<package>/vtorm.schema/` (`listtypes.json`,
`describe/<Type>.json`, `relatedtypes/<Type>.json`): the describe files can be handed back
to `vtorm generate --schema DIR/describe`. Like `codegen.cli`, light to import.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from codegen.cli import add_source_arguments, run_reporting, switch

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """`vtorm schema` and its one action, `dump`."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    dump = actions.add_parser("dump", help="write the schema answers as JSON files")
    add_source_arguments(dump)
    dump.add_argument("--output", type=Path, required=True, metavar="DIR", help="folder to write")
    switch(dump, "--quiet", "no progress bar or per-type lines while describing (for CI logs)")
    dump.set_defaults(command_words=("schema", "dump"))


def run(args: argparse.Namespace) -> int:
    """Dump the schema; 0 on success, 2 on errors."""
    return run_reporting("vtorm schema dump", _dump, args)


def _dump(args: argparse.Namespace) -> int:
    from codegen.cli import load_schema, wanted_modules
    from codegen.render import write_files
    from codegen.snapshot import snapshot_files
    from codegen.source import select_modules

    wanted = wanted_modules(args)
    schema = load_schema(args, wanted)
    modules = [m.name for m in select_modules(schema, wanted)]
    output: Path = args.output
    files = snapshot_files(schema, modules)
    stale = _stale(files, output)
    for name in stale:
        (output / name).unlink()
    changed = len(stale) + len(write_files(files, output))
    print(f"dumped {len(modules)} types -> {output} ({changed} files changed)")
    return 0


def _stale(files: dict[str, str], output: Path) -> list[str]:
    """Describe and relatedtypes files of types no longer dumped (nothing else is touched)."""
    return [
        f"{kind}/{path.name}"
        for kind in ("describe", "relatedtypes")
        for path in sorted((output / kind).glob("*.json"))
        if f"{kind}/{path.name}" not in files
    ]
