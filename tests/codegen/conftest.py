"""Shared paths and helpers of the codegen tests."""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.cli import demo_schema
from codegen.describe import DescribedSchema
from codegen.source import overlay
from vtorm.embedded import embedded_client

ROOT = Path(__file__).resolve().parents[2]
#: The shared reference captures (`VTORM_SHARED` when they are not checked out beside the repo).
SHARED = Path(os.environ.get("VTORM_SHARED") or ROOT.parent / "shared")
REFERENCE = SHARED / "vtiger-reference"
CUSTOM = REFERENCE / "custom-fields/describe"
needs_shared = pytest.mark.skipif(not CUSTOM.is_dir(), reason="needs ../shared/vtiger-reference")


@functools.cache
def standard() -> DescribedSchema:
    """The embedded server's schema, as `vtorm generate --demo` reads it (over its webservice)."""
    return demo_schema(embedded_client, stream=io.StringIO())


def custom() -> DescribedSchema:
    """The standard schema with the reference custom fields laid over it."""
    return overlay(standard(), CUSTOM)


def tool(name: str, *args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run a dev tool installed next to this interpreter (ruff, mypy, pyright)."""
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return subprocess.run(
        [found, *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False
    )
