"""`Filterable`: `filter()`/`exclude()` declared loosely, for generated code to narrow.

QuerySets and related-record sets both take `filter(*Q, **lookups)`. Here the two are
untyped for type checkers, so a generated subclass can redeclare them with
`**lookups: Unpack[ContactLookups]` without an incompatible-override error; at runtime they
call the subclass's `_filter`/`_exclude`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from typing_extensions import Self

from vtorm.query.q import Q

__all__ = ["Filterable"]


class Filterable:
    """Base of every record set that narrows by lookups: `filter()` and `exclude()`."""

    if TYPE_CHECKING:
        filter: Callable[..., Self]
        exclude: Callable[..., Self]
    else:

        def filter(self, *conditions, **lookups):
            """Records matching all conditions and lookups."""
            return self._filter(conditions, lookups)

        def exclude(self, *conditions, **lookups):
            """Records not matching the AND of the conditions and lookups."""
            return self._exclude(conditions, lookups)

    def _filter(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        raise NotImplementedError  # pragma: no cover - every record set defines it

    def _exclude(self, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Self:
        raise NotImplementedError  # pragma: no cover - every record set defines it
