"""`Manager[M, QS]`: the `objects` entry point of a model, returning its QuerySet type.

Generated code subclasses it per model with a typed `filter`/`exclude`/`get` and sets
`queryset_class`, so `Contact.objects.filter(...)` is a `ContactQuerySet`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from typing_extensions import Self

from vtorm.errors import UsageError
from vtorm.ids import RecordId
from vtorm.model.base import Model
from vtorm.model.changes import ChangeFeed, SyncBackend, changes
from vtorm.query.aggregates import Aggregate
from vtorm.query.backend import Backend
from vtorm.query.queryset import QuerySet, RowView, ValuesView

__all__ = ["Manager"]

M = TypeVar("M", bound=Model)
QS = TypeVar("QS", bound=QuerySet[Any])


class Manager(Generic[M, QS]):
    """Class-level query entry point: `Contact.objects.filter(...)`."""

    queryset_class: type[QS]

    if TYPE_CHECKING:
        # Untyped here so generated subclasses can narrow them with Unpack[...Lookups].
        filter: Callable[..., QS]
        exclude: Callable[..., QS]
        get: Callable[..., M]
    else:

        def filter(self, *conditions, **lookups):
            """Records matching all conditions and lookups."""
            return self.get_queryset().filter(*conditions, **lookups)

        def exclude(self, *conditions, **lookups):
            """Records not matching the AND of the conditions and lookups."""
            return self.get_queryset().exclude(*conditions, **lookups)

        def get(self, *conditions, **lookups):
            """The one record matching; `DoesNotExist` / `MultipleObjectsReturned` else."""
            return self.get_queryset().get(*conditions, **lookups)

    def __init__(self) -> None:
        self._model: type[M] | None = None

    def __set_name__(self, owner: type[M], name: str) -> None:
        self._model = owner

    def __get__(self, instance: object, owner: type[Any]) -> Self:
        if instance is not None:
            raise UsageError("a Manager is reached through the model class, not an instance")
        if self._model is None or owner is self._model:
            return self
        bound = type(self)()  # a subclass of the model: query the subclass
        bound._model = owner
        return bound

    @property
    def model(self) -> type[M]:
        """The model class this manager serves."""
        if self._model is None:
            raise UsageError("this Manager is not attached to a model class")
        return self._model

    def get_queryset(self) -> QS:
        """A fresh QuerySet over all records of the model."""
        cls = cast("type[QS]", getattr(self, "queryset_class", QuerySet))
        return cls(self.model)

    def all(self) -> QS:
        """All records (lazily)."""
        return self.get_queryset()

    def none(self) -> QS:
        """No records, without a request."""
        return self.get_queryset().none()

    def order_by(self, *fields: str) -> QS:
        """All records in this order."""
        return self.get_queryset().order_by(*fields)

    def only(self, *fields: str) -> QS:
        """All records, selecting only these columns."""
        return self.get_queryset().only(*fields)

    def select_related(self, *fields: str) -> QS:
        """All records, with the records these reference fields point at."""
        return self.get_queryset().select_related(*fields)

    def server_only(self) -> QS:
        """All records, refusing what the server cannot answer alone (`UnsupportedQuery`)."""
        return self.get_queryset().server_only()

    def reverse(self) -> QS:
        """All records, by id descending."""
        return self.get_queryset().reverse()

    def distinct(self) -> QS:
        """All records, with duplicate `values()`/`values_list()` rows left out."""
        return self.get_queryset().distinct()

    def aggregate(self, *args: Aggregate, **named: Aggregate) -> dict[str, Any]:
        """`Count`/`Sum`/`Avg`/`Min`/`Max` over every record."""
        return self.get_queryset().aggregate(*args, **named)

    def using(self, backend: Backend) -> QS:
        """All records, through this client."""
        return self.get_queryset().using(backend)

    def count(self) -> int:
        """The number of records."""
        return self.get_queryset().count()

    def exists(self) -> bool:
        """Whether the module has any record."""
        return self.get_queryset().exists()

    def first(self) -> M | None:
        """The record with the lowest id, or None."""
        return self.get_queryset().first()

    def last(self) -> M | None:
        """The record with the highest id, or None."""
        return self.get_queryset().last()

    def in_bulk(self, ids: Iterable[str] | None = None) -> dict[RecordId, M]:
        """Records by id."""
        return self.get_queryset().in_bulk(ids)

    def iterator(self, page_size: int = 100) -> Iterator[M]:
        """Stream every record page by page."""
        return self.get_queryset().iterator(page_size)

    def values(self, *fields: str) -> ValuesView:
        """Every record as a dict."""
        return self.get_queryset().values(*fields)

    def values_list(self, *fields: str, flat: bool = False) -> RowView[Any]:
        """Every record as a tuple (or bare value with `flat=True`)."""
        return self.get_queryset().values_list(*fields, flat=flat)

    def changes(
        self, since: int | dt.datetime = 1, *, using: SyncBackend | None = None
    ) -> ChangeFeed[M]:
        """Records changed or deleted after `since` (epoch seconds), through `sync`.

        Store `feed.checkpoint` after consuming changes; it only moves past a page once the
        whole page has been consumed. Only records the user owns are reported (server rule).
        """
        return changes(self.model, since, using)

    def create(self, **fields: Any) -> M:
        """Build a record from these fields and create it on the server."""
        record = self.model(**fields)
        record.save()
        return record
