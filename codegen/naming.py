"""Python names for Vtiger modules and fields: pure, deterministic rules.

Field names, in order:

1. A standard field keeps its wire name when that is a usable identifier (`lastname`,
   `hdnGrandTotal`). Custom fields (`cf_853`) and unusable wire names (`shipping_&_handling`,
   `vtiger_purchaseorder`, which is in the ORM's reserved `vtiger_` namespace) are named from
   their label instead: HTML entities decoded, transliterated to ASCII (German umlauts as
   `ae`/`oe`/`ue`, `ß` as `ss`, other accents dropped: "Größe (cm)" -> `groesse_cm`), symbols
   spelled out (`%` percent, `&` and, `#` number, `@` at, `+` plus), every other run of
   punctuation or spaces becomes `_`, lower case ("VIP?" -> `vip`, "Discount %" ->
   `discount_percent`). A leading number is spelled out ("2nd Phone" -> `second_phone`,
   "3 Day Rule" -> `three_day_rule`) or, past ten, prefixed with `n` (`n2024_budget`). The
   result is cut to 40 characters. A label with nothing usable falls back to the wire name.
2. Python keywords, builtins, the names a generated module itself uses (`Decimal`,
   `datetime`, `Literal`, ...) and the public attributes of `vtorm.Model` (`objects`, `save`,
   `delete`, `refresh`, `related`, `id`, `DoesNotExist`, pydantic's `copy`/`json`/...) get a
   trailing `_` (`class_`, `type_`, `save_`). Names in a reserved namespace (`model_*`, `vtiger_*`,
   leading `_`) get a `field_` prefix.
3. Collisions are settled in a fixed order: names kept in the lock file first, then
   wire-named fields, then label-named fields, each in describe order. A later field whose
   name is taken gets its wire name appended (`primary_email_cf_861`), then `_2`, `_3`...
"""

from __future__ import annotations

import builtins
import html
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping

import inflection

__all__ = [
    "MODULE_SCOPE_NAMES",
    "RESERVED_ATTRIBUTES",
    "class_name",
    "field_names",
    "file_stem",
    "is_usable",
    "safe_name",
    "slugify",
    "transliterate",
]

#: Attributes of `vtorm.Model` (and pydantic's BaseModel) a field must never shadow.
RESERVED_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "DoesNotExist",
        "MultipleObjectsReturned",
        "construct",
        "copy",
        "delete",
        "dict",
        "from_orm",
        "id",
        "json",
        "objects",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "refresh",
        "related",
        "save",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)

#: Prefixes the ORM and pydantic keep for themselves.
RESERVED_PREFIXES: tuple[str, ...] = ("model_", "vtiger_", "_")

#: Names a generated module binds at module scope (a field of that name would shadow them
#: inside the class body, where later annotations are evaluated).
MODULE_SCOPE_NAMES: frozenset[str] = frozenset(
    {
        "Annotated",
        "ClassVar",
        "Decimal",
        "Literal",
        "Manager",
        "Model",
        "Q",
        "QuerySet",
        "RecordId",
        "Self",
        "Sequence",
        "TYPE_CHECKING",
        "TypedDict",
        "Unpack",
        "VtigerField",
        "annotations",
        "datetime",
    }
)

#: Names made from labels are cut to this many characters (Vtiger labels can be long).
MAX_LENGTH = 40

_BUILTINS: frozenset[str] = frozenset(name for name in dir(builtins) if not name.startswith("_"))

_GERMAN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)
_SYMBOLS = {"%": " percent ", "&": " and ", "#": " number ", "@": " at ", "+": " plus "}
_NUMBER_WORDS = (
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
    [
        "zeroth",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
    ],
)
_LEADING_NUMBER = re.compile(r"^(\d+)(st|nd|rd|th)?(?=_|$)")


