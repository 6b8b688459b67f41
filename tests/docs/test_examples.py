"""Every ```python block in docs/ and the README runs, page by page, against the embedded server.

Blocks of one page share a namespace and run in order, as a reader would type them. A block
whose first line is `# not run` is skipped (for snippets that need a real CRM). Each page
gets a fresh embedded server seeded with the demo data, connected as the default client, so
examples can use `generated` models directly. Pages whose examples start an `Emulator` of their
own are embedded-only: live mode skips them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(page: Path) -> list[str]:
    return [
        block
        for block in BLOCK.findall(page.read_text(encoding="utf-8"))
        if not block.startswith("# not run")
    ]


README = DOCS.parent / "README.md"
PAGES = [README, *sorted(p for p in DOCS.rglob("*.md") if python_blocks(p))]


def page_param(page: Path) -> object:
    """`page` as a test parameter, embedded-only when its examples build their own emulator."""
    marks = []
    if any("Emulator(" in block for block in python_blocks(page)):
        reason = "the page's examples start their own embedded server (Emulator(...))"
        marks.append(pytest.mark.embedded_only(reason=reason))
    return pytest.param(page, marks=marks, id=str(page.relative_to(DOCS.parent)))


@pytest.mark.parametrize("page", [page_param(p) for p in PAGES])
def test_page_examples_run(page: Path, docs_namespace: dict[str, object]) -> None:
    for number, block in enumerate(python_blocks(page), start=1):
        code = compile(block, f"{page.name}[block {number}]", "exec")
        exec(code, docs_namespace)
