"""Bulk and set writes: many saves, revises or deletes in parallel over one client.

Each write is an ordinary `Model.save()` / `Model.delete()` (the same checks before any
request, the same retry rules), run by a small thread pool that shares the one logged-in
client. At most `concurrency` requests are on the wire at once and at most twice that many
records are held between the input and the caller, so a generator of 100,000 records
streams through in flat memory. Outcomes come back in input order.

    outcomes = bulk_writes(records, lambda record: record.save(using=client), concurrency=8)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from vtorm.errors import (
    BulkError,
    DataLossError,
    InvalidArgument,
    MissingFieldsError,
    OutcomeUnknown,
)
from vtorm.model.base import Model
from vtorm.model.dataloss import message, predict_element
from vtorm.query.backend import Backend
from vtorm.query.compiler import resolve_field

__all__ = [
    "DEFAULT_CONCURRENCY",
    "BulkOutcome",
    "bulk_writes",
    "check_new",
    "check_update",
    "check_update_loss",
    "concurrency_for",
    "creation_fields",
    "log_in_once",
    "raise_for_failures",
]

M = TypeVar("M", bound=Model)
T = TypeVar("T")

#: Requests in flight at once when neither the call nor the client says otherwise: enough to
#: hide a 20-50 ms link's latency (4 left a 1,000-create batch at 0.25-0.33 of a save() loop
#: there), under urllib3's 10 pooled connections, and few enough that a CPU-bound PHP
#: server only queues them.
DEFAULT_CONCURRENCY = 8


@dataclass(frozen=True)
class BulkOutcome(Generic[T]):
    """What happened to one record of a bulk write: `error` is None when it was written."""

    record: T
    error: Exception | None

    @property
    def ok(self) -> bool:
        """Whether the write was carried out."""
        return self.error is None

    @property
    def unknown(self) -> bool:
        """Whether the write may or may not have happened (`OutcomeUnknown`)."""
        return isinstance(self.error, OutcomeUnknown)


def concurrency_for(backend: Backend, concurrency: int | None) -> int:
    """The call's `concurrency`, else the client's `concurrency` setting, else 8."""
    chosen = concurrency if concurrency is not None else getattr(backend, "concurrency", None)
    if chosen is None:
        return DEFAULT_CONCURRENCY
    if isinstance(chosen, bool) or not isinstance(chosen, int) or chosen < 1:
        raise InvalidArgument(f"concurrency must be an integer >= 1, not {chosen!r}")
    return chosen


def log_in_once(backend: Backend) -> None:
    """Log in before the workers start, when the client has not yet.

    A create fills an empty owner field with the logged-in user, logging in to learn who
    that is; threads that each found no user yet would each log in anew.
    """
    login = getattr(backend, "login", None)
    if getattr(backend, "user_id", None) is None and callable(login):
        login()


def bulk_writes(
    items: Iterable[T], write: Callable[[T], object], concurrency: int
) -> Iterator[BulkOutcome[T]]:
    """`write(item)` for every item, `concurrency` at a time, outcomes in input order.

    Only `Exception`s become outcomes; anything else (KeyboardInterrupt) propagates. When
    the consumer stops early or the input raises, writes already sent finish first (a
    request cannot be recalled), writes not yet started are dropped, and nothing after
    them is written.
    """
    if concurrency == 1:
        return (_written(item, write) for item in items)
    return _pooled(items, write, concurrency)


def _written(item: T, write: Callable[[T], object]) -> BulkOutcome[T]:
    try:
        write(item)
    except Exception as error:  # every failure is this item's outcome, reported in order
        return BulkOutcome(item, error)
    return BulkOutcome(item, None)


def _pooled(
    items: Iterable[T], write: Callable[[T], object], concurrency: int
) -> Iterator[BulkOutcome[T]]:
    # Twice the workers: a new write can start the moment one ends, even while the oldest
    # (whose outcome must come out first) is still on the wire.
    window: deque[Future[BulkOutcome[T]]] = deque()
    pool = ThreadPoolExecutor(concurrency, thread_name_prefix="vtorm-bulk")
    try:
        for item in items:
            if len(window) >= 2 * concurrency:
                yield window.popleft().result()
            window.append(pool.submit(_written, item, write))
        while window:
            yield window.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def raise_for_failures(outcomes: Sequence[BulkOutcome[T]], action: str) -> None:
    """`BulkError` listing every outcome when any write failed; nothing when all succeeded."""
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    if not errors:
        return
    unknown = sum(isinstance(error, OutcomeUnknown) for error in errors)
    raise BulkError(
        f"{action}: {len(errors)} of {len(outcomes)} writes failed ({unknown} with an "
        f"unknown outcome); the first: {errors[0]!r}",
        items=[outcome.record for outcome in outcomes],
        results=[outcome.error or outcome.record for outcome in outcomes],
    )


def check_new(record: object, model: type[Model], *, number: int | None = None) -> None:
    """Refuse what `bulk_create` cannot create, before any request.

    A record of another model, one that already has an id (bulk_create never revises), or
    one whose mandatory fields are empty (the owner aside: `save()` fills it in). `number`
    (the record's place in the input) is named in the message.
    """
    where = "" if number is None else f" (record {number} of the input; nothing was sent)"
    if not isinstance(record, model):
        raise InvalidArgument(
            f"bulk_create of {model.__name__} got a {type(record).__name__}{where}"
        )
    if record.id is not None:
        raise InvalidArgument(
            f"bulk_create only creates: this {model.__name__} already has id {record.id}{where}"
        )
    specs = model.vtiger_fields
    try:
        record.vtiger_check_mandatory(
            [name for name, spec in specs.items() if spec.vtiger_type != "owner"], "create"
        )
    except MissingFieldsError as error:
        raise MissingFieldsError(f"{error.message}{where}", fields=error.fields) from None


def check_update(model: type[M], fields: Mapping[str, object]) -> dict[str, Any]:
    """The values `QuerySet.update(**fields)` writes, validated as assignments would be.

    Unknown names are a `FieldError`, server-computed ones a `ReadOnlyFieldError`, a value
    of the wrong type pydantic's `ValidationError`, an empty mandatory field a
    `MissingFieldsError`: all before any request.
    """
    if not fields:
        raise InvalidArgument(f"update() of {model.__name__} needs at least one field=value")
    probe = model.model_construct()
    for name, value in fields.items():
        if name == "id":
            raise InvalidArgument("update() cannot change a record's id")
        resolve_field(model.vtiger_fields, name)
        setattr(probe, name, value)  # ReadOnlyFieldError / ValidationError name the field
    probe.vtiger_check_mandatory(fields, "update")
    return {name: getattr(probe, name) for name in fields}


def check_update_loss(model: type[Model], values: Mapping[str, Any], backend: Backend) -> None:
    """`DataLossError` before any request when the server would not store these values as
    given: every record would get the same values, so each save would refuse them alike."""
    probe = model.model_construct(**values)
    utf8mb4 = getattr(backend, "charset", "utf8mb3") == "utf8mb4"
    damages = predict_element(model, probe.vtiger_wire(list(values)), utf8mb4=utf8mb4)
    if damages:
        raise DataLossError(
            f"update(): {message(model.__name__, damages, stored=False)}",
            model=model.__name__,
            changes={d.name: (d.sent, d.stored) for d in damages},
            operation="revise",
        )


def creation_fields(
    model: type[Model], lookups: Mapping[str, object], defaults: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What `get_or_create`/`update_or_create` create when nothing matches: the exact
    lookups (`name=` or `name__exact=`), then `defaults` on top, as Django does."""
    fields: dict[str, Any] = {}
    for key, value in lookups.items():
        name = key.removesuffix("__exact")
        if "__" in name:
            continue  # a condition (lastname__startswith=...), not a value to store
        if name == "id":
            raise InvalidArgument(
                f"no {model.__name__} has id {value!r}, and the server picks the id of a "
                "new record: look it up with get() instead"
            )
        fields[name] = value
    fields.update(defaults or {})
    return fields
