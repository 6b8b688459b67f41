"""One test per case of the real-server captures, replayed against the emulator.

The captures live outside the repository (`../shared/vtiger-reference`); without them this
module is skipped. Deliberate differences are listed in `docs/emulator-differences.md` and
expected here as strict xfails, so fixing one without updating the docs fails the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conformance.steps import REFERENCE

if not REFERENCE.is_dir():
    pytest.skip(f"the real-server captures are not present at {REFERENCE}", allow_module_level=True)

from tests.conformance.normalise import differences
from tests.conformance.script import RECORD_FILES, custom_fields_run, main_run
from tests.conformance.steps import Step

#: Case id -> why the emulator deliberately differs (explained in docs/emulator-differences.md).
DIFFERENCES: dict[str, str] = {}


def _cases() -> list[Any]:
    params = []
    for step in main_run() + custom_fields_run():
        if step.case_id is None:
            continue
        marks = []
        if step.case_id in DIFFERENCES:
            marks.append(pytest.mark.xfail(strict=True, reason=DIFFERENCES[step.case_id]))
        params.append(pytest.param(step, id=step.case_id, marks=marks))
    return params


@pytest.mark.parametrize("step", _cases())
def test_case(step: Step, outcomes: dict[str, Any]) -> None:
    outcome = outcomes.get(step.case_id or "")
    assert outcome is not None, f"{step.case_id} was not replayed"
    problems = differences(
        outcome.expected, outcome.status, outcome.text, outcome.body, step.row_count
    )
    assert not problems, f"{step.case_id}: {step.params}\n  " + "\n  ".join(problems)


def test_documented_differences_are_in_the_docs() -> None:
    """Every xfail names a case that exists and is explained in docs/emulator-differences.md."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "emulator-differences.md"
    known = {step.case_id for step in main_run() + custom_fields_run()}
    text = docs.read_text("utf-8") if docs.exists() else ""
    for case_id in DIFFERENCES:
        assert case_id in known, f"{case_id} is not a capture case"
        assert case_id in text, f"{case_id} is not explained in {docs}"


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