def transliterate(text: str) -> str:
    """ASCII for `text`: German umlauts spelled out, other accents dropped.

    >>> transliterate("Größe Café")
    'Groesse Cafe'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_GERMAN))
    return "".join(ch for ch in decomposed if ch.isascii())


def _spell_leading_number(slug: str) -> str:
    match = _LEADING_NUMBER.match(slug)
    if match is None:
        return f"n{slug}" if slug[:1].isdigit() else slug
    number, suffix = int(match.group(1)), match.group(2)
    if number > 10:
        return f"n{slug}"
    word = _NUMBER_WORDS[1 if suffix else 0][number]
    return word + slug[match.end() :]


def slugify(label: str) -> str:
    """A lower_snake identifier made from a label, or "" when nothing usable is left.

    >>> slugify("2nd Phone"), slugify("Discount %"), slugify("Größe (cm)")
    ('second_phone', 'discount_percent', 'groesse_cm')
    """
    text = transliterate(html.unescape(label))
    for symbol, word in _SYMBOLS.items():
        text = text.replace(symbol, word)
    slug = _spell_leading_number(re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_"))
    return slug[:MAX_LENGTH].rstrip("_")


def is_usable(name: str, extra_reserved: Iterable[str] = ()) -> bool:
    """Whether `name` can be a field attribute as it is."""
    return (
        name.isidentifier()
        and name.isascii()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
        and name not in _BUILTINS
        and name not in MODULE_SCOPE_NAMES
        and name not in RESERVED_ATTRIBUTES
        and name not in set(extra_reserved)
        and not name.startswith(RESERVED_PREFIXES)
    )


def safe_name(name: str, extra_reserved: Iterable[str] = ()) -> str:
    """`name` made usable: `field_` before a reserved prefix, `_` after a reserved word."""
    reserved = set(extra_reserved)
    if not (name.isascii() and name.isidentifier()):
        name = slugify(name) or "field"
    if name.startswith(RESERVED_PREFIXES):
        name = "field_" + name.lstrip("_")
    while not is_usable(name, reserved):
        name += "_"
    return name


def _candidate(wire_name: str, label: str, extra_reserved: Iterable[str]) -> tuple[str, bool]:
    """The preferred name of one field and whether it came from the wire name."""
    if not wire_name.startswith("cf_") and is_usable(wire_name, extra_reserved):
        return wire_name, True
    if (
        wire_name.isascii()
        and wire_name.isidentifier()
        and not wire_name.startswith(("cf_", *RESERVED_PREFIXES))
    ):
        return safe_name(wire_name, extra_reserved), True  # e.g. `type` -> `type_`
    slug = slugify(label) or slugify(wire_name) or "field"
    return safe_name(slug, extra_reserved), False


def field_names(
    fields: Iterable[tuple[str, str]],
    locked: Mapping[str, str] | None = None,
    extra_reserved: Iterable[str] = (),
) -> dict[str, str]:
    """Wire name -> python name for one module's `(wire_name, label)` pairs.

    `locked` (from the lock file) wins for every wire name it lists, as long as the name is
    still usable. The result is in the order of `fields`.
    """
    pairs = list(fields)
    reserved = set(extra_reserved)
    taken: set[str] = set()
    chosen: dict[str, str] = {}
    for wire, _label in pairs:
        name = (locked or {}).get(wire)
        if name is not None and name not in taken and is_usable(name, reserved):
            chosen[wire] = name
            taken.add(name)
    candidates = [(wire, *_candidate(wire, label, reserved)) for wire, label in pairs]
    for from_wire in (True, False):
        for wire, name, by_wire in candidates:
            if by_wire is from_wire and wire not in chosen:
                chosen[wire] = _free(name, wire, taken)
                taken.add(chosen[wire])
    return {wire: chosen[wire] for wire, _label in pairs}


def _free(name: str, wire_name: str, taken: set[str]) -> str:
    if name not in taken:
        return name
    suffix = slugify(wire_name)
    base = f"{name.rstrip('_')}_{suffix}" if suffix and suffix != name else name
    candidate, counter = base, 2
    while candidate in taken:
        candidate, counter = f"{base}_{counter}", counter + 1
    return candidate


def class_name(module_name: str, taken: Iterable[str] = ()) -> str:
    """Singular CamelCase class name of a Vtiger module (`PriceBooks` -> `PriceBook`)."""
    ascii_name = re.sub(r"[^A-Za-z0-9_]+", "_", transliterate(module_name)).strip("_")
    base = inflection.camelize(inflection.singularize(ascii_name or "Module"))
    if base[:1].isdigit():
        base = f"M{base}"
    name = base if is_usable(base) else f"{base}Record"
    blocked, counter = set(taken), 2
    candidate = name
    while candidate in blocked:
        candidate, counter = f"{name}{counter}", counter + 1
    return candidate


def file_stem(class_name_: str) -> str:
    """The python module a class is written to (`SalesOrder` -> `sales_order`)."""
    stem = inflection.underscore(class_name_)
    return stem if stem.isidentifier() and not keyword.iskeyword(stem) else f"{stem}_"
