"""Plan the typed reverse and many-to-many relation methods (`account.related_contacts()`).

`relatedtypes(module)` lists the relations of a module keyed by label (`codegen.describe`
parses them into `DescribedModule.relations`); one module may be related under several
labels (Products: "Product Bundles" and "Parent Product"). Each relation to a generated
entity module becomes a method named `related_<label>` returning `TargetRelatedRecords` (a
`RelatedRecords[Target]` whose `filter`/`exclude` take the target's typed lookups;
`query_related` to list, `add_related` to link). Names are settled after the names kept in
the lock file, in label order: a taken name gets the target's file stem appended, then
`_2`, `_3`... The whole relation set (label -> module) also becomes the class's
`vtiger_relations`, which `Model.related()` uses to find the label for a model.

Generated modules never import each other at run time (related modules point at each
other, so that would be an import cycle): a method names its target's classes for type
checkers only (`if TYPE_CHECKING:`) and asks `Model.related(label)` for the records, which
finds the target model in the registry and returns its `XRelatedRecords` class.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from codegen import naming
from codegen.layout import LINE_LENGTH, Group, doc_text, lay_out, py_string
from codegen.lock import LockedRelation

__all__ = [
    "ReversePlan",
    "ReversesPlan",
    "plan_reverse",
    "records_class",
    "reverse_name",
    "targets_of",
]

#: What every reverse accessor's name starts with (and the runtime's generic entry point).
PREFIX = "related"


@dataclass(frozen=True)
class ReversePlan:
    """One `related_<label>()` method, laid out at class indent."""

    name: str
    label: str
    module: str
    target: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class ReversesPlan:
    """A model's reverse methods, its `vtiger_relations` lines, and the classes they name."""

    methods: tuple[ReversePlan, ...] = ()
    relations: tuple[str, ...] = ()  # the `vtiger_relations` ClassVar, indent 4
    #: target file stem -> the `XRelatedRecords` names the methods annotate with
    type_names: Mapping[str, frozenset[str]] = field(default_factory=dict[str, frozenset[str]])
    labels: Mapping[str, str] = field(default_factory=dict[str, str])  # label -> module

    @property
    def locked(self) -> dict[str, LockedRelation]:
        """Every relation by label, with its method's name ("" when not generated)."""
        names = {method.label: method.name for method in self.methods}
        return {
            label: LockedRelation(module, names.get(label, ""))
            for label, module in self.labels.items()
        }


def reverse_name(label: str, stem: str, taken: Iterable[str]) -> str:
    """`related_<label>`; when taken, `related_<label>_<stem>`, then `_2`, `_3`...

    >>> reverse_name("Sales Order", "sales_order", ()), reverse_name("x", "y", ["related_x"])
    ('related_sales_order', 'related_x_y')
    """
    blocked = set(taken)
    slug = naming.slugify(label) or stem
    name = f"{PREFIX}_{slug}"
    if name in blocked:
        name = f"{name}_{stem}"
    base, counter = name, 2
    while name in blocked:
        name, counter = f"{base}_{counter}", counter + 1
    return name


def plan_reverse(
    class_name: str,
    labels: Mapping[str, str],
    classes: Mapping[str, tuple[str, str]],
    taken: Iterable[str],
    locked: Mapping[str, LockedRelation] | None = None,
) -> ReversesPlan:
    """The reverse methods of one model; `classes` maps modules to `(class, file stem)`,
    `labels` are the module's relations (label -> module), `locked` holds the method names
    a previous run chose (kept while still usable)."""
    blocked = set(taken)
    names: dict[str, str] = {}
    for label, old in (locked or {}).items():
        if labels.get(label) == old.module and _keepable(old.method, blocked, classes, old):
            names[label] = old.method
            blocked.add(old.method)
    methods: list[ReversePlan] = []
    imports: dict[str, set[str]] = {}
    for label, module in labels.items():
        if module not in classes:
            continue
        target, stem = classes[module]
        name = names.get(label) or reverse_name(label, stem, blocked)
        blocked.add(name)
        own = "" if target == class_name else stem
        if own:
            imports.setdefault(own, set()).add(records_class(target))
        methods.append(ReversePlan(name, label, module, target, _method(name, label, target, own)))
    type_names = {stem: frozenset(names) for stem, names in imports.items()}
    return ReversesPlan(tuple(methods), _relations_lines(labels), type_names, labels)


def records_class(target: str) -> str:
    """The generated `RelatedRecords` subclass of a model, with its typed `filter`/`exclude`."""
    return f"{target}RelatedRecords"


def targets_of(
    relations: Iterable[Mapping[str, str]], classes: Mapping[str, object]
) -> frozenset[str]:
    """The generated modules some generated module has a reverse relation method to."""
    return frozenset(
        module for labels in relations for module in labels.values() if module in classes
    )


def _keepable(
    name: str, blocked: set[str], classes: Mapping[str, tuple[str, str]], old: LockedRelation
) -> bool:
    """Whether a locked method name can be kept: generated, free, and still a method name."""
    fresh = name.startswith(f"{PREFIX}_") and name.isidentifier()
    return bool(name) and old.module in classes and fresh and name not in blocked


def _relations_lines(labels: Mapping[str, str]) -> tuple[str, ...]:
    if not labels:
        return ()
    items = tuple(f"{py_string(label)}: {py_string(module)}" for label, module in labels.items())
    head = "vtiger_relations: ClassVar[Mapping[str, str]] = "
    return tuple(lay_out(Group(head, "{", items, "}"), 4, hug=False))


def _method(name: str, label: str, target: str, stem: str) -> tuple[str, ...]:
    """The method; a target in another module comes from the registry, through `related()`.

    The `cast` only names for type checkers what `related(label)` returns at run time: the
    target's `XRelatedRecords` (its `vtiger_related_records_class`).
    """
    returns = records_class(target)
    header = lay_out(Group(f"def {name}", "(", ("self",), ")"), 4, f" -> {returns}:", hug=False)
    if stem:
        related = Group("self.related", "(", (py_string(label),), ")")
        call = Group("return cast", "(", (py_string(returns), related), ")")
    else:
        call = Group(f"return {returns}.of", "(", ("self", target, py_string(label)), ")")
    return (*header, _docstring(label, target), *lay_out(call, 8))


def _docstring(label: str, target: str) -> str:
    """The first of a few phrasings that fits the line (labels are server text)."""
    shown = doc_text(label)
    pad = " " * 8
    for text in (
        f"{target} records under the relation '{shown}' (lazy).",
        f"Records under the relation '{shown}' (lazy).",
    ):
        line = f'{pad}"""{text}"""'
        if len(line) <= LINE_LENGTH:
            return line
    return f'{pad}"""Related records (lazy)."""'
