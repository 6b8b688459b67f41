"""Schema snapshots: the embedded server answers with the schema a CRM was generated from.

A snapshot is what a real server said about its schema, as `vtorm generate` keeps it beside
the models (`<package>/vtorm.schema/`) and `vtorm schema dump` writes it:

    <snapshot>/listtypes.json              the listtypes result (or its whole envelope)
    <snapshot>/describe/<Type>.json        one describe result per type
    <snapshot>/relatedtypes/<Type>.json    relatedtypes results (optional), or one
    <snapshot>/relatedtypes.json           {type: relatedtypes result or null}
    <snapshot>/columns.json                {"modules": {type: {field: {"column_type": ...}}}}
                                           storage columns where known (optional)

or the same members in one JSON file (`{"listtypes": ..., "describe": {type: ...},
"relatedtypes": ..., "columns": ...}`). A type listtypes names without a describe (a package
generated with `--modules`) is served with the standard 8.0 describe when there is one, and
left out otherwise. A generated package names its snapshot by holding one: in
`vtorm.schema/`, in `schema/`, as `schema.json`, or in the package folder itself.
`load_schema` accepts any of these, a package's import name ("myapp.crm"), or a `Schema`.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from vtorm.emulator.schema import Schema

__all__ = ["SchemaSource", "SnapshotError", "find_snapshot", "load_schema", "load_snapshot"]

SchemaSource = Schema | str | os.PathLike[str] | ModuleType


class SnapshotError(ValueError):
    """A schema snapshot that cannot be found or read (the message names the file)."""


def load_schema(source: SchemaSource) -> Schema:
    """The schema a snapshot path, a generated package (module or import name) or Schema holds."""
    if isinstance(source, Schema):
        return source
    return load_snapshot(find_snapshot(source))


def find_snapshot(source: str | os.PathLike[str] | ModuleType) -> Path:
    """The snapshot file or folder a path, package module or package import name points at."""
    if isinstance(source, ModuleType):
        folder = _module_folder(source.__name__, getattr(source, "__file__", None))
        return _in_folder(folder, f"package {source.__name__}")
    path = Path(source)
    if path.exists():
        return path if path.is_file() else _in_folder(path, str(path))
    name = str(source)
    if not name.replace(".", "").replace("_", "").isalnum():
        raise SnapshotError(f"schema snapshot {name!r}: no such file or folder")
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError) as exc:
        raise SnapshotError(f"schema snapshot {name!r}: not a path, nor a package: {exc}") from exc
    if spec is None:
        raise SnapshotError(f"schema snapshot {name!r}: no such file, folder or package")
    locations = list(spec.submodule_search_locations or ())
    folder = Path(locations[0]) if locations else _module_folder(name, spec.origin)
    return _in_folder(folder, f"package {name}")


def _module_folder(name: str, file: str | None) -> Path:
    if not file:
        raise SnapshotError(f"package {name} has no folder to hold a schema snapshot")
    return Path(file).parent


def _in_folder(folder: Path, what: str) -> Path:
    """The snapshot inside a folder: the folder itself, `schema/`, or `schema.json`."""
    for candidate in (folder / "vtorm.schema", folder / "schema", folder):
        if (candidate / "listtypes.json").is_file():
            return candidate
    if (folder / "schema.json").is_file():
        return folder / "schema.json"
    if any(folder.glob("*.json")) and not (folder / "__init__.py").exists():
        return folder  # a folder of bare describe payloads (laid over the standard schema)
    raise SnapshotError(
        f"{what}: no schema snapshot in {folder} (expected vtorm.schema/listtypes.json,"
        " schema/listtypes.json, schema.json or listtypes.json; `vtorm generate` writes one"
        " beside the models)"
    )


def load_snapshot(path: Path) -> Schema:
    """Read a snapshot file or folder into a Schema."""
    if path.is_file():
        data = _read(path)
        if not isinstance(data, Mapping) or "listtypes" not in data:
            raise SnapshotError(f"{path}: a schema file needs 'listtypes' and 'describe' members")
        return _build(data, str(path))
    if not (path / "listtypes.json").is_file():
        return Schema.from_directory(path)
    members: dict[str, Any] = {"listtypes": _read(path / "listtypes.json")}
    members["describe"] = {f.stem: _read(f) for f in sorted((path / "describe").glob("*.json"))}
    related = {f.stem: _read(f) for f in sorted((path / "relatedtypes").glob("*.json"))}
    if (path / "relatedtypes.json").is_file():
        related = {**_read(path / "relatedtypes.json"), **related}
    members["relatedtypes"] = related
    if (path / "columns.json").is_file():
        members["columns"] = _read(path / "columns.json")
    return _build(members, str(path))


def _build(members: Mapping[str, Any], where: str) -> Schema:
    listtypes = _result(members["listtypes"], f"{where}: listtypes")
    describes = members.get("describe")
    if not isinstance(describes, Mapping):
        raise SnapshotError(f"{where}: 'describe' must map each type to its describe result")
    standard = Schema.standard()
    ordered = []
    for name in listtypes.get("types") or ():
        if name in describes:
            ordered.append(_result(describes[name], f"{where}: describe {name}"))
        elif name in standard:
            ordered.append(standard[name].describe)  # not generated: the stock describe
    if not ordered:
        raise SnapshotError(f"{where}: none of the types in listtypes has a describe")
    related = {
        name: None if value is None else _result(value, f"{where}: relatedtypes {name}")
        for name, value in {**standard.related, **(members.get("relatedtypes") or {})}.items()
    }
    served = {str(d["name"]) for d in ordered}
    related = {name: value for name, value in related.items() if name in served}
    schema = Schema.from_describes(ordered, listtypes.get("information"), related)
    columns = _columns(members.get("columns") or {})
    return Schema(modules=schema.modules, related=schema.related, columns=columns)


def _columns(data: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """`{type: {field: "varchar(80)"}}` from columns.json (raw strings or capture rows)."""
    modules = data.get("modules", data)
    out: dict[str, dict[str, str]] = {}
    for module, fields in modules.items():
        if not isinstance(fields, Mapping):
            continue
        out[str(module)] = {
            str(name): str(info.get("column_type") if isinstance(info, Mapping) else info)
            for name, info in fields.items()
        }
    return out


def _result(data: Any, where: object) -> Mapping[str, Any]:
    """A webservice result, unwrapped from its envelope when there is one."""
    if isinstance(data, Mapping) and "success" in data:
        if not data["success"]:
            raise SnapshotError(f"{where}: the saved answer is an error: {data.get('error')}")
        data = data.get("result")
    if not isinstance(data, Mapping):
        raise SnapshotError(f"{where}: expected a JSON object")
    return data


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{path}: cannot read JSON: {exc}") from exc
