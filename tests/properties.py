"""How many examples a property test runs: all of them in the full run, fewer in the fast lane.

The full run (plain `pytest`, what CI runs) keeps every test's own count. The fast lane
(`pytest -m "not slow"`, run while working) loads the `fast-lane` Hypothesis profile
(tests/conftest.py), whose default is a quarter of Hypothesis's 100; `examples(n)` scales a
test's own count by the same share. Examples that once failed are kept in `.hypothesis/` and
replayed first by both runs. `--hypothesis-profile=NAME` picks a profile by hand.
"""

from __future__ import annotations

from hypothesis import settings

__all__ = ["FAST_LANE", "examples"]

#: The profile of the fast lane: a quarter of Hypothesis's default of 100 examples.
FAST_LANE = "fast-lane"
_HYPOTHESIS_DEFAULT = 100
#: No property test runs fewer examples than this (or its own count, when that is smaller).
_FLOOR = 10

settings.register_profile(FAST_LANE, max_examples=_HYPOTHESIS_DEFAULT // 4)


def examples(full: int) -> int:
    """`full`, scaled by the loaded profile's default (itself, unless a profile changed it)."""
    scaled = full * settings.default.max_examples // _HYPOTHESIS_DEFAULT
    return max(scaled, min(full, _FLOOR))
