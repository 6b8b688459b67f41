"""`Q`: an immutable boolean tree of lookups, combined with `&`, `|` and `~`.

>>> q = Q(lastname="Smith") | ~Q(mailingcity__in=["Dublin", "Cork"])
>>> q.connector, len(q.children)
('OR', 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypeAlias, Union

__all__ = ["Q"]

Connector: TypeAlias = Literal["AND", "OR"]
Child: TypeAlias = Union["Q", tuple[str, object]]


class Q:
    """A condition: keyword lookups ANDed together, or a combination of other `Q`s."""

    __slots__ = ("children", "connector", "negated")

    children: tuple[Child, ...]
    connector: Connector
    negated: bool

    def __init__(self, *conditions: Q, **lookups: object) -> None:
        children: list[Child] = list(conditions)
        children.extend(sorted(lookups.items()))
        self._set(tuple(children), "AND", False)

    def _set(self, children: tuple[Child, ...], connector: Connector, negated: bool) -> None:
        object.__setattr__(self, "children", children)
        object.__setattr__(self, "connector", connector)
        object.__setattr__(self, "negated", negated)

    @classmethod
    def create(cls, children: tuple[Child, ...], connector: Connector, negated: bool) -> Q:
        """A node with exactly these parts (used by the operators and the query layer)."""
        node = cls.__new__(cls)
        node._set(children, connector, negated)
        return node

    @classmethod
    def from_lookups(cls, conditions: tuple[Q, ...], lookups: Mapping[str, object]) -> Q:
        """The AND of some `Q`s and keyword lookups, as `filter()` receives them."""
        return cls(*conditions, **lookups)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Q objects are immutable")

    def _combine(self, other: object, connector: Connector) -> Q:
        if not isinstance(other, Q):
            raise TypeError(f"cannot combine Q with {type(other).__name__}")
        return Q.create((self, other), connector, False)

    def __and__(self, other: Q) -> Q:
        return self._combine(other, "AND")

    def __or__(self, other: Q) -> Q:
        return self._combine(other, "OR")

    def __invert__(self) -> Q:
        return Q.create(self.children, self.connector, not self.negated)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Q):
            return NotImplemented
        return (self.children, self.connector, self.negated) == (
            other.children,
            other.connector,
            other.negated,
        )

    __hash__ = None  # type: ignore[assignment]  # lookup values may be lists

    def __bool__(self) -> bool:
        return bool(self.children)

    def __repr__(self) -> str:
        parts = ", ".join(repr(child) for child in self.children)
        prefix = "~" if self.negated else ""
        return f"{prefix}Q<{self.connector}>({parts})"
