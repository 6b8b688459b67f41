"""Codegen's own reading of the webservice's schema answers: `listtypes`, `describe` and
`relatedtypes` JSON -> frozen dataclasses.

The generator parses what the server says itself, with its own rules, so a parsing bug in
the embedded server cannot hide in the models generated from it (and the other way round).
Only the facts codegen uses are kept; anything malformed is a `ConfigurationError` naming
the module and field, raised before anything is planned or written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from vtorm.errors import ConfigurationError

__all__ = [
    "DescribedField",
    "DescribedModule",
    "DescribedSchema",
    "parse_describe",
    "parse_relations",
    "parse_schema",
    "result_of",
]


@dataclass(frozen=True)
class DescribedField:
    """One field of a `describe` answer."""

    name: str
    label: str
    type: str
    mandatory: bool = False
    editable: bool = True
    default: str = ""
    refers_to: tuple[str, ...] = ()
    picklist_values: tuple[str, ...] = ()


@dataclass(frozen=True)
class DescribedModule:
    """One type: its names, id prefix, fields in describe order, relations by label."""

    name: str
    label: str
    singular: str
    id_prefix: str
    is_entity: bool
    fields: tuple[DescribedField, ...]
    #: Relation label -> related entity module, from `relatedtypes` (label order).
    relations: Mapping[str, str] = field(default_factory=dict[str, str])

    def field(self, name: str) -> DescribedField | None:
        """The field called exactly `name`, or None."""
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class DescribedSchema:
    """Every described module in `listtypes` order, and the raw answers they came from.

    The raw answers (`listtypes`, each `describe` and `relatedtypes` result) are kept so a
    snapshot of exactly what the server said can be written beside the models.
    """

    modules: Mapping[str, DescribedModule]
    listtypes: Mapping[str, Any] = field(default_factory=dict[str, Any])
    describes: Mapping[str, Mapping[str, Any]] = field(default_factory=dict[str, Any])
    related: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict[str, Any])

    def __contains__(self, name: object) -> bool:
        return name in self.modules

    def __getitem__(self, name: str) -> DescribedModule:
        return self.modules[name]


def result_of(data: object, what: str) -> Mapping[str, Any]:
    """The `result` of an envelope, or `data` itself when it is already a result."""
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"{what}: expected a JSON object, got {type(data).__name__}")
    mapping = cast("Mapping[str, Any]", data)
    if "success" in mapping:
        inner: object = mapping.get("result")
        if not mapping["success"] or not isinstance(inner, Mapping):
            raise ConfigurationError(f"{what}: the envelope carries no result: {dict(mapping)!r}")
        return cast("Mapping[str, Any]", inner)
    return mapping


def _text(data: Mapping[str, Any], key: str, what: str, default: str | None = None) -> str:
    """A string member; missing or empty gives `default` (an error when there is none)."""
    value: object = data.get(key)
    if value is None or value == "":
        if default is None:
            raise ConfigurationError(f"{what}: {key!r} is missing or empty")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ConfigurationError(f"{what}: {key!r} must be a string, got {value!r}")
    return str(value)


def _flag(data: Mapping[str, Any], key: str, default: bool) -> bool:
    """JSON booleans, or the "0"/"1"/"true"/"false" strings PHP sends for some of them."""
    value: object = data.get(key, default)
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no")
    return bool(value)


def _parse_field(data: object, module: str) -> DescribedField:
    if not isinstance(data, Mapping):
        raise ConfigurationError(f"describe {module}: a field is not an object: {data!r}")
    facts = cast("Mapping[str, Any]", data)
    name = _text(facts, "name", f"describe {module}")
    where = f"describe {module}.{name}"
    ftype: object = facts.get("type") or {}
    if not isinstance(ftype, Mapping):
        raise ConfigurationError(f"{where}: 'type' must be an object, got {ftype!r}")
    kind = cast("Mapping[str, Any]", ftype)
    return DescribedField(
        name=name,
        label=_text(facts, "label", where, name),
        type=_text(kind, "name", where, "string"),
        mandatory=_flag(facts, "mandatory", False),
        editable=_flag(facts, "editable", True),
        default=str(facts.get("default") or ""),
        refers_to=tuple(_strings(kind.get("refersTo"), f"{where}: refersTo")),
        picklist_values=tuple(_picklist(kind.get("picklistValues"), where)),
    )


def _strings(value: object, what: str) -> list[str]:
    if value is None:
        return []
    items = cast("list[object]", value) if isinstance(value, list) else None
    if items is None or not all(isinstance(v, str) for v in items):
        raise ConfigurationError(f"{what} must be a list of strings, got {value!r}")
    return [str(v) for v in items]


def _picklist(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ConfigurationError(f"{where}: picklistValues must be a list, got {value!r}")
    values: list[str] = []
    for entry in cast("list[object]", value):
        facts = cast("Mapping[str, object]", entry if isinstance(entry, Mapping) else {})
        item = facts.get("value")
        if item is None:
            raise ConfigurationError(f"{where}: a picklist entry has no value: {entry!r}")
        values.append(str(item))
    return values


def parse_describe(
    data: object,
    info: Mapping[str, Any] | None = None,
    relations: Mapping[str, str] | None = None,
) -> DescribedModule:
    """One `describe` result (or envelope); `info` is its `listtypes` information entry."""
    result = result_of(data, "describe")
    name = _text(result, "name", "describe")
    where = f"describe {name}"
    fields: object = result.get("fields", [])
    if not isinstance(fields, list):
        raise ConfigurationError(f"{where}: 'fields' must be a list, got {fields!r}")
    facts = info or {}
    label = str(facts.get("label") or result.get("label") or name)
    return DescribedModule(
        name=name,
        label=label,
        singular=str(facts.get("singular") or result.get("label") or name),
        id_prefix=_text(result, "idPrefix", where),
        is_entity=_flag(result, "isEntity", _flag(facts, "isEntity", True)),
        fields=tuple(_parse_field(f, name) for f in cast("list[object]", fields)),
        relations=dict(relations or {}),
    )


def parse_relations(data: object) -> dict[str, str]:
    """Label -> module of the entity relations in one `relatedtypes` result, by label.

    Non-entity types have no result (None), and an empty `information` arrives as a JSON
    list (PHP's empty array), so both give `{}`.
    """
    if data is None:
        return {}
    information: object = result_of(data, "relatedtypes").get("information")
    if not isinstance(information, Mapping):
        return {}
    entries = cast("Mapping[object, object]", information)
    relations: dict[str, str] = {}
    for label, info in sorted(entries.items(), key=lambda item: str(item[0])):
        if not isinstance(info, Mapping):
            continue
        facts = cast("Mapping[str, object]", info)
        module = str(facts.get("name") or "")
        if module and str(label) and _flag(facts, "isEntity", True):
            relations[str(label)] = module
    return relations


def parse_schema(
    listtypes: object,
    describes: Iterable[object],
    related: Mapping[str, object | None] | None = None,
) -> DescribedSchema:
    """The schema of a server from its `listtypes`, `describe` and `relatedtypes` answers."""
    listing = result_of(listtypes, "listtypes")
    information: object = listing.get("information") or {}
    if not isinstance(information, Mapping):
        raise ConfigurationError(f"listtypes: 'information' must be an object, got {information!r}")
    info = cast("Mapping[str, Mapping[str, Any]]", information)
    raw_related = dict(related or {})
    modules: dict[str, DescribedModule] = {}
    results: dict[str, Mapping[str, Any]] = {}
    for data in describes:
        result = result_of(data, "describe")
        name = _text(result, "name", "describe")
        relations = parse_relations(raw_related.get(name))
        modules[name] = parse_describe(result, info.get(name), relations)
        results[name] = result
    kept = {
        name: cast("Mapping[str, Any] | None", raw_related.get(name))
        for name in modules
        if name in raw_related
    }
    return DescribedSchema(modules, listing, results, kept)
