"""Conformance fixtures: one replay of the whole capture per session, and the pass-rate table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

from tests.conformance.steps import REFERENCE

CAPTURE_FILE = "capture_file"


@pytest.fixture(scope="session")
def outcomes() -> Iterator[dict[str, object]]:
    """Every compared step's outcome, keyed by case id (main run and custom-fields run)."""
    try:
        from tests.conformance.replay import CaptureClock, Replay, make_emulator
    except ImportError as exc:  # while the emulator is being built
        pytest.skip(f"the emulator cannot be imported: {exc}")
    from tests.conformance.script import custom_fields_run, main_run
    from vtorm.emulator.schema import Schema

    results: dict[str, object] = {}
    runs = (
        (Schema.standard, main_run()),
        (
            lambda: Schema.from_directory(REFERENCE / "custom-fields" / "describe"),
            custom_fields_run(),
        ),
    )
    for schema, steps in runs:
        clock = CaptureClock(next(s.at for s in steps if s.at is not None))
        with make_emulator(schema(), clock).serve() as server:
            results.update(Replay(server.url, clock).run(steps))
    yield results


def pytest_itemcollected(item: pytest.Item) -> None:
    """Tag each capture case with its file, for the pass-rate table."""
    step = getattr(item, "callspec", None) and item.callspec.params.get("step")  # type: ignore[attr-defined]
    if step is not None and getattr(step, "file", None):
        item.user_properties.append((CAPTURE_FILE, step.file))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the conformance pass rate per capture file."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in ("passed", "failed", "xfailed", "xpassed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            props = dict(getattr(report, "user_properties", ()))
            counted = outcome != "passed" or getattr(report, "when", "call") == "call"
            if CAPTURE_FILE in props and counted:
                counts[str(props[CAPTURE_FILE])][outcome] += 1
    if not counts:
        return
    terminalreporter.section("conformance with the real Vtiger 8.0 captures")
    overall: dict[str, int] = defaultdict(int)
    for file in sorted(counts):
        _rate_line(terminalreporter, file, counts[file])
        for outcome, count in counts[file].items():
            overall[outcome] += count
    _rate_line(terminalreporter, "all captures", overall)


def _rate_line(reporter: pytest.TerminalReporter, name: str, counts: dict[str, int]) -> None:
    total = sum(counts.values())
    rate = 100.0 * counts["passed"] / total
    reporter.write_line(f"{name:<20} {counts['passed']:>4}/{total:<4} passed ({rate:5.1f}%)")
