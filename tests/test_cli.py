from __future__ import annotations

import subprocess
import sys

import vtorm


def test_version_and_help() -> None:
    version = subprocess.run(
        [sys.executable, "-m", "vtorm", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.strip() == f"vtorm {vtorm.__version__}"
    help_text = subprocess.run(
        [sys.executable, "-m", "vtorm", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: vtorm" in help_text.stdout
