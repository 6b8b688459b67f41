"""Schema drift seen at run time: the server sends fields or picklist values a model lacks.

A model generated last month meets a CRM where an admin has since added a field or a picklist
value. Loading keeps working (unknown keys are not mapped, unknown picklist values are kept as
strings), but silently dropping them hides that the package is stale, so vtorm logs one
warning per model and field on the `vtorm.drift` logger, naming `vtorm generate --check`.

Both checks run where a decoding program is built (once per model and key set), never per
row; a picklist field with known values gets a membership check per value instead of none.
"""

from __future__ import annotations

import itertools
import logging
import threading
import weakref
from collections.abc import Callable, Collection, Iterable
from typing import Any

__all__ = ["NON_FIELD_KEYS", "Listed", "check_keys", "forget", "picklist_decoder", "warned"]

logger = logging.getLogger("vtorm.drift")

#: Keys the webservice adds to records beside the describe fields (not drift).
NON_FIELD_KEYS = frozenset(
    {
        "id", "label", "update_log", "currency_id", "currency1", "imageattachmentids",
        "LineItems", "LineItems_FinalDetails", "productid", "hdnS_H_Amount", "count",
    }
)  # fmt: skip

_warned: set[tuple[str, str]] = set()
_lock = threading.Lock()


class Listed(set[Any]):
    """The values of one picklist that need no check: the model's, then those already
    checked (each warned about, or past the one warning per field). Bounded; `forget()`
    puts each back to the model's values, so the next unlisted value warns again."""

    def __init__(self, values: Collection[str], limit: int = 1024) -> None:
        super().__init__(values)
        self.model_values = frozenset(values)
        self.limit = len(self.model_values) + limit

    def checked(self, value: Any) -> None:
        """`value` needs no check from now on (until the next `forget()`)."""
        if len(self) < self.limit:
            self.add(value)

    def reset(self) -> None:
        self.clear()
        self.update(self.model_values)


#: Every `Listed` in use, weakly (each lives as long as its model's decoding programs).
_listed: weakref.WeakValueDictionary[int, Listed] = weakref.WeakValueDictionary()
_numbers = itertools.count()


def _first_time(model: str, field: str) -> bool:
    with _lock:
        if (model, field) in _warned:
            return False
        _warned.add((model, field))
        return True


def warned() -> frozenset[tuple[str, str]]:
    """The (model, field) pairs warned about so far in this process."""
    with _lock:
        return frozenset(_warned)


def forget() -> None:
    """Warn again about everything (for tests)."""
    with _lock:
        _warned.clear()
        for listed in list(_listed.values()):
            listed.reset()


def check_keys(model: type[Any], keys: Iterable[str], known: Collection[str]) -> None:
    """Warn once per field the server sent that `model` does not map."""
    module = getattr(model, "vtiger_module", "") or model.__name__
    for key in keys:
        if key in known or key in NON_FIELD_KEYS or not _first_time(model.__name__, key):
            continue
        logger.warning(
            "%s (%s): the server sent field %r, which the model does not know; its value is"
            " not loaded. The CRM's schema changed: run `vtorm generate --check` to see the"
            " drift, then regenerate the models.",
            model.__name__, module, key,
        )  # fmt: skip


def picklist_decoder(
    model: type[Any],
    wire_name: str,
    values: Collection[str],
    decode: Callable[[str], Any] | None,
) -> Callable[[str], Any]:
    """`decode` (or the identity) that warns once when a value is not among `values`."""
    listed = Listed(values)
    with _lock:
        _listed[next(_numbers)] = listed

    def checked(raw: str) -> Any:
        if raw not in listed:
            if _first_time(model.__name__, f"{wire_name} values"):
                logger.warning(
                    "%s: the server sent %r for picklist %r, which the model does not list."
                    " The CRM's picklist changed: run `vtorm generate --check` to see the"
                    " drift, then regenerate the models.",
                    model.__name__, raw, wire_name,
                )  # fmt: skip
            listed.checked(raw)  # warned once per field: later rows need no call
        return raw if decode is None else decode(raw)

    # For compiled page loaders (vtorm.model.loader): a listed value needs no call.
    checked.vtorm_picklist = (listed, decode)  # type: ignore[attr-defined]
    return checked
