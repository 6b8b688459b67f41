"""`QuerySet[M]`: lazy, immutable, paging past the server's 100-row cap.

Every builder method returns a new QuerySet; nothing is sent until results are needed.
Scans without an explicit order walk by id (`... AND id > 'last' ORDER BY id LIMIT 100`),
so records created or deleted during the scan cause no skips or duplicates; ordered scans
page by offset. Pages stop at the first empty one, because the server may return short
pages when it drops rows the user may not see.

What VTQL cannot say (NOT LIKE, `isnull=True`, mixed sort directions, negative slices,
aggregates, DISTINCT) runs anyway: the server answers the widest part it can and vtorm does
the rest on its rows (`vtorm.query.residual`), as `explain()` shows and a DEBUG record on
the `vtorm` logger says. `server_only()` refuses that with `UnsupportedQuery` instead.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from typing_extensions import Self

from vtorm.errors import (
    DataLossPolicy,
    InvalidArgument,
    UnsupportedQuery,
    UsageError,
    VtigerError,
)
from vtorm.ids import RecordId
from vtorm.model.base import Model
from vtorm.model.changes import ChangeFeed, Checkpoint, SyncBackend, changes
from vtorm.model.dataloss import data_loss_policy
from vtorm.model.references import check_related, prefetch_related
from vtorm.query.aggregates import Aggregate, Count, aliased, compute, distinct_rows, group_rows
from vtorm.query.backend import Backend, current_backend, default_backend, server_timezone
from vtorm.query.bulk import (
    BulkOutcome,
    bulk_writes,
    check_new,
    check_update,
    check_update_loss,
    concurrency_for,
    creation_fields,
    log_in_once,
    raise_for_failures,
)
from vtorm.query.compiler import (
    CompiledQuery,
    QueryDescription,
    Split,
    filter_formula,
    resolve_field,
    split_query,
)
from vtorm.query.evaluated import LOG, describe_slices, evaluated_rows
from vtorm.query.filterable import Filterable
from vtorm.query.lookups import FALSE, Formula, Junction
from vtorm.query.pages import pages, prefetched_pages
from vtorm.query.planner import Window, explain, first_step
from vtorm.query.q import Q
from vtorm.wire import MAX_QUERY_ROWS

__all__ = ["QuerySet", "RowView"]

M = TypeVar("M", bound=Model)
T = TypeVar("T")

#: How many records a QuerySet's repr shows (Django's REPR_OUTPUT_SIZE).
REPR_ROWS = 20


class QuerySet(Filterable, Generic[M]):
    """A lazy query over one model's records.

    >>> Contact.objects.filter(lastname__startswith="Sm").order_by("-modifiedtime")[:250]
    ... # doctest: +SKIP
    """

    if TYPE_CHECKING:
        # Untyped here so generated subclasses can narrow them: lookups with
        # Unpack[...Lookups], fields with Unpack[...Fields], rows as ...Row TypedDicts.
        get: Callable[..., M]
        create: Callable[..., M]
        values: Callable[..., RowView[Any]]
        get_or_create: Callable[..., tuple[M, bool]]
        update_or_create: Callable[..., tuple[M, bool]]
    else:

        def get_or_create(self, defaults=None, **lookups):
            """The record matching `lookups`, or a new one made of them and `defaults`.

            Returns `(record, created)`. Two steps, not atomic: two processes racing can
            both create (the webservice has no transactions); `MultipleObjectsReturned`
            as `get()`.
            """
            return self._get_or_create(defaults, lookups)

        def update_or_create(self, defaults=None, **lookups):
            """Set `defaults` on the record matching `lookups`, or create it from both.

            Returns `(record, created)`; the found record is revised with the `defaults`
            fields only (nothing is sent when it already holds them). Not atomic, as
            `get_or_create`.
            """
            return self._update_or_create(defaults, lookups)

        def create(self, *, data_loss=None, **fields):
            """Build a record from these fields and create it on the server (through
            `using()`'s client if one was chosen, else the default; `data_loss`: as in
            `Model.save`)."""
            return self._create(fields, data_loss)

        def values(self, *fields):
            """Rows as dicts of python field names (these fields, or all, plus id)."""
            return self._values(fields)

        def get(self, *conditions, **lookups):
            """The one record matching; `DoesNotExist` / `MultipleObjectsReturned` else."""
            return self._get(conditions, lookups)

    def __init__(self, model: type[M], *, using: Backend | None = None) -> None:
        if not model.vtiger_module:
            raise UsageError(f"{model.__name__} has no vtiger_module: it cannot be queried")
        self.model = model
        self._where: Formula | None = None
        self._order: tuple[str, ...] = ()
        self._columns: tuple[str, ...] | None = None
        self._window = Window()
        self._backend = using
        self._cache: list[M] | None = None
        self._split: Split | None = None
        self._related: tuple[str, ...] = ()
        self._tail: tuple[slice, ...] = ()  # slices applied in Python (negative bounds)
        self._distinct = False
        self._server_only = False

    # -- building ------------------------------------------------------------------

    def _clone(self, *, keep_compiled: bool = False) -> Self:
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone._cache = None
        if not keep_compiled:
            clone._split = None
        return clone

    def _check_unsliced(self, action: str) -> None:
        if self._window.bounded or self._tail:
            raise UsageError(f"cannot {action} a sliced QuerySet; {action} before slicing")

    def _add(self, formula: Formula) -> Self:
        clone = self._clone()
        if self._where is None:
            clone._where = formula
        else:
            clone._where = Junction("AND", (*_conjuncts(self._where), *_conjuncts(formula)))
        if clone._server_only:
            clone._plan()  # refuse what the server cannot answer where it is asked for
        return clone

    def _filter(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        """Runtime implementation of `filter()`."""
        if not conditions and not lookups:
            return self._clone()
        self._check_unsliced("filter")
        # Resolved now, so field and lookup errors surface at the call that caused them.
        return self._add(filter_formula(self.model.vtiger_fields, conditions, lookups))

    def _exclude(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        """Runtime implementation of `exclude()`."""
        if not conditions and not lookups:
            return self._clone()
        self._check_unsliced("filter")
        fields = self.model.vtiger_fields
        return self._add(filter_formula(fields, conditions, lookups, negated=True))

    def _get(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> M:
        """Runtime implementation of `get()`."""
        query = self._filter(conditions, lookups) if conditions or lookups else self
        found = query._one_page(2)
        name = self.model.__name__
        if not found:
            raise self.model.DoesNotExist(f"no {name} matches: {query.explain()}")
        if len(found) > 1:
            raise self.model.MultipleObjectsReturned(
                f"more than one {name} matches: {query.explain()}"
            )
        return found[0]

    def all(self) -> Self:
        """A copy of this QuerySet (with no cached results)."""
        return self._clone()

    def none(self) -> Self:
        """A QuerySet that matches nothing and never sends a request."""
        return self._add(FALSE)

    def order_by(self, *fields: Any) -> Self:
        """Order by these python field names; `-name` for descending.

        VTQL sorts descending by the last column only: other orders are sorted by vtorm,
        with the server's collation, after fetching every matching row.
        """
        self._check_unsliced("reorder")
        for key in fields:
            resolve_field(self.model.vtiger_fields, key.removeprefix("-"))
        clone = self._clone()
        clone._order = tuple(fields)
        if clone._server_only:
            clone._plan()  # raises UnsupportedQuery, naming the rule
        return clone

    def reverse(self) -> Self:
        """The same records in the opposite order (by id descending when unordered).

        Each column of `order_by()` flips; ties of the last column keep the server's order.
        """
        self._check_unsliced("reverse")
        order = self._order or ("id",)
        return self.order_by(*(key[1:] if key.startswith("-") else f"-{key}" for key in order))

    def distinct(self) -> Self:
        """Leave out duplicate rows of `values()`/`values_list()` (records are distinct by id).

        VTQL has no DISTINCT: vtorm compares the rows as the server would (case, accents and
        trailing spaces ignored) and keeps the first of each.
        """
        if self._server_only:
            raise UnsupportedQuery(
                "distinct(): VTQL has no DISTINCT, vtorm would compare the rows in Python "
                "(server_only() refuses that)"
            )
        clone = self._clone(keep_compiled=True)
        clone._distinct = True
        return clone

    def server_only(self) -> Self:
        """This query, refusing anything the server cannot answer alone (`UnsupportedQuery`).

        Without it, what VTQL cannot say runs in Python over the server's rows, which may
        mean fetching every record of the module; with it, such a query fails before any
        request, naming the construct, as it did before vtorm evaluated residuals.
        """
        clone = self._clone(keep_compiled=True)
        clone._server_only = True
        if self._distinct:
            clone.distinct()  # raises
        clone._plan()
        return clone

    def only(self, *fields: Any) -> Self:
        """Select only these columns (plus id); other fields read as None."""
        for name in fields:
            resolve_field(self.model.vtiger_fields, name)
        clone = self._clone()
        clone._columns = tuple(fields)
        return clone

    def select_related(self, *fields: Any) -> Self:
        """Fetch the records these reference fields point at along with each page.

        After each page, one `id IN (...)` query per referenced module loads them, so
        `contact.account` then costs no request (instead of one per record).
        """
        check_related(self.model, fields)
        clone = self._clone(keep_compiled=True)
        clone._related = tuple(dict.fromkeys((*self._related, *fields)))
        return clone

    def using(self, backend: Backend) -> Self:
        """The same query sent through another client."""
        # Compiled statements hold datetimes in the server's zone: keep them for the same zone.
        same_zone = server_timezone(backend) == self._zone()
        clone = self._clone(keep_compiled=same_zone)
        clone._backend = backend
        return clone

    # -- compiling -----------------------------------------------------------------

    def _description(self) -> QueryDescription:
        return QueryDescription(
            module=self.model.vtiger_module,
            fields=self.model.vtiger_fields,
            where=self._where,
            order_by=self._order,
            columns=self._columns,
            timezone=self._zone(),
        )

    def _plan(self) -> Split:
        """The server part and the residual; `server_only()` refuses any residual here."""
        if self._split is None:
            split = split_query(self._description())
            if self._server_only and split.residual is not None:
                raise UnsupportedQuery(
                    f"{split.residual.reasons[0]} (server_only() refuses evaluating it in Python)"
                )
            self._split = split
        return self._split

    def _zone(self) -> dt.tzinfo:
        """The server's time zone: of the chosen client, else of the default one, else UTC."""
        backend = self._backend if self._backend is not None else current_backend()
        return dt.timezone.utc if backend is None else server_timezone(backend)

    def _compile(self) -> CompiledQuery:
        return self._plan().server

    def _evaluated(self) -> bool:
        """Whether vtorm takes part in the answer (a residual or Python slices)."""
        return self._plan().residual is not None or bool(self._tail)

    def explain(self) -> str:
        """The VTQL statements this query set sends, one per line.

        An ordered, bounded slice lists every page (`[:250]` -> three statements, as long
        as the pages come back full). A scan by id lists its first page: each later page
        starts after the last id the previous one returned. A query split into several
        statements (long `in` lists) lists the first page of each. Empty when the condition
        can match nothing (e.g. `id__in=[]`): nothing is sent.

        When vtorm evaluates part of the query, the server's statements (the first page of
        a scan of every row they select) are followed by `-- then in Python: ...` lines.
        """
        if self._evaluated():
            return self._explain_evaluated()
        return explain(self._compile(), self._window)

    def _explain_evaluated(self) -> str:
        split = self._plan()
        compiled = split.server
        if split.residual is not None:  # every row of the server part, then Python
            lines = explain(compiled, Window()).splitlines()
            lines.extend(split.residual.describe())
            slices = describe_slices(self._window.low, self._window.high, self._tail)
        elif self._window.bounded or len(self._tail) > 1:  # the window, sliced in Python
            lines = explain(compiled, self._window).splitlines()
            slices = describe_slices(0, None, self._tail)
        else:  # one slice from the end: a count, then the rows it names
            lines = [compiled.count(group) for group in compiled.groups]
            lines.append(f"-- then the rows {describe_slices(0, None, self._tail)} of that count:")
            lines.extend(f"   {line}" for line in explain(compiled, Window()).splitlines())
            return "\n".join(lines)
        if slices:
            lines.append(f"-- then in Python: rows {slices}")
        return "\n".join(lines)

    # -- slicing -------------------------------------------------------------------

    @overload
    def __getitem__(self, key: int) -> M: ...
    @overload
    def __getitem__(self, key: slice) -> Self: ...
    def __getitem__(self, key: int | slice) -> M | Self:
        if isinstance(key, slice):
            return self._sliced(key)
        if isinstance(key, bool) or not isinstance(key, int):
            raise InvalidArgument(f"QuerySet indices must be integers or slices, not {key!r}")
        if self._cache is not None:
            return self._cache[key]
        found = list(self[key : key + 1 or None])
        if not found:
            raise IndexError(f"QuerySet index {key} out of range")
        return found[0]

    def _sliced(self, key: slice) -> Self:
        if key.step not in (None, 1):
            raise InvalidArgument("QuerySet slices cannot have a step")
        clone = self._clone(keep_compiled=True)
        start = 0 if key.start is None else _bound(key.start, "start")
        stop = None if key.stop is None else _bound(key.stop, "stop")
        if self._tail or start < 0 or (stop is not None and stop < 0):
            # Counted from the end: the rows are known only once the total is.
            clone._tail = (*self._tail, slice(key.start, key.stop))
            return clone
        clone._window = self._window.sliced(start, stop)
        return clone

    # -- fetching ------------------------------------------------------------------

    def _backend_or_default(self) -> Backend:
        if self._backend is None:
            self._backend = default_backend()
        return self._backend

    def _rows(self, page_size: int = MAX_QUERY_ROWS) -> Iterator[M]:
        pages_of = self._evaluated_pages if self._evaluated() else self._pages
        for page in pages_of(page_size):
            yield from page

    def _evaluated_rows(self, *, overlap: bool = True) -> Iterator[dict[str, Any]]:
        """The wire rows of the result when vtorm evaluates part of the query.

        `overlap` requests the next page while this one is evaluated: for full scans, not
        for `exists()`, which stops at the first row kept.
        """
        backend = self._backend_or_default()
        unsliced = self._clone(keep_compiled=True)
        unsliced._tail = ()
        return evaluated_rows(
            backend,
            self._plan(),
            self._window.low,
            self._window.high,
            self._tail,
            unsliced.count,
            overlap=overlap and not self._related and self._window.high is None,
        )

    def _evaluated_pages(self, page_size: int) -> Iterator[list[M]]:
        backend = self._backend_or_default()
        rows = self._evaluated_rows()
        while chunk := list(itertools.islice(rows, page_size)):
            records = self.model.vtiger_from_wire_page(chunk, backend)
            if self._related:
                prefetch_related(records, self._related, backend)
            yield records

    def _pages(self, page_size: int = MAX_QUERY_ROWS) -> Iterator[list[M]]:
        backend = self._backend_or_default()
        compiled = self._compile()
        make = self.model.vtiger_from_wire_page
        # The next page travels while this one becomes models, unless prefetch_related
        # sends requests between pages (they would reach the server in another order).
        overlap = not self._related
        # Closed here, not when garbage collected: a model that fails to build must end the
        # scan's worker thread now, not when its traceback is dropped.
        low, high = self._window.low, self._window.high
        chunks = pages(backend, compiled, low, high, page_size, overlap=overlap)
        with closing(chunks):
            for rows in chunks:
                records = make(rows, backend)
                if self._related:
                    prefetch_related(records, self._related, backend)
                yield records

    def _one_page(self, limit: int) -> list[M]:
        """Up to `limit` records from a single request (split queries need several).

        Used where one round trip matters more than the rare row the server hides from a
        page (Vtiger 8.4 drops rows the user may not see, so a short page is not proof of
        the end): `get()` and `exists()`.
        """
        compiled = self._compile()
        if len(compiled.groups) != 1 or self._evaluated():
            return list(itertools.islice(self._rows(page_size=limit), limit))
        step = first_step(compiled, compiled.groups[0], self._window, page_size=limit)
        if step is None:
            return []
        backend = self._backend_or_default()
        rows = step.kept(backend.query(step.statement))
        return self.model.vtiger_from_wire_page(rows, backend)

    def _results(self) -> list[M]:
        if self._cache is None:
            self._cache = list(self._rows())
        return self._cache

    def __iter__(self) -> Iterator[M]:
        return iter(self._results())

    def __len__(self) -> int:
        return len(self._results())

    def __bool__(self) -> bool:
        return bool(self._results())

    def __repr__(self) -> str:
        """Up to 20 records, as Django shows them: `<ContactQuerySet [<Contact 12x5 ...>]>`.

        Fetches them (one page) unless the results are cached; when they cannot be fetched
        (no client yet, server down), says so instead of raising.
        """
        try:
            cached = self._cache
            shown: list[Any] = list(
                self[: REPR_ROWS + 1] if cached is None else cached[: REPR_ROWS + 1]
            )
        except VtigerError as exc:
            return f"<{type(self).__name__} of {self.model.__name__}, not fetched: {exc!r}>"
        return _list_repr(type(self).__name__, shown)

    def iterator(self, page_size: int = MAX_QUERY_ROWS, *, prefetch: int = 0) -> Iterator[M]:
        """Stream the results page by page without caching them.

        `prefetch=k` (k > 1) keeps up to k page requests in flight: one `count()` fixes the
        page offsets, pages are fetched in parallel and still yielded in order. Use it for
        exports over slow links, not while the records are being written (see
        `vtorm.query.pages.prefetched_pages`). Without it, a scan by id requests the next page
        while the loop works on this one: the same requests as one by one, but a record of
        the next page that the loop body changes may show as it was; a loop that stops
        early leaves that one request sent.
        """
        if not 1 <= page_size <= MAX_QUERY_ROWS:
            raise InvalidArgument(f"page_size must be 1..{MAX_QUERY_ROWS}, got {page_size}")
        if prefetch < 0:
            raise InvalidArgument(f"prefetch must be >= 0, got {prefetch}")
        if prefetch <= 1 or len(self._compile().groups) != 1 or self._evaluated():
            return self._rows(page_size)
        return self._prefetched(page_size, prefetch)

    def _prefetched(self, page_size: int, prefetch: int) -> Iterator[M]:
        backend = self._backend_or_default()
        total = self.count()
        window = self._window
        chunks = prefetched_pages(
            backend, self._compile(), window.low, window.high, total,
            page_size=page_size, prefetch=prefetch,
        )  # fmt: skip
        for rows in chunks:
            records = self.model.vtiger_from_wire_page(rows, backend)
            if self._related:
                prefetch_related(records, self._related, backend)
            yield from records

    # -- aggregates and shortcuts ---------------------------------------------------

    def count(self) -> int:
        """The number of matching records: one `SELECT count(*)` when possible.

        When vtorm evaluates part of the query, it counts the rows it keeps (a scan).
        """
        if self._cache is not None:
            return len(self._cache)
        if self._plan().residual is not None:
            return sum(1 for _ in self.only("id")._evaluated_rows())
        if self._tail:  # slices from the end of a count
            unsliced = self._clone(keep_compiled=True)
            unsliced._tail = ()
            indices = range(unsliced.count())
            for step in self._tail:
                indices = indices[step]
            return len(indices)
        compiled = self._compile()
        if len(compiled.groups) != 1:
            return sum(1 for _ in self.only("id")._rows()) if compiled.groups else 0
        rows = self._backend_or_default().query(compiled.count(compiled.groups[0]))
        if not rows:  # Vtiger 8.4 answers count(*) with []: count the ids instead
            return sum(1 for _ in self.only("id")._rows())
        return self._window.clip(int(rows[0]["count"]))

    def exists(self) -> bool:
        """Whether any record matches (fetches at most one id)."""
        if self._cache is not None:
            return bool(self._cache)
        if self._plan().residual is not None:
            return next(self.only("id")._evaluated_rows(overlap=False), None) is not None
        if self._tail:
            return self.count() > 0
        return bool(self.only("id")._one_page(1))

    def first(self) -> M | None:
        """The first record (by id unless ordered), or None."""
        query = self if self._order else self._reordered(("id",))
        found = list(query[:1])
        return found[0] if found else None

    def _reordered(self, order: tuple[str, ...]) -> Self:
        clone = self._clone()
        clone._order = order
        return clone

    def last(self) -> M | None:
        """The last record (by id unless ordered), or None."""
        if self._window.bounded or self._tail:
            items = self._results()
            return items[-1] if items else None
        if len(self._order) <= 1:
            key = self._order[0] if self._order else "id"
            flipped = key[1:] if key.startswith("-") else f"-{key}"
            found = list(self._reordered((flipped,))[:1])
            return found[0] if found else None
        total = self.count()
        return self[total - 1] if total else None

    def _create(self, fields: Mapping[str, Any], data_loss: DataLossPolicy | None) -> M:
        """Runtime implementation of `create()`."""
        record = self.model(**fields)
        record.save(using=self._backend, data_loss=data_loss)
        return record

    def changes(
        self,
        since: int | dt.datetime | Checkpoint | str = 1,
        *,
        using: SyncBackend | None = None,
    ) -> ChangeFeed[M]:
        """Records changed or deleted after `since`, through `sync` (docs/sync.md).

        `since` is epoch seconds, a datetime (naive: server time) or a stored checkpoint.
        Store `str(feed.checkpoint)` after consuming changes; it only moves past a page once
        the whole page has been consumed, and a re-run skips what it already delivered.
        Only records the user owns are reported (server rule). `sync` cannot filter or
        slice, so neither may this QuerySet be.
        """
        if self._where is not None or self._window.bounded or self._tail:
            raise UsageError(
                "changes() reports every record of the module: call it on "
                f"{self.model.__name__}.objects, not on a filtered or sliced QuerySet"
            )
        return changes(self.model, since, using if using is not None else self._backend)

    def in_bulk(self, ids: Iterable[str] | None = None) -> dict[RecordId, M]:
        """Records by id; ids that match nothing are left out."""
        query = self if ids is None else self._filter((), {"id__in": [RecordId(i) for i in ids]})
        return {record.id: record for record in query if record.id is not None}

    def aggregate(self, *args: Aggregate, **named: Aggregate) -> dict[str, Any]:
        """`{name: value}` of `Count`/`Sum`/`Avg`/`Min`/`Max` over the matching records.

        Positional aggregates are named `field__function` (`annual_revenue__sum`). VTQL can
        only count: a `Count("id")` of a query the server answers is one `count(*)`, anything
        else reads the fields' values of every matching record and computes in Python.
        """
        aggregates = aliased(args, named)
        for aggregate in aggregates.values():
            if aggregate.field not in ("id", "*"):
                resolve_field(self.model.vtiger_fields, aggregate.field)
        counts_only = all(
            isinstance(a, Count) and not a.distinct and a.field in ("id", "*")
            for a in aggregates.values()
        )
        if counts_only and not self._evaluated():
            total = self.count()
            return dict.fromkeys(aggregates, total)
        if self._server_only:
            described = ", ".join(a.describe() for a in aggregates.values())
            raise UnsupportedQuery(
                f"aggregate({described}): VTQL has only count(*); vtorm would compute this "
                "in Python (server_only() refuses that)"
            )
        fields = tuple(dict.fromkeys(a.field for a in aggregates.values() if a.field != "*"))
        LOG.debug("computing %s in Python", ", ".join(a.describe() for a in aggregates.values()))
        return compute(aggregates, list(self.values(*(fields or ("id",)))))

    def _values(self, fields: tuple[str, ...]) -> RowView[dict[str, Any]]:
        """Runtime implementation of `values()`."""
        names = fields or ("id", *self.model.vtiger_fields)
        query = self.only(*fields) if fields else self
        return RowView(
            query,
            lambda record: {name: getattr(record, name) for name in names},
            distinct=self._distinct,
            fields=names,
        )

    def values_list(self, *fields: Any, flat: bool = False) -> RowView[Any]:
        """Rows as tuples of these fields; `flat=True` with one field gives bare values."""
        if flat and len(fields) != 1:
            raise InvalidArgument("values_list(flat=True) needs exactly one field")
        names = fields or ("id", *self.model.vtiger_fields)
        query = self.only(*fields) if fields else self
        distinct = self._distinct
        if flat:
            return RowView(query, lambda record: getattr(record, names[0]), distinct=distinct)
        return RowView(
            query, lambda record: tuple(getattr(record, name) for name in names), distinct=distinct
        )

    # -- bulk and set writes (the machinery: vtorm.query.bulk) ------------------------

    def bulk_create(
        self,
        objs: Iterable[M],
        *,
        concurrency: int | None = None,
        data_loss: DataLossPolicy | None = None,
    ) -> list[M]:
        """Create these unsaved records, `concurrency` requests at a time; returns them.

        Every record is checked first (its model, no id yet, mandatory fields), so bad input
        raises before anything is sent. Then each is `save()`d through this QuerySet's
        client, at most `concurrency` at once (default: the client's `concurrency`, else
        4). When any create fails, `BulkError` gives each record's outcome in input order;
        the others are created all the same. `data_loss` is passed to each `save()`. The
        input is held as a list: for generators of many records, stream them through
        `bulk_create_iter`.
        """
        records = list(objs)
        for number, record in enumerate(records, start=1):
            check_new(record, self.model, number=number)
        if not records:
            return records  # nothing to send: no client needed
        outcomes = list(
            self.bulk_create_iter(records, concurrency=concurrency, data_loss=data_loss)
        )
        raise_for_failures(outcomes, f"bulk_create of {len(records)} {self.model.__name__}")
        return records

    def bulk_create_iter(
        self,
        objs: Iterable[M],
        *,
        concurrency: int | None = None,
        data_loss: DataLossPolicy | None = None,
    ) -> Iterator[BulkOutcome[M]]:
        """Create records as they come, yielding each one's `BulkOutcome` in input order.

        Nothing raises for a single record: check `outcome.error` (None: created;
        `OutcomeUnknown`: `outcome.unknown`, see `vtorm.resolve_unknown`). At most twice
        `concurrency` records are held at once, so memory stays flat however long the
        input. Stopping early lets the creates already sent finish and sends no other.
        """
        backend = self._backend_or_default()
        workers = concurrency_for(backend, concurrency)
        policy = data_loss_policy(data_loss, backend)
        model = self.model

        def create(record: M) -> None:
            check_new(record, model)
            record.save(using=backend, data_loss=policy)

        if workers > 1:
            log_in_once(backend)
        return bulk_writes(objs, create, workers)

    def update(
        self,
        *,
        concurrency: int | None = None,
        data_loss: DataLossPolicy | None = None,
        **fields: Any,
    ) -> int:
        """Set these fields on every matching record; returns how many records matched.

        The values are checked before any request, as assignments are, and (unless
        `data_loss="allow"`) for what the server would not store as given. The matching ids
        are fetched page by page (with the given fields only), and each record is revised
        with just these fields, `concurrency` at a time; a record that already holds the
        values is counted but not sent. Failures raise `BulkError` once every record has
        been tried; running the same update again is safe.
        """
        self._check_unsliced("update")
        values = check_update(self.model, fields)
        backend = self._backend_or_default()
        workers = concurrency_for(backend, concurrency)
        policy = data_loss_policy(data_loss, backend)
        if policy == "raise":
            check_update_loss(self.model, values, backend)
        names = list(values)

        def revise(record: M) -> None:
            for name, value in values.items():
                setattr(record, name, value)
            record.save(update_fields=names, using=backend, data_loss=policy)

        records = self._reordered(()).only(*names)._rows()
        self._cache = None  # the records changed: a later read fetches them again (Django)
        outcomes = list(bulk_writes(records, revise, workers))
        raise_for_failures(outcomes, f"update of {self.model.__name__}")
        return len(outcomes)

    def delete(self, *, concurrency: int | None = None) -> tuple[int, dict[str, int]]:
        """Delete every matching record; Django's answer: `(3, {"Contacts": 3})`.

        Ids are fetched page by page and deleted `concurrency` at a time. Failures raise
        `BulkError` once every record has been tried (a delete whose outcome is unknown
        is among `.unknown`); running the same delete again is safe.
        """
        self._check_unsliced("delete")
        backend = self._backend_or_default()
        workers = concurrency_for(backend, concurrency)
        records = self._reordered(()).only("id")._rows()
        self._cache = None  # the records are gone: a later read fetches again (Django)
        outcomes = list(bulk_writes(records, lambda record: record.delete(using=backend), workers))
        raise_for_failures(outcomes, f"delete of {self.model.__name__}")
        deleted = len(outcomes)
        return deleted, ({self.model.vtiger_module: deleted} if deleted else {})

    def _get_or_create(
        self, defaults: Mapping[str, Any] | None, lookups: Mapping[str, Any]
    ) -> tuple[M, bool]:
        """Runtime implementation of `get_or_create()`."""
        try:
            return self._get((), lookups), False
        except self.model.DoesNotExist:
            return self.create(**creation_fields(self.model, lookups, defaults)), True

    def _update_or_create(
        self, defaults: Mapping[str, Any] | None, lookups: Mapping[str, Any]
    ) -> tuple[M, bool]:
        """Runtime implementation of `update_or_create()`."""
        try:
            record = self._get((), lookups)
        except self.model.DoesNotExist:
            return self.create(**creation_fields(self.model, lookups, defaults)), True
        for name, value in (defaults or {}).items():
            setattr(record, name, value)
        record.save(update_fields=list(defaults or ()))
        return record, False


