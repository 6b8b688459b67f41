"""Compiled page loaders: server rows -> model instances, one generated function per model
and row shape.

A page's rows share their keys, so everything that depends only on the keys (which field
each key fills, which need decoding, the defaults of the fields the page lacks) is worked
out once and written into the source of a small function, compiled with `exec`. Per page
that function first checks, in one C-level pass each, that every row has exactly those keys
in that order (the rows of one JSON document share their key strings, so this compares by
identity) and that no value is falsy but "" or null. Per row it then does what cannot be
avoided, most of it in C:

- copy a template dict holding every field's name in the row's order (then the defaults);
- overwrite it with the row's non-empty values in one `dict.update` (`itertools.compress`
  picks them by truthiness, C-level, so empty strings and nulls keep the template's None);
- decode the typed fields one statement each: booleans and references through the loader's
  own memo (a plain dict: one lookup; a value it lacks fills it from the page and the page
  is loaded again), datetimes and ids inlined, a listed picklist value kept with no call;
- assemble the instance without pydantic validation (the values are already exact), through
  the slots' own setters; its fields-set and extras are made when first asked for
  (`Model.__pydantic_fields_set__`, `Model.__pydantic_extra__`).

The result is exactly what `Model.vtiger_from_wire` builds row by row (same values, same
`__dict__` order, same loaded wire state). Pages that do not fit return None and go row by
row: a row with other keys or another key order than the first, or a falsy value that is
not "" or null (a JSON 0 or false, which truthiness would wrongly read as empty; an
unhashable [] or {} raises TypeError, which the caller treats the same way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import chain, compress, filterfalse
from typing import TYPE_CHECKING, Any

from vtorm.ids import RecordId

if TYPE_CHECKING:
    from vtorm.model.base import Model

__all__ = ["PageLoader", "compile_page_loader"]

#: rows, backend -> instances, or None when a row does not fit the compiled shape.
PageLoader = Callable[[list[dict[str, Any]], Any], "list[Any] | None"]

#: The falsy values a row may hold: the empty ones. Others (0, 0.0, false) send the page
#: row by row; unhashable ones ([] or {}) raise TypeError, which the caller treats alike.
_EMPTY = frozenset({"", None})
#: Values a loader's own memo keeps before it starts afresh (as the shared ones do).
_MEMO_LIMIT = 4096


def compile_page_loader(
    model: type[Model],
    keys: tuple[str, ...],
    steps: tuple[tuple[str, Callable[[str], Any] | None], ...],
    missing: dict[str, Any],
    trusted_id: Callable[[object], RecordId],
) -> PageLoader:
    """The loader of `model` for rows with exactly these `keys`, in this order.

    `steps` says, per key, the field it fills ("" for none) and its decoder (None: the text
    is the value); `missing` holds the defaults of the fields no key fills.
    """
    names = tuple(name for name, _ in steps)
    template: dict[str, Any] = dict.fromkeys(name for name in names if name)
    template.update(missing)
    namespace: dict[str, Any] = {
        "KEYS": keys, "NAMES": names, "EMPTY": _EMPTY, "compress": compress,
        "filterfalse": filterfalse, "values_of": dict.values, "chain": chain.from_iterable,
        "template": template.copy, "new": model.__new__, "model": model,
        "set_dict": _slot_setter(model, "__dict__"),
        "set_private": _slot_setter(model, "__pydantic_private__"),
        "trusted_id": trusted_id, "RecordId": RecordId, "str_new": str.__new__,
        "tuple": tuple, "zip": zip, "map": map, "list": list, "len": len,
        "fromisoformat": dt.datetime.fromisoformat, "MEMOS": [], "fill": _fill,
    }  # fmt: skip
    pairs = "row.items()" if names == keys else "zip(NAMES, row.values())"
    lines = [
        "def load(rows, backend, filled=False):",
        # The page's checks, each one C-level pass: every row has the keys of the first
        # (a page's rows share their key strings, so these compare by identity), which are
        # KEYS; and no value is falsy but "" or null.
        "    shapes = list(map(tuple, rows))",
        "    if shapes[0] != KEYS or shapes.count(shapes[0]) != len(shapes):",
        "        return None",
        "    falsy = list(filterfalse(None, chain(map(values_of, rows))))",
        "    if falsy.count('') != len(falsy) and not EMPTY.issuperset(falsy):",
        "        return None",
        "    out = []",
        "    append = out.append",
        "    try:",
        "        for row in rows:",
        "            d = template()",
        f"            d.update(compress({pairs}, row.values()))",
    ]
    if "" in names:
        lines.append("            d.pop('', None)")  # keys the model does not map (label, ...)
    for index, (key, (name, decode)) in enumerate(zip(keys, steps, strict=True)):
        if name and decode is not None:
            body = _decode_lines(key, name, decode, f"D{index}", namespace, trusted_id)
            lines += ["    " + line for line in body]
    lines += [
        "            instance = new(model)",
        "            set_dict(instance, d)",
        "            set_private(instance,"
        " {'_vt_loaded': row, '_vt_backend': backend, '_vt_related': {}})",
        "            append(instance)",
        "    except KeyError:  # a value new to a memo: decode the page's into them, once",
        "        if filled:",
        "            return None",
        "        fill(MEMOS, rows)",
        "        return load(rows, backend, True)",
        "    return out",
    ]
    exec("\n".join(lines), namespace)  # source built above from field names
    loader: PageLoader = namespace["load"]
    return loader


def _slot_setter(model: type[Model], name: str) -> Callable[[object, object], None]:
    """The setter of the instance slot `name` (`__dict__`, a pydantic slot), called
    directly: `object.__setattr__` would look the descriptor up on every call."""
    owner = next(klass for klass in model.__mro__ if name in vars(klass))
    setter: Callable[[object, object], None] = vars(owner)[name].__set__
    return setter


def _fill(memos: list[tuple[str, dict[Any, Any], dict[Any, Any]]], rows: list[Any]) -> None:
    """Put the decoding of every non-empty value the page holds for each memo's key in that
    memo (from the shared one, which decodes what it lacks). Bounded as the shared memos."""
    for key, memo, shared in memos:
        new = {row[key] for row in rows}.difference(memo, _EMPTY)
        if len(memo) + len(new) > _MEMO_LIMIT:
            memo.clear()
            memo[None] = None
        for value in new:
            memo[value] = shared[value]


def _decode_lines(
    key: str,
    name: str,
    decode: Callable[[str], Any],
    alias: str,
    namespace: dict[str, Any],
    trusted_id: Callable[[object], RecordId],
) -> list[str]:
    """Statements decoding the non-empty raw value the row (its `key`) put in `d[name]`."""
    picklist = getattr(decode, "vtorm_picklist", None)
    if picklist is not None and picklist[1] is None:
        # A picklist checked for drift (vtorm.model.drift): a listed value is kept as is,
        # with no call; others go through the check, which warns once.
        namespace[alias], namespace[alias + "_listed"] = decode, picklist[0]
        return [
            f"        v = d[{name!r}]",
            f"        if v is not None and v not in {alias}_listed: d[{name!r}] = {alias}(v)",
        ]
    if decode is trusted_id:  # inlined: a server id is a str with an "x"
        convert = "str_new(RecordId, v) if v.__class__ is str and 'x' in v else trusted_id(v)"
    elif (suffix := getattr(decode, "vtorm_zone_suffix", None)) is not None:
        # A datetime of a fixed-offset server (vtorm.model.values): inlined, one C call.
        namespace[alias], namespace[alias + "_suffix"] = decode, suffix
        convert = f"fromisoformat(v + {alias}_suffix) if len(v) == 19 else {alias}(v)"
    elif isinstance(table := getattr(decode, "__self__", None), dict):
        # A memo (booleans, ids): the loader's own, a plain dict (one specialised lookup per
        # value, null included); a value it lacks is a KeyError, which fills it (`_fill`).
        memo: dict[Any, Any] = {None: None}
        namespace[alias] = memo
        namespace["MEMOS"].append((key, memo, table))
        return [f"        d[{name!r}] = {alias}[d[{name!r}]]"]
    else:
        namespace[alias] = decode
        convert = f"{alias}(v)"
    return [f"        v = d[{name!r}]", f"        if v is not None: d[{name!r}] = {convert}"]
