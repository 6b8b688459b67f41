"""The schema snapshot: exactly what the server answered, written beside the models.

    <package>/vtorm.schema/listtypes.json
    <package>/vtorm.schema/describe/<Type>.json       one per generated type
    <package>/vtorm.schema/relatedtypes/<Type>.json   one per generated entity type

A reviewer sees a CRM change as a diff of these files next to the diff of the models, and
the describe files are `--schema DIR` payloads, so a package can be regenerated offline
(`vtorm generate --demo --schema <package>/vtorm.schema/describe`). `vtorm schema dump
--output DIR` writes the same files without generating. JSON keys are sorted and lists keep
the server's order, so the same answers always give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from codegen.describe import DescribedSchema

__all__ = ["SNAPSHOT_DIR", "dumps", "is_snapshot_file", "snapshot_files"]

#: The folder `vtorm generate` writes the snapshot to, inside the package.
SNAPSHOT_DIR = "vtorm.schema"


def dumps(data: Mapping[str, Any] | None) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, a final newline."""
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def snapshot_files(
    schema: DescribedSchema, modules: Iterable[str], prefix: str = ""
) -> dict[str, str]:
    """Relative path -> text of the snapshot of `modules` (paths start with `prefix`)."""
    files = {f"{prefix}listtypes.json": dumps(schema.listtypes)}
    for name in sorted(modules):
        files[f"{prefix}describe/{name}.json"] = dumps(schema.describes[name])
        related = schema.related.get(name)
        if related is not None:
            files[f"{prefix}relatedtypes/{name}.json"] = dumps(related)
    return dict(sorted(files.items()))


def is_snapshot_file(relative: str) -> bool:
    """Whether a path (relative to the package, `/`-separated) is one the snapshot owns."""
    head, _, rest = relative.partition("/")
    return head == SNAPSHOT_DIR and rest.endswith(".json")