class RowView(Generic[T]):
    """The lazy result of `values()`/`values_list()`: iterate, slice, `len()`.

    With `distinct()`, duplicate rows (compared as the server compares values) are left
    out in Python, and slices apply to the distinct rows. Rows of `values()` (`fields` set)
    can be grouped with `annotate()`.
    """

    def __init__(
        self,
        query: QuerySet[Any],
        convert: Callable[[Any], T],
        *,
        distinct: bool = False,
        fields: tuple[str, ...] | None = None,
    ) -> None:
        self._query = query
        self._convert = convert
        self._distinct = distinct
        self._fields = fields
        self._slices: tuple[slice, ...] = ()

    def distinct(self) -> Self:
        """These rows without duplicates (see `QuerySet.distinct()`)."""
        self._query.distinct()  # refuses under server_only()
        view = copy.copy(self)
        view._distinct = True
        return view

    def _rows(self) -> list[T]:
        rows: list[T] = distinct_rows(self._convert(record) for record in self._query)
        for step in self._slices:
            rows = rows[step]
        return rows

    def __iter__(self) -> Iterator[T]:
        if self._distinct:
            return iter(self._rows())
        return (self._convert(record) for record in self._query)

    def __len__(self) -> int:
        return len(self._rows()) if self._distinct else len(self._query)

    @overload
    def __getitem__(self, key: int) -> T: ...
    @overload
    def __getitem__(self, key: slice) -> Self: ...
    def __getitem__(self, key: int | slice) -> T | Self:
        if self._distinct:
            if isinstance(key, int):
                return self._rows()[key]
            view = copy.copy(self)
            view._slices = (*self._slices, key)
            return view
        if isinstance(key, int):
            return self._convert(self._query[key])
        view = copy.copy(self)
        view._query = self._query[key]
        return view

    def __repr__(self) -> str:
        """Up to 20 rows, fetched as `QuerySet.__repr__` does."""
        try:
            shown: list[Any] = list(self[: REPR_ROWS + 1])
        except VtigerError as exc:
            return f"<RowView of {self._query.model.__name__}, not fetched: {exc!r}>"
        return _list_repr("RowView", shown)

    def annotate(self, *args: Aggregate, **named: Aggregate) -> list[dict[str, Any]]:
        """One row per group of equal `values()` fields, with the aggregates of the group.

        `Contact.objects.values("mailingcity").annotate(n=Count("id"))` gives
        `[{"mailingcity": "Cork", "n": 3}, ...]`, groups ordered by their values (empty
        first, text with the server's collation). VTQL has no GROUP BY: the fields of every
        matching record are read and grouped in Python. Only rows of `values()` group.
        """
        if self._fields is None:
            raise UsageError("annotate() groups the rows of values(...), not of values_list()")
        fields = self._fields
        aggregates = aliased(args, named)
        query = self._query
        if query._server_only:
            raise UnsupportedQuery(
                "values().annotate(): VTQL has no GROUP BY; vtorm would group in Python "
                "(server_only() refuses that)"
            )
        needed = [a.field for a in aggregates.values() if a.field not in ("*", *fields)]
        for name in needed:
            if name != "id":
                resolve_field(query.model.vtiger_fields, name)
        names = (*fields, *dict.fromkeys(needed))
        reader = query.only(*names) if query._columns is not None else query
        rows = [{name: getattr(record, name) for name in names} for record in reader]
        LOG.debug("grouping %d %s rows by %s in Python", len(rows), query.model.__name__, fields)
        return group_rows(fields, aggregates, rows)


def _list_repr(name: str, shown: list[Any]) -> str:
    if len(shown) > REPR_ROWS:
        shown[REPR_ROWS:] = ["...(remaining elements truncated)..."]
    return f"<{name} {shown!r}>"


def _bound(value: object, name: str) -> int:
    """A slice bound as an int: `[1.5:]` or `[float("inf"):]` would reach the LIMIT clause."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"QuerySet slice {name} must be an integer, not {value!r}")
    return value


def _conjuncts(formula: Formula) -> tuple[Formula, ...]:
    if isinstance(formula, Junction) and formula.op == "AND":
        return formula.parts
    return (formula,)
