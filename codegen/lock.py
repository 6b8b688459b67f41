"""The lock file (`vtorm.lock.json`) written beside the generated models.

It records, per Vtiger module, the class name and, per wire field, the python name chosen
and the schema the package was generated from; per relation label (`relatedtypes`), the
related module and the reverse method's name ("" when that module is not generated). The
next `vtorm generate` reuses every recorded name, so renaming a label on the server never
renames an attribute in user code; `vtorm generate --check` compares the recorded schema
with the server's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vtorm.errors import ConfigurationError

__all__ = ["LOCK_FILE", "LockFile", "LockedField", "LockedModule", "LockedRelation"]

LOCK_FILE = "vtorm.lock.json"
_VERSION = 1


@dataclass(frozen=True)
class LockedField:
    """The python name of one wire field and the describe facts it was generated from."""

    name: str
    type: str
    label: str = ""
    mandatory: bool = False
    editable: bool = True
    refers_to: tuple[str, ...] = ()
    picklist: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type, "label": self.label}
        data.update(mandatory=self.mandatory, editable=self.editable)
        if self.refers_to:
            data["refers_to"] = list(self.refers_to)
        if self.picklist:
            data["picklist"] = list(self.picklist)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LockedField:
        return cls(
            name=str(data["name"]),
            type=str(data["type"]),
            label=str(data.get("label", "")),
            mandatory=bool(data.get("mandatory", False)),
            editable=bool(data.get("editable", True)),
            refers_to=tuple(str(m) for m in data.get("refers_to", ())),
            picklist=tuple(str(v) for v in data.get("picklist", ())),
        )


@dataclass(frozen=True)
class LockedRelation:
    """One relation of a module: the related module and the reverse method's name."""

    module: str
    method: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"module": self.module, "method": self.method}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LockedRelation:
        return cls(module=str(data["module"]), method=str(data.get("method", "")))


@dataclass(frozen=True)
class LockedModule:
    """One module's class name, its fields in describe order keyed by wire name, and its
    relations keyed by label (in label order)."""

    class_name: str
    fields: Mapping[str, LockedField] = field(default_factory=dict[str, LockedField])
    relations: Mapping[str, LockedRelation] = field(default_factory=dict[str, LockedRelation])

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "class": self.class_name,
            "fields": {wire: f.to_json() for wire, f in self.fields.items()},
        }
        if self.relations:
            data["relations"] = {label: r.to_json() for label, r in self.relations.items()}
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LockedModule:
        return cls(
            class_name=str(data["class"]),
            fields={str(wire): LockedField.from_json(f) for wire, f in data["fields"].items()},
            relations={
                str(label): LockedRelation.from_json(r)
                for label, r in data.get("relations", {}).items()
            },
        )


@dataclass(frozen=True)
class LockFile:
    """Every module of a generated package, keyed by Vtiger module name."""

    modules: Mapping[str, LockedModule] = field(default_factory=dict[str, LockedModule])

    def dumps(self) -> str:
        """Deterministic JSON text: modules sorted by name, fields in describe order."""
        data = {
            "version": _VERSION,
            "modules": {name: module.to_json() for name, module in sorted(self.modules.items())},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str, source: str = LOCK_FILE) -> LockFile:
        """Parse lock file text; a damaged file is a `ConfigurationError` naming it."""
        try:
            data = json.loads(text)
            modules = {
                str(name): LockedModule.from_json(module)
                for name, module in data["modules"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ConfigurationError(f"{source} is not a vtorm lock file: {exc}") from exc
        return cls(modules)

    @classmethod
    def read(cls, directory: Path) -> LockFile | None:
        """The lock file in `directory`, or None when there is none yet."""
        path = directory / LOCK_FILE
        if not path.is_file():
            return None
        return cls.loads(path.read_text("utf-8"), str(path))
