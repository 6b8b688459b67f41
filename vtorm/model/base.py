"""`Model`: the pydantic v2 base class of generated models, with wire state tracking.

Each instance remembers the wire values it was loaded with. `save()` sends only fields
whose value differs from what was loaded (so another user's concurrent edits of other
fields survive a `revise`), and an unchanged value is sent back as its original wire
string, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast, overload

from pydantic import BaseModel, ConfigDict, PrivateAttr
from typing_extensions import Self

from vtorm import errors
from vtorm.errors import DataLossPolicy
from vtorm.ids import RecordId
from vtorm.model import conflicts, dataloss, drift, registry
from vtorm.model.convert import ConvertedLead, Entity, TransferTarget, convert_lead
from vtorm.model.fields import VtigerField
from vtorm.model.loader import PageLoader, compile_page_loader
from vtorm.model.references import fetch_by_ids, related_models
from vtorm.model.reverse import RelatedRecords, resolve_relation
from vtorm.model.values import UTC, fast_decoder, to_python, to_wire
from vtorm.query.backend import Backend, default_backend, server_timezone

__all__ = ["Model"]

_M = TypeVar("_M", bound="Model")
_A = TypeVar("_A", bound="Model")
_C = TypeVar("_C", bound="Model")
_P = TypeVar("_P", bound="Model")
#: How one wire key is read: the python name ("" to drop it) and its decoder (None: as is).
_Step = tuple[str, "Callable[[str], Any] | None"]
#: The slots pydantic keeps `__pydantic_fields_set__` and `__pydantic_extra__` in (Model
#: reads them through properties, so loaded instances need not fill them).
_FIELDS_SET_SLOT: Any = BaseModel.__dict__["__pydantic_fields_set__"]
_EXTRA_SLOT: Any = BaseModel.__dict__["__pydantic_extra__"]
#: Compiled page loaders kept per model (one per row shape, that is per select list).
_MAX_PAGE_LOADERS = 64


def _error_subclass(cls: type, name: str, base: type[Exception]) -> type[Exception]:
    namespace = {"__module__": cls.__module__, "__qualname__": f"{cls.__qualname__}.{name}"}
    return type(name, (base,), namespace)


def drift_step(model: type[Model], key: str, step: _Step) -> _Step:
    """A picklist field's step checks its values against the model's (vtorm.model.drift)."""
    spec = model.vtiger_fields.get(step[0]) if step[0] else None
    if spec is None or spec.vtiger_type != "picklist" or not spec.picklist:
        return step
    return step[0], drift.picklist_decoder(model, key, spec.picklist, step[1])


#: Wire-name endings of fields that name a record, when describe's labelFields are unknown.
_NAME_ENDINGS = ("name", "title", "subject")


def _guess_label_names(specs: Mapping[str, VtigerField]) -> tuple[str, ...]:
    """The name fields of a model without `vtiger_label_fields` (a hand-written one)."""
    by_wire = {spec.wire_name: name for name, spec in specs.items()}
    pairs = (("firstname", "lastname"), ("first_name", "last_name"))  # Users: the latter
    people = next(
        (p for pair in pairs if (p := tuple(by_wire[w] for w in pair if w in by_wire))), ()
    )
    if people:
        return people
    named = [n for n, s in specs.items() if s.wire_name.endswith(_NAME_ENDINGS) and s.editable]
    named.sort(key=lambda name: not specs[name].mandatory)  # a mandatory one first
    return tuple(named[:1])


def _trusted_id(value: object) -> RecordId:
    """A server-sent id, checked only for being a string with an `x` (the server made it)."""
    if type(value) is str and "x" in value:
        return str.__new__(RecordId, value)
    return RecordId(str(value))


class Model(BaseModel):
    """Base class of every Vtiger record model.

    Class metadata (set by generated code): `vtiger_module`, `vtiger_id_prefix`, and one
    `VtigerField` per attribute in its `Annotated` metadata. Computed per class:
    `vtiger_fields` (python name -> spec), `vtiger_wire_names` (wire -> python name) and
    the model's own `DoesNotExist` / `MultipleObjectsReturned`.
    """

    model_config = ConfigDict(validate_assignment=True, extra="forbid")

    vtiger_module: ClassVar[str] = ""
    vtiger_id_prefix: ClassVar[str] = ""
    vtiger_fields: ClassVar[Mapping[str, VtigerField]] = {}
    vtiger_wire_names: ClassVar[Mapping[str, str]] = {}
    vtiger_read_only: ClassVar[frozenset[str]] = frozenset()
    #: Relation label -> related module, from `relatedtypes` (generated; empty if unknown).
    vtiger_relations: ClassVar[Mapping[str, str]] = {}
    #: What `related()` lists this model's records as: generated models name their own
    #: `XRelatedRecords`, whose `filter`/`exclude` take their typed lookups.
    vtiger_related_records_class: ClassVar[type[RelatedRecords[Any]]] = RelatedRecords
    #: Python names of the fields that name a record (describe's `labelFields`; generated).
    #: Empty: the first and last name, else the first field called like a name or title.
    vtiger_label_fields: ClassVar[tuple[str, ...]] = ()
    DoesNotExist: ClassVar[type[errors.ObjectDoesNotExist]] = errors.ObjectDoesNotExist
    MultipleObjectsReturned: ClassVar[type[errors.MultipleObjectsReturned]] = (
        errors.MultipleObjectsReturned
    )

    _vt_plans: ClassVar[dict[dt.tzinfo, dict[str, _Step]]] = {}
    _vt_defaults: ClassVar[dict[str, Any]] = {}
    _vt_programs: ClassVar[dict[dt.tzinfo, dict[tuple[str, ...], Any]]] = {}
    _vt_page_loaders: ClassVar[dict[dt.tzinfo, dict[tuple[str, ...], PageLoader]]] = {}
    _vt_field_names: ClassVar[set[str]] = set()
    _vt_label_names: ClassVar[tuple[str, ...]] = ()

    id: RecordId | None = None

    _vt_loaded: dict[str, Any] = PrivateAttr(default_factory=dict)
    _vt_backend: Backend | None = PrivateAttr(default=None)
    _vt_related: dict[str, Any] = PrivateAttr(default_factory=dict)

    if not TYPE_CHECKING:
        # Loaded instances get their fields set on first use, not per row: a set of every
        # field name per instance was a tenth of loading a page. Pydantic reads and writes
        # the slot through this property; what it holds for a loaded record is unchanged.

        @property
        def __pydantic_fields_set__(self) -> set[str]:
            try:
                return _FIELDS_SET_SLOT.__get__(self, type(self))  # type: ignore[no-any-return]
            except AttributeError:
                fields_set = type(self)._vt_field_names.copy()
                _FIELDS_SET_SLOT.__set__(self, fields_set)
                return fields_set

        @__pydantic_fields_set__.setter
        def __pydantic_fields_set__(self, value: set[str]) -> None:
            _FIELDS_SET_SLOT.__set__(self, value)

        # Models forbid extra fields, so a loaded instance's extras are None: left unset
        # by the loaders (one attribute store less per row), read as None.

        @property
        def __pydantic_extra__(self) -> dict[str, Any] | None:
            try:
                return _EXTRA_SLOT.__get__(self, type(self))  # type: ignore[no-any-return]
            except AttributeError:
                return None

        @__pydantic_extra__.setter
        def __pydantic_extra__(self, value: dict[str, Any] | None) -> None:
            _EXTRA_SLOT.__set__(self, value)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        specs: dict[str, VtigerField] = {}
        for name, info in cls.model_fields.items():
            spec = next((m for m in info.metadata if isinstance(m, VtigerField)), None)
            if spec is not None:
                specs[name] = spec
                if info.description is None and spec.label:
                    info.description = spec.label
        cls.vtiger_fields = specs
        cls.vtiger_wire_names = {spec.wire_name: name for name, spec in specs.items()}
        cls.vtiger_read_only = frozenset(n for n, s in specs.items() if not s.editable)
        cls._vt_plans = {}
        cls._vt_programs = {}
        cls._vt_page_loaders = {}
        cls._vt_field_names = set(cls.model_fields)
        cls._vt_label_names = cls.vtiger_label_fields or _guess_label_names(specs)
        registry.register(cls)
        cls._vt_defaults = {
            name: None if info.is_required() else info.get_default(call_default_factory=True)
            for name, info in cls.model_fields.items()
        }
        cls.DoesNotExist = _error_subclass(cls, "DoesNotExist", cls.DoesNotExist)  # type: ignore[assignment]
        cls.MultipleObjectsReturned = _error_subclass(  # type: ignore[assignment]
            cls, "MultipleObjectsReturned", cls.MultipleObjectsReturned
        )

    def vtiger_related(self, field: str, *models: type[_M]) -> _M | None:
        """The record a reference field points at, fetched once and cached on the instance.

        Generated accessors call this (`contact.account` -> `vtiger_related("account_id",
        Account)`); with several models the id prefix picks one. None when the field is
        empty, when no given model matches the prefix, or when the target is gone.
        """
        target = self.__dict__.get(field)
        if target is None:
            return None
        cached = self._vt_related.get(field)
        if cached is not None and cached[0] == target:
            return cast("_M | None", cached[1])
        candidates = models or related_models(type(self), field)
        model = next((m for m in candidates if m.vtiger_id_prefix == target.prefix), None)
        record = None
        if model is not None:
            record = fetch_by_ids(model, [target], self.vtiger_backend()).get(target)
        self._vt_related[field] = (target, record)
        return cast("_M | None", record)

    def vtiger_set_related(self, field: str, record: Model | None) -> None:
        """Remember `record` as what the reference `field` points at now (None: gone).

        `select_related()` loads the targets of a page at once and hands each record its
        own, so `vtiger_related()` then sends nothing. The cache entry holds while the
        field keeps its value.
        """
        target = self.__dict__.get(field)
        if target is None or (record is not None and record.id != target):
            pointed = "empty" if target is None else f"'{target}'"
            raise errors.InvalidArgument(
                f"{type(self).__name__}.{field} is {pointed}: it does not point at "
                f"{'nothing' if record is None else repr(str(record.id))}"
            )
        self._vt_related[field] = (target, record)

    @overload
    def related(
        self, model: type[_M], label: str | None = None, *, using: Backend | None = None
    ) -> RelatedRecords[_M]: ...

    @overload
    def related(
        self, model: str, label: str | None = None, *, using: Backend | None = None
    ) -> RelatedRecords[Model]: ...

    def related(
        self, model: type[Model] | str, label: str | None = None, *, using: Backend | None = None
    ) -> RelatedRecords[Any]:
        """Records related to this one: `account.related(Contact)` or `.related("Contacts")`.

        A string is a relation label or a module name. Without `label`, the model's one
        relation to that module (from `vtiger_relations`) is used; several relations to it,
        or none, are an `InvalidArgument` that lists the labels. Iterate the result,
        `.filter(...)` it (AND only) or `.add(record)` to it.
        """
        target, chosen = resolve_relation(type(self), model, label)
        return target.vtiger_related_records_class.of(self, target, chosen, using=using)

    def vtiger_convert_lead(
        self,
        models: tuple[type[_A], type[_C], type[_P]],
        entities: tuple[Entity, Entity, Entity],
        *,
        assigned_to: str | Model | None = None,
        transfer_related_to: TransferTarget = "Contacts",
        using: Backend | None = None,
    ) -> ConvertedLead[_A, _C, _P]:
        """Convert this lead into (account, contact, potential) records of `models`.

        The generated `Lead.convert()` calls this with its typed models (docs/leads.md).
        """
        return convert_lead(
            self, models, entities,
            assigned_to=assigned_to, transfer_related_to=transfer_related_to, using=using,
        )  # fmt: skip

    def __eq__(self, other: object) -> bool:
        """Same model and same field values (how each was loaded does not matter)."""
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        """By model and id, so saved records go in sets and dict keys (as in Django).

        An unsaved record has no identity yet: hashing it is a `TypeError`.
        """
        if self.id is None:
            raise TypeError(f"an unsaved {type(self).__name__} is unhashable: save it first")
        return hash((type(self).vtiger_module, self.id))

    def __repr__(self) -> str:
        """`<Contact 12x5 'Ada Lovelace'>`: the id and the record's name fields."""
        label = " ".join(
            str(value) for name in type(self)._vt_label_names if (value := vars(self).get(name))
        )
        shown = f" {label!r}" if label else ""
        return f"<{type(self).__name__} {self.id or '(unsaved)'}{shown}>"

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        memo = {} if memo is None else memo
        if self._vt_backend is not None:
            memo[id(self._vt_backend)] = self._vt_backend  # share the client, never copy it
        return super().__deepcopy__(memo)

    def __getstate__(self) -> dict[Any, Any]:
        state = super().__getstate__()
        private = dict(state.get("__pydantic_private__") or {})
        private.update(_vt_backend=None, _vt_related={})  # a client does not pickle
        state["__pydantic_private__"] = private
        return state

    if not TYPE_CHECKING:

        def __setattr__(self, name: str, value: Any) -> None:
            if name in type(self).vtiger_read_only:
                raise errors.ReadOnlyFieldError(
                    f"{type(self).__name__}.{name} is read-only: only the server sets it"
                )
            super().__setattr__(name, value)

    # -- loading -------------------------------------------------------------------

    @classmethod
    def vtiger_from_wire(cls, row: dict[str, Any], backend: Backend | None = None) -> Self:
        """An instance from a trusted server row, converted exactly, without re-validation.

        This is the hot path of every query: values go through one table lookup and one
        C-level decoder each, and the instance is assembled without pydantic validation,
        which could not fail on values the converters produced. The row is kept (not
        copied) as the loaded wire state, so the caller must not reuse it.
        """
        zone = server_timezone(backend)
        try:
            values = cls._vt_decode(row, zone)
        except (ValueError, TypeError, ArithmeticError):
            values = {**cls._vt_defaults, "id": _trusted_id(row["id"]) if row.get("id") else None}
            for wire, raw in row.items():  # the slow path names the field at fault
                if wire in cls.vtiger_wire_names:
                    name = cls.vtiger_wire_names[wire]
                    values[name] = to_python(cls.vtiger_fields[name].vtiger_type, raw, zone)
        return cls._vt_instance(values, row, backend)

    @classmethod
    def _vt_instance(
        cls, values: dict[str, Any], row: dict[str, Any], backend: Backend | None
    ) -> Self:
        """Assemble an instance from decoded values, without pydantic validation."""
        instance = cls.__new__(cls)
        setter = object.__setattr__
        setter(instance, "__dict__", values)  # fields-set and extras: made when asked for
        private = {"_vt_loaded": row, "_vt_backend": backend, "_vt_related": {}}
        setter(instance, "__pydantic_private__", private)
        return instance

    @classmethod
    def vtiger_from_wire_page(
        cls, rows: list[dict[str, Any]], backend: Backend | None = None
    ) -> list[Self]:
        """`vtiger_from_wire` of each row of a page, the same instances, built in bulk.

        A page's rows share their keys, so the work that depends only on the keys is done
        once, by a loader compiled for this model and these keys (`vtorm.model.loader`).
        Pages that do not fit (mixed keys, odd values, subclasses that read rows their own
        way) go row by row.
        """
        if getattr(cls.vtiger_from_wire, "__func__", None) is not _BASE_FROM_WIRE:
            return [cls.vtiger_from_wire(row, backend) for row in rows]
        if not rows:
            return []
        keys = tuple(rows[0])
        zone = server_timezone(backend)  # datetimes are read in the server's zone
        loaders = cls._vt_page_loaders.setdefault(zone, {})
        load = loaders.get(keys)
        if load is None:
            if len(loaders) >= _MAX_PAGE_LOADERS:
                loaders.clear()  # bounded: select lists are few in practice
            steps, missing = cls._vt_program(keys, zone)
            load = compile_page_loader(cls, keys, steps, missing, _trusted_id)
            loaders[keys] = load
        try:
            instances = load(rows, backend)
        except (ValueError, TypeError, ArithmeticError):
            instances = None  # row by row, which names the field at fault
        if instances is None:
            return [cls.vtiger_from_wire(row, backend) for row in rows]
        return instances

    @classmethod
    def _vt_decode(cls, row: dict[str, Any], zone: dt.tzinfo = UTC) -> dict[str, Any]:
        keys = tuple(row)
        programs = cls._vt_programs.setdefault(zone, {})
        program = programs.get(keys)
        if program is None:
            program = programs[keys] = cls._vt_program(keys, zone)
        steps, missing = program
        # One comprehension over the row: "" and null become None, others decode if needed.
        values = {
            name: None if raw is None or raw == "" else raw if decode is None else decode(raw)
            for (name, decode), raw in zip(steps, row.values(), strict=True)
        }
        values.pop("", None)  # keys the model does not map (label, tags, ...)
        if missing:
            values.update(missing)
        return values

    @classmethod
    def _vt_program(
        cls, keys: tuple[str, ...], zone: dt.tzinfo
    ) -> tuple[tuple[_Step, ...], dict[str, Any]]:
        """How to decode rows with these keys, in order; and the defaults of the others."""
        plan: dict[str, _Step] = {**cls._vt_plan(zone), "id": ("id", _trusted_id)}
        drift.check_keys(cls, keys, plan)
        steps = tuple(drift_step(cls, key, plan.get(key, ("", None))) for key in keys)
        seen = {name for name, _ in steps}
        missing = {k: v for k, v in cls._vt_defaults.items() if k not in seen}
        return steps, missing

    @classmethod
    def _vt_plan(cls, zone: dt.tzinfo) -> dict[str, _Step]:
        """Wire name -> (python name, decoder) on a server in `zone`, built once per zone."""
        plan = cls._vt_plans.get(zone)
        if plan is None:
            specs = cls.vtiger_fields.items()
            plan = {s.wire_name: (n, fast_decoder(s.vtiger_type, zone)) for n, s in specs}
            cls._vt_plans[zone] = plan
        return plan

    def _vt_zone(self) -> dt.tzinfo:
        """The time zone of the server this record was loaded from or saved to."""
        return server_timezone(self._vt_backend)

    def _vt_apply(self, row: Mapping[str, Any], keep: Iterable[str] = ()) -> None:
        """Take the server's values; fields named in `keep` keep their unsaved local value."""
        kept = set(keep)
        names = type(self).vtiger_wire_names
        specs = type(self).vtiger_fields
        values: dict[str, Any] = vars(self)
        zone = self._vt_zone()
        for wire, raw in row.items():
            name = names.get(wire)
            if name is None:
                continue
            self._vt_loaded[wire] = raw
            if name not in kept:
                values[name] = to_python(specs[name].vtiger_type, raw, zone)
        if row.get("id"):
            values["id"] = RecordId(row["id"])

    # -- change tracking -----------------------------------------------------------

    def vtiger_changed(self) -> list[str]:
        """Python names of fields whose value differs from what was loaded or saved."""
        return [name for name in type(self).vtiger_fields if not self._vt_unchanged(name)]

    def _vt_unchanged(self, name: str) -> bool:
        spec = type(self).vtiger_fields[name]
        current = self.__dict__.get(name)
        if spec.wire_name not in self._vt_loaded:
            return current is None
        loaded = self._vt_loaded[spec.wire_name]
        try:
            return bool(to_python(spec.vtiger_type, loaded, self._vt_zone()) == current)
        except errors.InvalidArgument:
            return False

    def vtiger_wire(self, names: Iterable[str] | None = None) -> dict[str, str]:
        """Wire values of these fields (all by default); unchanged ones byte-identical.

        Aware datetimes are written in the time zone of the record's server.
        """
        specs = type(self).vtiger_fields
        zone = self._vt_zone()
        element: dict[str, str] = {}
        for name in specs if names is None else names:
            spec = specs[name]
            if spec.wire_name in self._vt_loaded and self._vt_unchanged(name):
                loaded = self._vt_loaded[spec.wire_name]
                element[spec.wire_name] = "" if loaded is None else str(loaded)
            else:
                value = self.__dict__.get(name)
                element[spec.wire_name] = to_wire(spec.vtiger_type, value, zone)
        return element

    # -- persistence ---------------------------------------------------------------

    def vtiger_backend(self, using: Backend | None = None) -> Backend:
        """The client this record talks through: `using` (kept for later calls, as Django
        does), else the one it was loaded or saved through, else the default client."""
        if using is not None:
            self._vt_backend = using  # later saves go where the record lives, as Django does
            return using
        if self._vt_backend is None:
            self._vt_backend = default_backend()
        return self._vt_backend

    def save(
        self,
        update_fields: Iterable[str] | None = None,
        *,
        using: Backend | None = None,
        data_loss: DataLossPolicy | None = None,
        detect_conflicts: bool | conflicts.ConflictMode = False,
    ) -> None:
        """Create the record (no id yet) or revise the fields changed since it was loaded.

        `update_fields` limits a revise to those fields. Afterwards the instance holds what
        the server returned (id, record number, timestamps). Values the server would not
        keep as given raise `DataLossError` before anything is sent, and an answer that
        differs from what was sent raises `ValueAlteredError` (its `.record` is this saved
        instance); `data_loss` ("raise", "warn", "allow"; default: the client's) says
        what to do instead, see docs/data-loss.md.

        `detect_conflicts=True` retrieves the record before a revise and raises
        `ConflictError` (nothing sent) when it changed on the server since it was loaded
        (its modifiedtime or a field being saved); `"fields"` only when a field being saved
        did. See docs/saving.md#conflicts.
        """
        mode = conflicts.conflict_mode(detect_conflicts)
        backend = self.vtiger_backend(using)
        policy = dataloss.data_loss_policy(data_loss, backend)
        if mode is not None:
            backend = conflicts.ConflictCheck(backend, self, mode)
        if policy == "allow":
            self._vt_write(backend, update_fields)
            return
        guard = dataloss.Guard(backend, type(self), policy)
        self._vt_write(guard, update_fields)
        guard.finish(self)

    def _vt_write(self, backend: Backend, update_fields: Iterable[str] | None) -> None:
        if self.id is None:
            if update_fields is not None:
                raise errors.InvalidArgument(
                    f"save(update_fields=...) needs a saved {type(self).__name__}; this one "
                    "has no id yet, so save() would create it with every field"
                )
            self._vt_create(backend)
        else:
            self._vt_revise(backend, update_fields)

    def _vt_create(self, backend: Backend) -> None:
        cls = type(self)
        self._vt_fill_owner(backend)
        self.vtiger_check_mandatory(cls.vtiger_fields, "create")
        names = [
            name
            for name, spec in cls.vtiger_fields.items()
            if spec.editable and self.__dict__.get(name) is not None
        ]
        element = self.vtiger_wire(names)
        result = backend.create(cls.vtiger_module, element)
        self._vt_loaded = {}
        self._vt_apply(dataloss.as_stored(cls, element, result, {}))

    def vtiger_check_mandatory(
        self, names: Iterable[str] | None = None, action: str = "save"
    ) -> None:
        """Refuse empty mandatory fields among `names` (all by default) before any request.

        `MissingFieldsError` names them (the server would only answer with an error).
        `action` is the verb of its message: "cannot {action} Contact without lastname".
        """
        specs = type(self).vtiger_fields
        missing = [
            name
            for name in (specs if names is None else names)
            if specs[name].mandatory and self.__dict__.get(name) in (None, "", [])
        ]
        if missing:
            raise errors.MissingFieldsError(
                f"cannot {action} {type(self).__name__} without {', '.join(missing)}",
                fields=missing,
            )

    def _vt_fill_owner(self, backend: Backend) -> None:
        """Default an empty mandatory owner field to the logged-in user, as the web UI does."""
        for name, spec in type(self).vtiger_fields.items():
            if spec.vtiger_type == "owner" and spec.mandatory and self.__dict__.get(name) is None:
                user_id = getattr(backend, "user_id", None)
                if user_id is None and callable(getattr(backend, "login", None)):
                    backend.login()  # type: ignore[attr-defined]
                    user_id = getattr(backend, "user_id", None)
                if isinstance(user_id, str) and RecordId.is_valid(user_id):
                    vars(self)[name] = RecordId(user_id)

    def _vt_revise(self, backend: Backend, update_fields: Iterable[str] | None) -> None:
        changed = self.vtiger_changed()
        if update_fields is not None:
            wanted = self._vt_check_names(update_fields)
            changed = [name for name in changed if name in wanted]
        if not changed:
            return
        self.vtiger_check_mandatory(changed, "save")
        pending = set(self.vtiger_changed()) - set(changed)
        element: dict[str, str] = {"id": str(self.id), **self.vtiger_wire(changed)}
        result = backend.revise(element)
        stored = dataloss.as_stored(type(self), element, result, self._vt_loaded, revise=True)
        self._vt_apply(stored, keep=pending)

    def _vt_check_names(self, names: Iterable[str]) -> set[str]:
        cls = type(self)
        wanted = set(names)
        for name in wanted:
            if name not in cls.vtiger_fields:
                close = difflib.get_close_matches(name, list(cls.vtiger_fields), n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise errors.FieldError(f"{cls.__name__} has no field {name!r}{hint}")
            if name in cls.vtiger_read_only:
                raise errors.ReadOnlyFieldError(f"{cls.__name__}.{name} is read-only")
        return wanted

    def delete(self, *, using: Backend | None = None) -> None:
        """Delete the record on the server; the instance forgets its id (a new save creates)."""
        if self.id is None:
            raise errors.InvalidArgument(f"this {type(self).__name__} has not been saved")
        self.vtiger_backend(using).delete(str(self.id))
        vars(self)["id"] = None
        self._vt_loaded = {}

    def refresh(self, *, using: Backend | None = None) -> None:
        """Reload every field from the server, dropping unsaved local changes."""
        if self.id is None:
            raise errors.InvalidArgument(f"this {type(self).__name__} has not been saved")
        row = self.vtiger_backend(using).retrieve(str(self.id))
        self._vt_loaded = {}
        self._vt_apply(row)

    def vtiger_adopt(self, stored: Self) -> None:
        """Become `stored`, a record of the same model loaded from the server.

        This instance takes its id, client and every value it was loaded with, as if it
        had been loaded itself; fields `stored` was not loaded with keep this instance's
        values and count as changed. How an unsaved record whose create had an unknown
        outcome takes over the record the server did store (`vtorm.resolve_unknown`).
        """
        if type(stored) is not type(self) or stored.id is None:
            raise errors.InvalidArgument(
                f"a {type(self).__name__} can only adopt a stored {type(self).__name__}, "
                f"not {stored!r}"
            )
        self._vt_loaded = {}
        self._vt_apply(stored._vt_loaded)
        vars(self)["id"] = stored.id
        self._vt_backend = stored._vt_backend
        self._vt_related = {}


#: The base loader: subclasses that override it are loaded row by row, through theirs.
_BASE_FROM_WIRE = vars(Model)["vtiger_from_wire"].__func__
