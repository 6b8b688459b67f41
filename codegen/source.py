"""Where describes come from: a server's webservice (concurrent `describe` calls; for
`--demo` the embedded server, started by the CLI and asked the same way), optionally with
extra describe payloads laid over it (`--schema DIR`).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from codegen.describe import (
    DescribedModule,
    DescribedSchema,
    parse_describe,
    parse_schema,
    result_of,
)
from vtorm.errors import ConfigurationError

__all__ = [
    "DescribeClient",
    "Progress",
    "Summary",
    "fetch_schema",
    "overlay",
    "select_modules",
]

#: At most this many describe calls run at once (servers throttle bursts).
MAX_WORKERS = 8


class DescribeClient(Protocol):
    """What codegen needs of `vtorm.Client`."""

    def list_types(self) -> Mapping[str, Any]: ...

    def describe(self, module: str) -> Mapping[str, Any]: ...

    def related_types(self, module: str) -> Mapping[str, Any]: ...


@dataclass
class Progress:
    """A progress bar on a terminal, one plain line per step otherwise."""

    total: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False  # `--quiet`: count, but write nothing
    done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def interactive(self) -> bool:
        return bool(getattr(self.stream, "isatty", lambda: False)())

    def step(self, name: str) -> None:
        """Record one finished describe (called from the worker threads)."""
        with self._lock:
            self.done += 1
            self._show(name)

    def _show(self, name: str) -> None:
        if self.quiet:
            return
        if self.interactive:
            filled = int(30 * self.done / max(self.total, 1))
            bar = "#" * filled + "." * (30 - filled)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {name:<30}{end}")
        else:
            self.stream.write(f"described {name} ({self.done}/{self.total})\n")
        self.stream.flush()


def overlay(base: DescribedSchema, directory: Path) -> DescribedSchema:
    """`base` with every `<Type>.json` describe payload in `directory` laid over it.

    A type already in `base` keeps its listtypes label and its relations; others are added
    after it in file name order, to the listtypes answer too, so the snapshot written beside
    the models names every type they were generated from.
    """
    if not directory.is_dir():
        raise ConfigurationError(f"--schema {directory}: not a directory")
    modules = dict(base.modules)
    describes = dict(base.describes)
    for path in sorted(directory.glob("*.json")):
        try:
            data: object = json.loads(path.read_text("utf-8"))
        except ValueError as exc:
            raise ConfigurationError(f"--schema {path}: not JSON: {exc}") from exc
        result = result_of(data, f"--schema {path}")
        module = parse_describe(result)
        old = modules.get(module.name)
        if old is not None:
            info = {"label": old.label, "singular": old.singular}
            module = parse_describe(result, info, old.relations)
        modules[module.name] = module
        describes[module.name] = result
    return DescribedSchema(modules, _listed(base.listtypes, describes), describes, base.related)


def _listed(listtypes: Mapping[str, Any], describes: Mapping[str, Any]) -> dict[str, Any]:
    """`listtypes` naming every described type: added ones as entities, labelled as described."""
    types = list(listtypes.get("types", []))
    information = dict(listtypes.get("information", {}))
    for name, describe in describes.items():
        if name not in types:
            types.append(name)
            label = str(describe.get("label") or name)
            information[name] = {"isEntity": True, "label": label, "singular": label}
    return {**listtypes, "types": types, "information": information}


def select_modules(schema: DescribedSchema, wanted: Sequence[str] | None) -> list[DescribedModule]:
    """The modules named in `wanted` (all when None); unknown names are an error."""
    if not wanted:
        return list(schema.modules.values())
    unknown = [name for name in wanted if name not in schema]
    if unknown:
        known = ", ".join(sorted(schema.modules))
        raise ConfigurationError(f"unknown module(s) {', '.join(unknown)}; the server has {known}")
    return [schema[name] for name in dict.fromkeys(wanted)]


def fetch_schema(
    client: DescribeClient,
    wanted: Sequence[str] | None = None,
    *,
    stream: TextIO | None = None,
    workers: int = MAX_WORKERS,
    quiet: bool = False,
) -> DescribedSchema:
    """`listtypes`, then the describes of the wanted types, at most `workers` at a time,
    and the `relatedtypes` of each entity type among them (its reverse relations)."""
    listing = client.list_types()
    types = [str(name) for name in listing.get("types", ())]
    if wanted:
        missing = [name for name in wanted if name not in types]
        if missing:
            raise ConfigurationError(
                f"unknown module(s) {', '.join(missing)}; the server lists {', '.join(types)}"
            )
        types = list(dict.fromkeys(wanted))
    progress = Progress(len(types), stream or sys.stderr, quiet)

    def describe(name: str) -> tuple[Mapping[str, Any], Mapping[str, Any] | None]:
        result = client.describe(name)
        related = client.related_types(name) if parse_describe(result).is_entity else None
        progress.step(name)
        return result, related

    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(types) or 1))) as pool:
        answers = list(pool.map(describe, types))  # map keeps listtypes order
    related = {name: r for name, (_d, r) in zip(types, answers, strict=True)}
    return parse_schema(listing, [d for d, _ in answers], related)


@dataclass(frozen=True)
class Summary:
    """The one line printed at the end: how much was generated, how fast."""

    modules: int
    fields: int
    seconds: float

    @classmethod
    def of(cls, modules: Iterable[DescribedModule], started: float) -> Summary:
        chosen = list(modules)
        return cls(len(chosen), sum(len(m.fields) for m in chosen), time.monotonic() - started)

    def line(self, verb: str, output: Path) -> str:
        return (
            f"{verb} {self.modules} types, {self.fields} fields in {self.seconds:.2f} s -> {output}"
        )
