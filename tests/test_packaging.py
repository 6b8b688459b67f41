"""The wheel really ships the three packages, their data files and their py.typed markers."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # builds a wheel with pip


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("vtorm-*.whl")
    return built


def test_wheel_contains_packages_markers_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("vtorm", "codegen", "generated"):
        assert f"{package}/__init__.py" in names
        assert f"{package}/py.typed" in names
    assert "vtorm/emulator/data/listtypes.json" in names
    assert "vtorm/emulator/data/describe/Contacts.json" in names
    assert not any(name.startswith("tests/") for name in names)


def test_packages_import_from_the_wheel(wheel: Path) -> None:
    # A wheel of pure Python is importable as a zip: put it first on sys.path and check that
    # the modules, and the package data read through importlib.resources, come from it.
    script = f"""
import sys
sys.path.insert(0, {str(wheel)!r})
import vtorm, codegen, generated
for module in (vtorm, codegen, generated):
    assert module.__file__.startswith({str(wheel)!r}), module.__file__
from vtorm.emulator.schema import Schema
schema = Schema.standard()
assert len(schema.modules) == 35, len(schema.modules)
print(vtorm.__version__)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
