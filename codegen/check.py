"""`vtorm generate --check`: does the package still match the server's schema?

Two comparisons: the schema recorded in the package's lock file against the server's
(types, fields and relations added, removed or retyped, picklist values changed, ...), and the files
on disk against a fresh rendering (catches hand edits and generator upgrades).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from codegen.lock import LockedField, LockedModule, LockFile
from codegen.render import stale_files

__all__ = ["Drift", "diff_files", "diff_schema", "find_drift"]


@dataclass(frozen=True)
class Drift:
    """What differs; empty means the package is up to date."""

    schema: tuple[str, ...]
    files: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.schema or self.files)

    def summary(self, output: Path) -> str:
        """A readable report for a terminal or a CI log."""
        if not self:
            return f"{output} is up to date with the server's schema"
        lines = [f"{output} is out of date with the server's schema:"]
        lines += [f"  {line}" for line in self.schema]
        if self.files:
            lines.append(
                f"  files that a fresh `vtorm generate` would change: {', '.join(self.files)}"
            )
        lines.append("Run `vtorm generate` with the same options to update it.")
        return "\n".join(lines)


def find_drift(
    old: LockFile | None,
    new: LockFile,
    files: Mapping[str, str],
    output: Path,
    only: Iterable[str] | None = None,
) -> Drift:
    """Compare the package in `output` (and its lock `old`) with a fresh plan.

    `only` limits both comparisons to some modules' files (`--modules`): the rest of the
    package is left out of the verdict.
    """
    if only is not None and old is not None:
        old = LockFile({m: old.modules[m] for m in new.modules if m in old.modules})
    names = [f for f in files if f.endswith(".py") and f != "__init__.py"] if only else None
    return Drift(tuple(diff_schema(old, new)), tuple(diff_files(files, output, names)))


def diff_schema(old: LockFile | None, new: LockFile) -> list[str]:
    """One line per difference, modules in name order, fields in describe order."""
    before = dict(old.modules) if old else {}
    lines: list[str] = []
    for name in sorted(set(before) | set(new.modules)):
        if name not in before:
            lines.append(f"+ type {name} (new class {new.modules[name].class_name})")
        elif name not in new.modules:
            lines.append(f"- type {name} (class {before[name].class_name} is gone)")
        else:
            lines += [f"{name}: {line}" for line in _diff_module(before[name], new.modules[name])]
    return lines


def _diff_module(old: LockedModule, new: LockedModule) -> list[str]:
    lines: list[str] = []
    for wire in [*old.fields, *(w for w in new.fields if w not in old.fields)]:
        was, now = old.fields.get(wire), new.fields.get(wire)
        if was is None and now is not None:
            lines.append(f"+ field {_show(wire, now)} ({now.type})")
        elif now is None and was is not None:
            lines.append(f"- field {_show(wire, was)} ({was.type})")
        elif was is not None and now is not None:
            lines += [f"~ field {_show(wire, now)}: {change}" for change in _diff_field(was, now)]
    return lines + _diff_relations(old, new)


def _diff_relations(old: LockedModule, new: LockedModule) -> list[str]:
    """Relations (`relatedtypes`) added, removed or pointing at another module, by label."""
    lines: list[str] = []
    for label in sorted(set(old.relations) | set(new.relations)):
        was, now = old.relations.get(label), new.relations.get(label)
        if was is None and now is not None:
            lines.append(f"+ relation {label!r} ({now.module})")
        elif now is None and was is not None:
            lines.append(f"- relation {label!r} ({was.module})")
        elif was is not None and now is not None and was.module != now.module:
            lines.append(f"~ relation {label!r}: module {was.module} -> {now.module}")
    return lines


def _show(wire: str, field: LockedField) -> str:
    return wire if field.name == wire else f"{field.name} [{wire}]"


def _diff_field(old: LockedField, new: LockedField) -> list[str]:
    changes: list[str] = []
    if old.type != new.type:
        changes.append(f"retyped {old.type} -> {new.type}")
    if old.picklist != new.picklist:
        changes.append(_diff_values(old.picklist, new.picklist))
    for attribute in ("label", "mandatory", "editable", "refers_to"):
        before, after = getattr(old, attribute), getattr(new, attribute)
        if before != after:
            changes.append(f"{attribute} {before!r} -> {after!r}")
    return changes


def _diff_values(old: Iterable[str], new: Iterable[str]) -> str:
    before, after = list(old), list(new)
    added = [v for v in after if v not in before]
    removed = [v for v in before if v not in after]
    parts = [f"+{v!r}" for v in added] + [f"-{v!r}" for v in removed]
    return "picklist values " + (" ".join(parts) if parts else "reordered")


def diff_files(
    files: Mapping[str, str], output: Path, only: Iterable[str] | None = None
) -> list[str]:
    """Names of files that are missing, different, or (generated and) no longer wanted."""
    wanted = set(only) if only is not None else set(files)
    changed: list[str] = []
    for name in sorted(wanted):
        path = output / name
        if not path.is_file() or path.read_text("utf-8") != files[name]:
            changed.append(name)
    if only is None and output.is_dir():
        changed += stale_files(dict(files), output)
    return changed
