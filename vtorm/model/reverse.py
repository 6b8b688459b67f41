"""Reverse and many-to-many relations through the webservice's related operations.

`account.related(Contact)` lists the contacts of an account with `query_related`, paged by
id like any scan; `add(record)` links one more through `add_related`. The server rewrites a
`query_related` statement by putting its own `id IN (...)` right after `WHERE` and joining
the rest with AND, so only AND-conditions can be added: an OR would escape the id list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from typing_extensions import Self

from vtorm.errors import InvalidArgument, UnsupportedQuery, UsageError
from vtorm.ids import RecordId
from vtorm.model.registry import model_for
from vtorm.query.backend import Backend, server_timezone
from vtorm.query.compiler import QueryDescription, compile_query, filter_formula
from vtorm.query.filterable import Filterable
from vtorm.query.lookups import Formula, Junction
from vtorm.query.q import Q
from vtorm.wire import MAX_QUERY_ROWS

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["RelatedBackend", "RelatedRecords", "resolve_relation"]

M = TypeVar("M", bound="Model")


@runtime_checkable
class RelatedBackend(Backend, Protocol):
    """A backend that also answers the related operations."""

    def query_related(self, query: str, id: str, related_label: str, /) -> list[dict[str, Any]]: ...

    def add_related(
        self, source_id: str, related_id: str, relation_label: str | None = None, /
    ) -> None: ...


class RelatedRecords(Filterable, Generic[M]):
    """The records of `model` related to `source` under the relation `label` (lazy)."""

    def __init__(self, source: RecordId, model: type[M], label: str, backend: RelatedBackend):
        self.source = source
        self.model = model
        self.label = label
        self._backend = backend
        self._where: Formula | None = None

    @classmethod
    def of(cls, source: Model, model: type[M], label: str, *, using: Backend | None = None) -> Self:
        """The records of `model` related to the saved record `source` under `label`.

        The one way in: generated `related_<label>()` methods call it with their label, and
        `Model.related()` once it has settled the label. Sent through `using`, else the
        client `source` was loaded or saved through, else the default client.
        """
        if source.id is None:
            raise InvalidArgument(f"this {type(source).__name__} has no id yet: save it first")
        backend = source.vtiger_backend(using)
        if not isinstance(backend, RelatedBackend):
            raise UsageError(
                f"{type(backend).__name__} cannot answer query_related/add_related, so it "
                "cannot list related records"
            )
        return cls(source.id, model, label, backend)

    def _filter(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        """Runtime implementation of `filter()`."""
        return self._narrowed(conditions, lookups, negated=False)

    def _exclude(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        """Runtime implementation of `exclude()`."""
        return self._narrowed(conditions, lookups, negated=True)

    def _narrowed(
        self, conditions: tuple[Q, ...], lookups: Mapping[str, object], *, negated: bool
    ) -> Self:
        clone = type(self)(self.source, self.model, self.label, self._backend)
        fields = self.model.vtiger_fields
        formula = filter_formula(fields, conditions, lookups, negated=negated)
        clone._where = formula if self._where is None else Junction("AND", (self._where, formula))
        clone._statement(None)  # refuse what cannot be sent now, not when iterating
        return clone

    def _statement(self, after: RecordId | None) -> str:
        bound = after or RecordId.of(self.model.vtiger_id_prefix or "0", 0)
        description = QueryDescription(
            self.model.vtiger_module, self.model.vtiger_fields, self._where,
            timezone=server_timezone(self._backend),
        )  # fmt: skip
        compiled = compile_query(description)
        groups = compiled.groups
        if not groups:
            return ""
        first = groups[0]
        if len(groups) > 1 or len(first.terms) > 1:
            raise UnsupportedQuery(
                "related records can only be filtered with AND: the server puts its own "
                "'id IN (...) AND' in front of the condition, so an OR would escape it"
            )
        # Always a WHERE (upper case: the server splits on it) so ORDER BY/LIMIT survive.
        return compiled.page(first, after=bound).rstrip(";")

    def __iter__(self) -> Iterator[M]:
        after: RecordId | None = None
        while statement := self._statement(after):
            rows = self._backend.query_related(statement, self.source, self.label)
            if not rows:
                return
            for row in rows[:MAX_QUERY_ROWS]:
                yield self.model.vtiger_from_wire(row, self._backend)
            if len(rows) < MAX_QUERY_ROWS:
                return  # a short page is the last one: no request to learn that
            after = RecordId(rows[-1]["id"])

    def add(self, record: Model | str) -> None:
        """Relate one more record (the server allows this for some relations only)."""
        target = RecordId(record) if isinstance(record, str) else record.id
        if target is None:
            raise InvalidArgument("save the record before relating it: it has no id yet")
        self._backend.add_related(self.source, target, self.label)

    def __repr__(self) -> str:
        return f"<RelatedRecords {self.model.__name__} of {self.source} via {self.label!r}>"


def resolve_relation(
    source: type[Model], model: type[Model] | str, label: str | None
) -> tuple[type[Model], str]:
    """The related model class and relation label that `source.related(model, label)` means.

    `source.vtiger_relations` (label -> module, from `relatedtypes`) settles the label; a
    model class without it (hand-written) uses `label`, else the module's name, as is.
    """
    relations = source.vtiger_relations
    if isinstance(model, str):
        if not model.strip():
            raise InvalidArgument(f"{source.__name__}.related() needs a model or a label")
        if label is None and model in relations:
            label, model = model, relations[model]
        model = _model_class(source, model)
    module = model.vtiger_module
    if not relations:
        return model, label or module
    known = ", ".join(repr(name) for name in relations)
    if label is not None:
        if relations.get(label) != module:
            raise InvalidArgument(
                f"{source.__name__} has no relation {label!r} to {module}; its relations: {known}"
            )
        return model, label
    labels = [name for name, related in relations.items() if related == module]
    if len(labels) == 1:
        return model, labels[0]
    if not labels:
        raise InvalidArgument(
            f"{source.__name__} has no relation to {module}; its relations: {known}"
        )
    choices = ", ".join(repr(name) for name in labels)
    raise InvalidArgument(
        f"{source.__name__} is related to {module} under several labels: pass label= one of "
        f"{choices}"
    )


def _model_class(source: type[Model], module: str) -> type[Model]:
    found = model_for(module, near=source)
    if found is None:
        raise InvalidArgument(
            f"no model class is defined for the module {module!r} (import its generated model)"
        )
    return found
