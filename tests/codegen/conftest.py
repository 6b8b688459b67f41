"""Shared paths and helpers of the codegen tests."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CUSTOM = ROOT.parent / "shared/vtiger-reference/custom-fields/describe"
needs_shared = pytest.mark.skipif(not CUSTOM.is_dir(), reason="needs ../shared/vtiger-reference")


def tool(name: str, *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a dev tool installed next to this interpreter (ruff, mypy, pyright)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return subprocess.run(
        [found, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )
