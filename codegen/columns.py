"""The storage column of each standard field (`varchar(80)`, `decimal(25,8)`, `int(19)`...).

`describe` never says how wide a field is, yet the server cuts a `varchar(N)` value to N
characters, rounds a `decimal(p,s)` to s places and truncates `int`s. A stock Vtiger 8.0
keeps the same columns on every install, so codegen ships them (`codegen/data/columns.json`,
module -> field -> column type) and writes them into `VtigerField(column=...)`. Fields it does
not know (custom fields, other modules) get "", which the ORM reads as "unknown".

The data file is derived from the reference capture of a real server's schema tables:

    python -m codegen.columns ../shared/vtiger-reference/columns.json
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, cast

from vtorm.errors import ConfigurationError

__all__ = ["DATA_FILE", "column_of", "derive", "dumps", "main", "standard_columns"]

#: Where the shipped data lives, relative to the codegen package.
DATA_FILE = "data/columns.json"


def derive(reference: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Module -> field -> `column_type`, from the reference `columns.json` (sorted keys)."""
    modules: object = reference.get("modules")
    if not isinstance(modules, Mapping):
        raise ConfigurationError("columns reference: no 'modules' object")
    result: dict[str, dict[str, str]] = {}
    for module, fields in sorted(cast("Mapping[str, object]", modules).items()):
        if not isinstance(fields, Mapping):
            raise ConfigurationError(f"columns reference: {module} is not an object")
        described = cast("Mapping[str, object]", fields)
        result[module] = {
            name: _column_type(module, name, info) for name, info in sorted(described.items())
        }
    return result


def _column_type(module: str, name: str, info: object) -> str:
    facts = cast("Mapping[str, object]", info if isinstance(info, Mapping) else {})
    column = facts.get("column_type")
    if not isinstance(column, str) or not column:
        raise ConfigurationError(f"columns reference: {module}.{name} has no column_type")
    return column


def dumps(columns: Mapping[str, Mapping[str, str]]) -> str:
    """Deterministic JSON text for the data file."""
    return json.dumps(columns, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


@functools.cache
def standard_columns() -> Mapping[str, Mapping[str, str]]:
    """The shipped module -> field -> column type table."""
    text = (resources.files("codegen") / DATA_FILE).read_text("utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def column_of(module: str, field: str) -> str:
    """The storage column of a standard field, "" when it is not one codegen knows."""
    return standard_columns().get(module, {}).get(field, "")


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m codegen.columns REFERENCE [OUTPUT]`: rewrite the data file from a capture."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) not in (1, 2):
        print("usage: python -m codegen.columns REFERENCE_COLUMNS_JSON [OUTPUT]", file=sys.stderr)
        return 2
    reference = json.loads(Path(args[0]).read_text("utf-8"))
    output = Path(args[1]) if len(args) == 2 else Path(str(resources.files("codegen") / DATA_FILE))
    output.write_text(dumps(derive(reference)), "utf-8")
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
