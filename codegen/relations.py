"""Plan the typed forward-relation accessors of reference and owner fields.

`contact.account` returns the `Account` that `account_id` points at (fetched once through
`Model.vtiger_related`, then cached); a field that may point at several modules returns a
union, dispatched on the id prefix; owner fields resolve to `User` or `Group`. Target
modules that are not in the package are left out. The accessor names no class at runtime:
`vtiger_related(field)` finds the target class through vtorm's model registry (the class of
the same package first), and its return annotation, from an `if TYPE_CHECKING:` import,
tells type checkers which class that is. So generated modules never import each other for
forward relations, and a model module that others import by name (`LineItem`) stays free
of import cycles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

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
    #: sibling file stem -> the names imported from it for annotations only
    type_names: Mapping[str, frozenset[str]] = field(default_factory=dict[str, frozenset[str]])
    aliases: tuple[str, ...] = ()  # indent 4

    def importing(self, extra: Mapping[str, Iterable[str]]) -> RelationsPlan:
        """The same plan, also importing `extra` (stem -> names) for annotations."""
        names = {stem: set(found) for stem, found in self.type_names.items()}
        for stem, found in extra.items():
            names.setdefault(stem, set()).update(found)
        merged = {stem: frozenset(found) for stem, found in names.items()}
        return RelationsPlan(self.accessors, merged, self.aliases)

    @property
    def type_imports(self) -> tuple[str, ...]:
        """`from .stem import A, B` lines (indent 4), by stem."""
        return tuple(
            f"    from .{stem} import {', '.join(sorted(self.type_names[stem]))}"
            for stem in sorted(self.type_names)
        )

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
    imports: dict[str, set[str]] = {}
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
                imports.setdefault(stem, set()).add(target)
        returns = targets[0][0]
        if len(targets) > 1:
            returns = class_name + inflection.camelize(accessor.strip("_")) + "Target"
            while returns in blocked:
                returns += "_"
            blocked.add(returns)
            union = Group(f"{returns}: TypeAlias = ", "(", tuple(t for t, _ in targets), ")")
            aliases += lay_out(Group(union.head, "(", union.items, ")", union=True), 4)
        accessors.append(RelationPlan(accessor, name, f"{returns} | None", _body(name)))
    type_names = {stem: frozenset(found) for stem, found in imports.items()}
    return RelationsPlan(tuple(accessors), type_names, tuple(aliases))


def _body(field: str) -> tuple[str, ...]:
    """`return self.vtiger_related("field")`: the registry supplies the class at runtime."""
    return tuple(lay_out(Group("return self.vtiger_related", "(", (py_string(field),), ")"), 8))
