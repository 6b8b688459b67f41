"""Plan the typed forward-relation accessors of reference and owner fields.

`contact.account` returns the `Account` that `account_id` points at (fetched once through
`Model.vtiger_related`, then cached); a field that may point at several modules returns a
union, dispatched on the id prefix; owner fields resolve to `User` or `Group`. Target
modules that are not in the package are left out. Target classes are imported inside the
accessor (and under `TYPE_CHECKING` for annotations), so models may refer to each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import inflection

from codegen import naming
from codegen.describe import DescribedField
from codegen.layout import Group, lay_out, py_string

__all__ = ["RelationPlan", "RelationsPlan", "accessor_name", "plan_relations"]

_OWNER_TARGETS = ("Users", "Groups")


@dataclass(frozen=True)
class RelationPlan:
    """One accessor property: its name, return annotation and body lines (indent 8)."""

    name: str
    field: str
    returns: str
    body: tuple[str, ...]


@dataclass(frozen=True)
class RelationsPlan:
    """A model's accessors plus what its module needs under `if TYPE_CHECKING:`."""

    accessors: tuple[RelationPlan, ...] = ()
    type_imports: tuple[str, ...] = ()  # indent 4
    aliases: tuple[str, ...] = ()  # indent 4

    @property
    def type_checking_block(self) -> tuple[str, ...]:
        """The body of the module-level `if TYPE_CHECKING:` block."""
        if self.type_imports and self.aliases:
            return (*self.type_imports, "", *self.aliases)
        return (*self.type_imports, *self.aliases)


def accessor_name(field: str, taken: Iterable[str]) -> str:
    """`account_id` -> `account`, `productid` -> `product`; else `<field>_record`.

    >>> accessor_name("account_id", ()), accessor_name("modifiedby", ())
    ('account', 'modifiedby_record')
    """
    blocked = set(taken)
    stem = field.removesuffix("_id") if field.endswith("_id") else field.removesuffix("id")
    base = stem if stem != field and len(stem) > 1 and stem[-1].isalpha() else f"{field}_record"
    name = naming.safe_name(base if base not in blocked else f"{base}_record")
    while name in blocked:
        name += "_record"
    return name


def plan_relations(
    class_name: str,
    fields: Iterable[tuple[str, DescribedField]],
    classes: Mapping[str, tuple[str, str]],
    taken: Iterable[str],
) -> RelationsPlan:
    """Accessors for the `(python name, field)` pairs that are references.

    `classes` maps each module in the package to `(class name, file stem)`.
    """
    blocked = set(taken)
    accessors: list[RelationPlan] = []
    imports: dict[str, str] = {}
    aliases: list[str] = []
    for name, f in fields:
        wanted = _OWNER_TARGETS if f.type == "owner" else f.refers_to
        targets = [classes[m] for m in dict.fromkeys(wanted) if m in classes]
        if f.type not in ("reference", "owner") or not targets:
            continue
        accessor = accessor_name(name, blocked)
        blocked.add(accessor)
        for target, stem in targets:
            if target != class_name:
                imports[stem] = f"    from .{stem} import {target}"
        returns = targets[0][0]
        if len(targets) > 1:
            returns = class_name + inflection.camelize(accessor.strip("_")) + "Target"
            while returns in blocked:
                returns += "_"
            blocked.add(returns)
            union = Group(f"{returns}: TypeAlias = ", "(", tuple(t for t, _ in targets), ")")
            aliases += lay_out(Group(union.head, "(", union.items, ")", union=True), 4)
        body = _body(name, class_name, targets)
        accessors.append(RelationPlan(accessor, name, f"{returns} | None", body))
    type_imports = tuple(imports[stem] for stem in sorted(imports))
    return RelationsPlan(tuple(accessors), type_imports, tuple(aliases))


def _body(field: str, class_name: str, targets: list[tuple[str, str]]) -> tuple[str, ...]:
    pad = " " * 8
    lines = [
        f"{pad}from .{stem} import {target}"
        for target, stem in sorted(targets, key=lambda t: t[1])
        if target != class_name
    ]
    if lines:
        lines.append("")
    names = tuple(target for target, _ in targets)
    if len(names) == 1:
        call = Group("return self.vtiger_related", "(", (py_string(field), names[0]), ")")
        return (*lines, *lay_out(call, 8))
    lines += lay_out(Group("targets = ", "(", names, ")", tuple_=True), 8)
    lines += lay_out(
        Group("record = self.vtiger_related", "(", (py_string(field), "*targets"), ")"), 8
    )
    lines.append(f"{pad}return record if isinstance(record, targets) else None")
    return tuple(lines)
