"""vtorm's collation against the database engine itself: MariaDB's `utf8mb3_general_ci`.

The real Vtiger stores text in `utf8mb3_general_ci` columns. Where a `mariadb` client can
reach a server (the machine's real CRMs run on one), every BMP character's weight
(`WEIGHT_STRING`) and random `=`, `<` and LIKE comparisons are checked against
`vtorm.query.collation`. Only literals are compared: no database or table is read.
Skipped where no such server answers.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples
from vtorm.query import collation

COLLATE = "utf8mb3_general_ci"


def mariadb(sql: str) -> str:
    done = subprocess.run(
        ["mariadb", "-N", "-B", "-e", sql], capture_output=True, text=True, timeout=60, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"no MariaDB server answers: {done.stderr.strip()[:200]}")
    return done.stdout.strip()


@pytest.fixture(scope="module", autouse=True)
def _needs_mariadb() -> None:
    if shutil.which("mariadb") is None:
        pytest.skip("no mariadb client on this machine")
    mariadb("select 1")


def text_literal(text: str) -> str:
    return f"convert(X'{text.encode('utf-8').hex()}' using utf8mb3) collate {COLLATE}"


def test_every_bmp_character_weighs_as_in_mariadb() -> None:
    points = [p for p in range(1, 0x10000) if not 0xD800 <= p <= 0xDFFF]
    differ = []
    for start in range(0, len(points), 3000):
        chunk = points[start : start + 3000]
        text = "".join(map(chr, chunk)) + "Z"  # no trailing space to strip
        out = mariadb(f"select hex(weight_string({text_literal(text)}));")
        weights = [int(out[k : k + 4], 16) for k in range(0, len(out), 4)]
        assert len(weights) == len(chunk) + 1
        differ += [
            (hex(p), hex(w))
            for p, w in zip(chunk, weights[:-1], strict=True)
            if ord(collation.fold(chr(p))) != w
        ]
    assert differ == []


ALPHABET = "aAbBeEéÉèêëzZsSßüÜuUøØæÆıİiIйиёе \t%_\\'xX1-"
texts = st.text(ALPHABET, max_size=6)
patterns = st.text(ALPHABET.replace("\\", "") + "%_", max_size=5)


@settings(max_examples=examples(15), deadline=None)
@given(cases=st.lists(st.tuples(texts, texts, patterns), min_size=50, max_size=50))
def test_comparisons_and_like_agree_with_mariadb(cases: list[tuple[str, str, str]]) -> None:
    columns = []
    for left, right, pattern in cases:
        a, b, p = text_literal(left), text_literal(right), text_literal(pattern)
        columns += [f"{a} = {b}", f"{a} < {b}", f"{a} like {p}"]
    answers = mariadb(f"select {', '.join(columns)};").split("\t")
    found = iter(answer == "1" for answer in answers)
    for left, right, pattern in cases:
        assert next(found) is collation.text_equal(left, right), (left, right)
        assert next(found) is (collation.compare_text(left, right) < 0), (left, right)
        assert next(found) is collation.like(left, pattern), (left, pattern)
