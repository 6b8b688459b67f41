"""mypy --strict and pyright --strict on `generated/` and two example programs.

`examples/ok.py` must be clean; every line of `examples/bad.py` ending in
`# error: <words>` must be reported by both checkers (mypy's message containing the words),
and nothing else may be. One run per checker keeps this slow part small.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

from tests.codegen.conftest import ROOT, tool

pytestmark = pytest.mark.slow  # each test runs a type checker over generated/

EXAMPLES = Path(__file__).parent / "examples"
OK, BAD = EXAMPLES / "ok.py", EXAMPLES / "bad.py"


def _expected_errors() -> dict[int, str]:
    """Line number -> words mypy's message must contain, from the `# error:` markers."""
    marked = {}
    for number, line in enumerate(BAD.read_text("utf-8").splitlines(), start=1):
        if "  # error: " in line:
            marked[number] = line.split("  # error: ", 1)[1].strip()
    return marked


def test_mypy_strict_accepts_the_package_and_rejects_the_wrong_program(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    run = tool("mypy", "--strict", "--cache-dir", tmp_path / "cache", "generated", OK, BAD)
    with capsys.disabled():
        print(f"\n[mypy on generated/ + 2 examples: {time.monotonic() - started:.1f} s]")
    errors: dict[int, list[str]] = {}
    others = []
    for line in run.stdout.splitlines():
        match = re.match(r"(.+?):(\d+): error: (.*)", line)
        if match is None:
            continue
        path, number, message = match.groups()
        if Path(path).resolve() == BAD:
            errors.setdefault(int(number), []).append(message)
        else:
            others.append(line)
    assert others == [], run.stdout
    expected = _expected_errors()
    assert sorted(errors) == sorted(expected), run.stdout
    for number, words in expected.items():
        assert any(words in message for message in errors[number]), (number, errors[number])


def test_pyright_strict_agrees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"}))
    started = time.monotonic()
    run = tool(
        "pyright",
        "-p",
        config,
        "--pythonpath",
        sys.executable,
        "--outputjson",
        "generated",
        "codegen",
        OK,
        BAD,
    )
    with capsys.disabled():
        print(
            f"\n[pyright on generated/, codegen/ + 2 examples: {time.monotonic() - started:.1f} s]"
        )
    report = json.loads(run.stdout[run.stdout.index("{") :])
    by_file: dict[Path, set[int]] = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            line = diagnostic["range"]["start"]["line"] + 1
            by_file.setdefault(Path(diagnostic["file"]).resolve(), set()).add(line)
    assert set(by_file) <= {BAD}, report["generalDiagnostics"]
    assert by_file.get(BAD) == set(_expected_errors())
    assert (ROOT / "generated").is_dir()
