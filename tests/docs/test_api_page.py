"""The API reference page is current: regenerate it with `python tests/docs/api_page.py`."""

from __future__ import annotations

from tests.docs.api_page import PAGE, render


def test_api_page_matches_the_docstrings() -> None:
    assert PAGE.read_text("utf-8") == render(), "run: python tests/docs/api_page.py"


def test_every_public_name_has_an_entry() -> None:
    import vtorm
    import vtorm.emulator

    page = PAGE.read_text("utf-8")
    for module in (vtorm, vtorm.emulator):
        for name in module.__all__:
            if name.startswith("__"):
                continue
            entries = (f"### `{module.__name__}.{name}`", f"### `vtorm.errors.{name}`")
            assert any(entry in page for entry in entries), name
