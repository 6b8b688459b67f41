"""One test per case of the real-server captures, replayed against the emulator.

The captures live outside the repository (`../shared/vtiger-reference`); without them this
module is skipped. Every case must match the capture: there is no list of expected failures.
A deliberate difference would be asserted here as the exact difference it produces (and
explained in `docs/emulator-differences.md`), never skipped or marked as failing.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conformance.steps import REFERENCE

if not REFERENCE.is_dir():
    pytest.skip(f"the real-server captures are not present at {REFERENCE}", allow_module_level=True)

from tests.conformance.normalise import differences
from tests.conformance.script import RECORD_FILES, custom_fields_run, main_run
from tests.conformance.steps import Step


def _cases() -> list[Any]:
    return [
        pytest.param(step, id=step.case_id)
        for step in main_run() + custom_fields_run()
        if step.case_id is not None
    ]


@pytest.mark.parametrize("step", _cases())
def test_case(step: Step, outcomes: dict[str, Any]) -> None:
    outcome = outcomes.get(step.case_id or "")
    assert outcome is not None, f"{step.case_id} was not replayed"
    problems = differences(
        outcome.expected, outcome.status, outcome.text, outcome.body, step.row_count
    )
    assert problems == [], f"{step.case_id}: {step.params}\n  " + "\n  ".join(problems)


def test_every_capture_case_is_replayed() -> None:
    """No case of any capture file is silently left out of the replay."""
    from tests.conformance.steps import load

    steps = main_run() + custom_fields_run()
    replayed = {step.case_id for step in steps if step.case_id}
    assert len(replayed) == len([s for s in steps if s.case_id]), "case ids must be unique"
    files: dict[str, int] = {}
    for step in steps:
        if step.file:
            files[step.file] = files.get(step.file, 0) + 1
    with_request = {
        name: sum(1 for case in load(name).values() if isinstance(case, dict) and "request" in case)
        for name in ("sync.json", "other_ops.json")
    }
    records = sum(2 * len(load(f"records/{m}.json")) for m in RECORD_FILES)
    custom = load("custom-fields/records-and-queries.json")
    assert files == {
        "getchallenge.json": 1, "login.json": 1, "listtypes.json": 1,
        "describe/": len(list((REFERENCE / "describe").glob("*.json"))),
        "relatedtypes.json": len(load("relatedtypes.json")),
        "records/": records,
        "queries.json": len(load("queries.json")),
        "errors.json": len(load("errors.json")),
        **with_request,
        "inventory.json": len(load("inventory.json")),
        "custom-fields/": 4 + len(custom["queries"]) + 1,
    }  # fmt: skip
