"""`Manager[QS]`: the `objects` entry point of a model, a descriptor that hands out QuerySets.

    class Contact(Model):
        objects: ClassVar[Manager[ContactQuerySet]] = Manager(ContactQuerySet)

`Contact.objects` is a fresh `ContactQuerySet(Contact)` (for a subclass of the model, a
QuerySet of that subclass), so every QuerySet method is a manager method with the same
signature, and the two cannot drift apart (Django's `Manager.from_queryset` with nothing
to forward). Reaching it through an instance is a `UsageError`, as in Django.
"""

from __future__ import annotations

from typing import Any, Generic, NoReturn, TypeVar, overload

from vtorm.errors import UsageError
from vtorm.query.queryset import QuerySet

__all__ = ["Manager"]

QS = TypeVar("QS", bound=QuerySet[Any])


class Manager(Generic[QS]):
    """Class-level query entry point: `Contact.objects.filter(...)` is a `ContactQuerySet`."""

    def __init__(self, queryset_class: type[QS]) -> None:
        self.queryset_class = queryset_class
        self.name = "objects"

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> QS: ...

    @overload
    def __get__(self, instance: object, owner: type[Any]) -> NoReturn: ...

    def __get__(self, instance: object, owner: type[Any]) -> QS:
        if instance is not None:
            raise UsageError(
                f"{owner.__name__}.{self.name} is reached through the model class, "
                f"not an instance: {owner.__name__}.{self.name}.filter(...)"
            )
        return self.queryset_class(owner)

    def __repr__(self) -> str:
        return f"Manager({self.queryset_class.__name__})"
