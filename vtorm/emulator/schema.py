"""The emulated server's schema: module and field descriptions read from describe payloads.

The standard Vtiger 8.0 schema ships as package data (`data/describe/*.json`, the `result`
of a real server's `describe` for each of the 35 types, plus `listtypes.json` and
`relatedtypes.json`). Any other set of describe payloads can be loaded the same way, which
is how custom fields get in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["FieldSchema", "ModuleSchema", "Schema"]

#: What a stock 8.0 describe lists after `id` on an entity type without it being a column of
#: the record: Products' and Services' taxes and price currency, the inventory's shipping
#: and handling with its taxes. Retrieve and query leave them out.
DESCRIBE_ONLY = re.compile(r"tax\d+|currency\d+|shipping_&_handling(?:_shtax\d+)?")


@dataclass(frozen=True)
class FieldSchema:
    """One field of a module, as `describe` lists it."""

    name: str
    label: str
    type: str
    mandatory: bool
    editable: bool
    nullable: bool
    default: str
    is_unique: bool
    refers_to: tuple[str, ...] = ()
    picklist_values: tuple[str, ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_describe(cls, data: Mapping[str, Any]) -> FieldSchema:
        ftype = data.get("type") or {}
        picklist = tuple(str(v["value"]) for v in ftype.get("picklistValues") or ())
        return cls(
            name=str(data["name"]),
            label=str(data.get("label", data["name"])),
            type=str(ftype.get("name", "string")),
            mandatory=bool(data.get("mandatory", False)),
            editable=bool(data.get("editable", True)),
            nullable=bool(data.get("nullable", True)),
            default=str(data.get("default") or ""),
            is_unique=bool(data.get("isunique", False)),
            refers_to=tuple(ftype.get("refersTo") or ()),
            picklist_values=picklist,
            raw=data,
        )


@dataclass(frozen=True)
class ModuleSchema:
    """One element type: its id prefix, fields in describe order, and its raw describe."""

    name: str
    label: str
    singular: str
    id_prefix: str
    is_entity: bool
    allow_duplicates: bool
    label_fields: tuple[str, ...]
    fields: tuple[FieldSchema, ...]
    describe: Mapping[str, Any] = field(compare=False, repr=False)

    @classmethod
    def from_describe(
        cls, data: Mapping[str, Any], info: Mapping[str, Any] | None = None
    ) -> ModuleSchema:
        info = info or {}
        label_fields = str(data.get("labelFields") or "")
        return cls(
            name=str(data["name"]),
            label=str(info.get("label", data.get("label", data["name"]))),
            singular=str(info.get("singular", data.get("label", data["name"]))),
            id_prefix=str(data["idPrefix"]),
            is_entity=bool(data.get("isEntity", info.get("isEntity", True))),
            allow_duplicates=bool(data.get("allowDuplicates", True)),
            label_fields=tuple(f for f in label_fields.split(",") if f),
            fields=tuple(FieldSchema.from_describe(f) for f in data.get("fields", ())),
            describe=data,
        )

    def field(self, name: str) -> FieldSchema | None:
        """The field called exactly `name` (names are case-sensitive), or None."""
        return self.fields_by_name.get(name)

    @property
    def record_fields(self) -> tuple[FieldSchema, ...]:
        """The fields a record holds, in the order retrieve answers them.

        Other types: describe's order. Entity types: `id` last, and of what describe lists
        after `id`, only the describe-only fields (`DESCRIBE_ONLY`) are left out; any other
        field there (a snapshot's or a hand-written describe's custom field) is record data,
        answered before `id` like the fields describe lists before it.
        """
        cached: tuple[FieldSchema, ...] | None = self.__dict__.get("_record_fields")
        if cached is None:
            names = [f.name for f in self.fields]
            if not self.is_entity or "id" not in names:
                cached = self.fields
            else:
                at = names.index("id")
                after = [f for f in self.fields[at + 1 :] if not DESCRIBE_ONLY.fullmatch(f.name)]
                cached = (*self.fields[:at], *after, self.fields[at])
            object.__setattr__(self, "_record_fields", cached)
        return cached

    @property
    def fields_by_name(self) -> Mapping[str, FieldSchema]:
        cached: dict[str, FieldSchema] | None = self.__dict__.get("_by_name")
        if cached is None:
            cached = {f.name: f for f in self.fields}
            object.__setattr__(self, "_by_name", cached)
        return cached


@dataclass(frozen=True)
class Schema:
    """Every module the emulated server knows, in listtypes order."""

    modules: Mapping[str, ModuleSchema]
    related: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    #: Storage column types where a snapshot knows them: {type: {field: "varchar(80)"}}.
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def column_type(self, module: str, name: str) -> str | None:
        """The MySQL column type of a field ("decimal(25,8)"), when the snapshot says."""
        return self.columns.get(module, {}).get(name)

    def __contains__(self, name: object) -> bool:
        return name in self.modules

    def __getitem__(self, name: str) -> ModuleSchema:
        return self.modules[name]

    def by_prefix(self, prefix: str) -> ModuleSchema | None:
        """The module whose ids start with `prefix` + "x"."""
        for module in self.modules.values():
            if module.id_prefix == prefix:
                return module
        return None

    @classmethod
    def standard(cls) -> Schema:
        """The 35 types of a stock Vtiger 8.0 install."""
        root = resources.files("vtorm.emulator") / "data"
        listtypes = json.loads((root / "listtypes.json").read_text("utf-8"))
        describes = [
            json.loads((root / "describe" / f"{name}.json").read_text("utf-8"))
            for name in listtypes["types"]
        ]
        related = json.loads((root / "relatedtypes.json").read_text("utf-8"))
        return cls.from_describes(describes, listtypes.get("information"), related)

    @classmethod
    def from_describes(
        cls,
        describes: Iterable[Mapping[str, Any]],
        information: Mapping[str, Mapping[str, Any]] | None = None,
        related: Mapping[str, Mapping[str, Any] | None] | None = None,
    ) -> Schema:
        """A schema from describe results (the `result` member, or whole envelopes)."""
        info = information or {}
        modules: dict[str, ModuleSchema] = {}
        for data in describes:
            result = data.get("result", data) if "success" in data else data
            module = ModuleSchema.from_describe(result, info.get(str(result["name"])))
            modules[module.name] = module
        return cls(modules=modules, related=dict(related or {}))

    @classmethod
    def from_directory(cls, path: str | Path, base: Schema | None = None) -> Schema:
        """`base` (default: the standard schema) with every `<Type>.json` in `path` laid over it."""
        base = base or cls.standard()
        modules = dict(base.modules)
        for file in sorted(Path(path).glob("*.json")):
            data = json.loads(file.read_text("utf-8"))
            result = data.get("result", data) if "success" in data else data
            old = modules.get(str(result["name"]))
            info = {"label": old.label, "singular": old.singular} if old else None
            modules[str(result["name"])] = ModuleSchema.from_describe(result, info)
        return cls(modules=modules, related=base.related)
