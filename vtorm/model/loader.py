"""Compiled page loaders: server rows -> model instances, one generated function per model
and row shape.

A page's rows share their keys, so everything that depends only on the keys (which field
each key fills, which need decoding, the defaults of the fields the page lacks) is worked
out once and written into the source of a small function, compiled with `exec`. Per row
that function then does what cannot be avoided, most of it in C:

- copy a template dict holding every field's name in the row's order (then the defaults);
- overwrite it with the row's non-empty values in one `dict.update` (`itertools.compress`
  picks them by truthiness, C-level, so empty strings and nulls keep the template's None);
- decode the typed fields (dates, booleans, references, ...) one statement each;
- assemble the instance without pydantic validation (the values are already exact); its
  fields-set is made when first asked for (`Model.__pydantic_fields_set__`).

The result is exactly what `Model.vtiger_from_wire` builds row by row (same values, same
`__dict__` order, same loaded wire state). Rows that do not fit return None and the page
goes row by row: another key order than the first row's, or a falsy value that is not ""
or null (a JSON 0 or false, which truthiness would wrongly read as empty; an unhashable
[] or {} raises TypeError, which the caller treats the same way).
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
        "template": template.copy, "new": model.__new__, "setter": object.__setattr__,
        "model": model, "trusted_id": trusted_id, "RecordId": RecordId,
        "str_new": str.__new__, "tuple": tuple, "zip": zip, "map": map, "list": list,
        "len": len, "fromisoformat": dt.datetime.fromisoformat,
    }  # fmt: skip
    pairs = "row.items()" if names == keys else "zip(NAMES, row.values())"
    lines = [
        "def load(rows, backend):",
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
        "    for row in rows:",
        "        d = template()",
        f"        d.update(compress({pairs}, row.values()))",
    ]
    if "" in names:
        lines.append("        d.pop('', None)")  # keys the model does not map (label, ...)
    for index, (name, decode) in enumerate(steps):
        if name and decode is not None:
            lines += _decode_lines(name, decode, f"D{index}", namespace, trusted_id)
    lines += [
        "        instance = new(model)",
        "        setter(instance, '__dict__', d)",
        "        setter(instance, '__pydantic_private__',"
        " {'_vt_loaded': row, '_vt_backend': backend, '_vt_related': {}})",
        "        append(instance)",
        "    return out",
    ]
    exec("\n".join(lines), namespace)  # source built above from field names
    loader: PageLoader = namespace["load"]
    return loader


def _decode_lines(
    name: str,
    decode: Callable[[str], Any],
    alias: str,
    namespace: dict[str, Any],
    trusted_id: Callable[[object], RecordId],
) -> list[str]:
    """Statements decoding the non-empty raw value the row put in `d[name]`."""
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
        # A memo (booleans, ids): one C-level lookup per value, null included.
        namespace[alias] = _NullSafeMemo(table)
        return [f"        d[{name!r}] = {alias}[d[{name!r}]]"]
    else:
        namespace[alias] = decode
        convert = f"{alias}(v)"
    return [f"        v = d[{name!r}]", f"        if v is not None: d[{name!r}] = {convert}"]


class _NullSafeMemo(dict[Any, Any]):
    """A loader's own memo in front of a shared one (booleans, ids): null (an empty value)
    maps to None, so each value costs one lookup and no test. Bounded, as the shared one."""

    def __init__(self, shared: dict[str, Any], limit: int = 4096) -> None:
        super().__init__({None: None})
        self._shared = shared
        self._limit = limit

    def __missing__(self, text: str) -> Any:
        if len(self) >= self._limit:
            self.clear()
            self[None] = None
        value = self[text] = self._shared[text]
        return value
