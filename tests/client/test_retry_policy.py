"""What the client may repeat, and how long it waits."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.properties import examples
from vtorm.client.retry import Failure, RetryPolicy, is_repeatable

WRITES_THAT_MUST_NOT_REPEAT = ("create", "delete", "add_related", "convertlead")
SAFE = (
    "getchallenge",
    "listtypes",
    "describe",
    "retrieve",
    "query",
    "sync",
    "relatedtypes",
    "retrieve_related",
    "query_related",
    "update",
    "revise",
)


@pytest.mark.parametrize("operation", WRITES_THAT_MUST_NOT_REPEAT)
def test_unsafe_writes_repeat_only_when_never_sent(operation: str) -> None:
    assert is_repeatable(operation, Failure.NOT_SENT)
    assert not is_repeatable(operation, Failure.IN_FLIGHT)
    assert not is_repeatable(operation, Failure.BAD_ANSWER)


@pytest.mark.parametrize("operation", SAFE)
def test_reads_and_idempotent_writes_repeat_after_any_failure(operation: str) -> None:
    for failure in Failure:
        assert is_repeatable(operation, failure)


def test_attempts_are_retries_plus_one() -> None:
    policy = RetryPolicy(retries=2)
    assert policy.attempts == 3
    assert policy.may_retry("query", Failure.BAD_ANSWER, 2)
    assert not policy.may_retry("query", Failure.BAD_ANSWER, 3)
    assert not RetryPolicy(retries=0).may_retry("query", Failure.NOT_SENT, 1)


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=2**32))
def test_delay_stays_between_half_and_all_of_the_capped_exponential(
    attempt: int, seed: int
) -> None:
    policy = RetryPolicy(base=0.5, cap=8.0, rng=random.Random(seed))
    ceiling = min(8.0, 0.5 * 2 ** (attempt - 1))
    assert ceiling / 2 <= policy.delay(attempt) <= ceiling


def test_delays_grow_then_cap_and_jitter_differs() -> None:
    policy = RetryPolicy(base=1.0, cap=4.0, rng=random.Random(7))
    delays = [policy.delay(n) for n in range(1, 8)]
    assert delays[0] <= 1.0 < delays[2]
    assert all(d <= 4.0 for d in delays)
    assert len(set(delays)) == len(delays)


def test_zero_backoff_never_waits() -> None:
    assert RetryPolicy(base=0).delay(5) == 0


def test_negative_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="retries"):
        RetryPolicy(retries=-1)
    with pytest.raises(ValueError, match="backoff"):
        RetryPolicy(base=-1)
