"""Every model class, by Vtiger module name: how references and relations find their targets.

`Model` registers each subclass as it is defined. A reference field names modules, not
classes (`account_id` -> "Accounts"), so the class is looked up here. Several classes can
serve one module (the generated package, a test's own models): a class from the asking
model's own python module wins, then one from its package, so generated models find each
other; otherwise the one defined last. A class defined again (a module re-imported)
replaces its earlier definition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["forget", "model_for", "register"]

#: Module name -> the classes defined for it, oldest first.
_classes: dict[str, list[type[Model]]] = {}


def _name(model: type[Model]) -> tuple[str, str]:
    return model.__module__, model.__qualname__


def _module(model: type[Model]) -> str:
    return model.__module__


def _package(model: type[Model]) -> str:
    """The python package a class was defined in (`generated.contact` -> `generated`)."""
    return model.__module__.rpartition(".")[0] or model.__module__


def register(model: type[Model]) -> None:
    """Make `model` findable as a class of its module's records (models without one are not)."""
    if not model.vtiger_module:
        return
    found = _classes.setdefault(model.vtiger_module, [])
    found[:] = [m for m in found if _name(m) != _name(model)]
    found.append(model)


def model_for(module: str, near: type[Model] | None = None) -> type[Model] | None:
    """The class for `module`'s records: from `near`'s package if any, else the latest one."""
    found = _classes.get(module)
    if not found:
        return None
    if near is not None:
        for place in (_module, _package):
            siblings = [model for model in found if place(model) == place(near)]
            if siblings:
                return siblings[-1]
    return found[-1]


def forget(package: str) -> None:
    """Drop the classes defined in this python package (or module), e.g. once it is unloaded.

    For code that imports model packages at runtime and throws them away, such as tests.
    """
    for module, found in list(_classes.items()):
        kept = [m for m in found if m.__module__ != package and not _inside(m, package)]
        if kept:
            _classes[module] = kept
        else:
            del _classes[module]


def _inside(model: type[Model], package: str) -> bool:
    return model.__module__.startswith(package + ".")
