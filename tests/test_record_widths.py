"""Every record column holds the extremes validation allows (issue 11, item 5).

Before: a 2.2e6-s cold start was accepted and overflowed the 32-bit ``billed_ms`` column. Now a
cold start is bounded by AWS's 10-s Init limit (docs/aws-behaviour.md §11) and each column's type is
checked against the largest value the validated ranges allow.
"""

import struct

import numpy as np
import pytest

import lambdasim as ls
from lambdasim.engine.live_function import billed_ms
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.rules import (
    ASYNC_PAYLOAD_LIMITS,
    INIT_LIMIT_S,
    MAX_EVENT_AGE_S,
    MAX_RETRY_ATTEMPTS,
    TIMEOUT_S,
)
from lambdasim.records.recorder import ATTEMPT_FIELDS, EVENT_FIELDS

LONGEST_BILL_MS = billed_ms(INIT_LIMIT_S + TIMEOUT_S[1])  # a cold start, then a run to the 900-s timeout


def _limit(typecode):
    return 2 ** (8 * struct.calcsize("<" + typecode) - 1) - 1


def test_each_integer_column_is_wide_enough_for_the_validated_maxima():
    attempt, event = dict(ATTEMPT_FIELDS), dict(EVENT_FIELDS)
    assert LONGEST_BILL_MS == 910_000
    assert _limit(attempt["billed_ms"]) >= LONGEST_BILL_MS
    assert _limit(event["payload_bytes"]) >= max(ASYNC_PAYLOAD_LIMITS)
    assert _limit(event["max_event_age_s"]) >= MAX_EVENT_AGE_S
    assert _limit(event["max_retry_attempts"]) >= MAX_RETRY_ATTEMPTS
    # Indexes and counts (events, attempts, throttles, concurrency, queue depth): 32 bits, far
    # beyond the events a run can hold in memory.
    for fields, name in ((attempt, "event"), (attempt, "attempt"), (attempt, "concurrency"),
                         (attempt, "queue_depth"), (event, "attempts"), (event, "throttles")):
        assert _limit(fields[name]) == 2**31 - 1


def test_the_extreme_allowed_values_are_recorded_and_read_back():
    """A 10-s cold start, 900-s runs that fail (two retries), a 1 MB payload, a 6-hour age limit,
    arriving 10^9 s into the run: every value comes back from the frames as it went in."""
    function = {"Timeout": 900, "duration": {"dist": "constant", "value_s": 900},
                "cold_start": {"dist": "constant", "value_s": INIT_LIMIT_S}, "keep_alive_s": 0,
                "failures": {"error_probability": 1.0},
                "EventInvokeConfig": {"MaximumRetryAttempts": MAX_RETRY_ATTEMPTS,
                                      "MaximumEventAgeInSeconds": MAX_EVENT_AGE_S}}
    at = 1e9
    result = ls.run(ls.Scenario.from_dict({
        "seed": 1, "functions": {"orders": function},
        "queue": {"retry_jitter_s": 0, "throttle_jitter": 0},
        "workloads": [{"function": "orders", "arrivals": "burst", "count": 1, "at_s": at,
                       "payload_size_bytes": max(ASYNC_PAYLOAD_LIMITS)}]}))
    attempts = result.attempts
    assert attempts["billed_ms"].tolist() == [LONGEST_BILL_MS] * 3
    assert attempts["init_s"].tolist() == [INIT_LIMIT_S] * 3  # keep-alive 0: each attempt cold
    assert attempts["dispatched_at"].tolist() == [at, at + 910 + 60, at + 2 * 910 + 60 + 120]
    (event,) = result.events.itertuples()
    assert (event.attempts, event.fate) == (3, "retries_exhausted")
    assert event.payload_bytes == max(ASYNC_PAYLOAD_LIMITS)
    assert (event.max_event_age_s, event.max_retry_attempts) == (MAX_EVENT_AGE_S, MAX_RETRY_ATTEMPTS)
    assert event.resolved_at == at + 3 * 910 + 180


@pytest.mark.parametrize("cold_start, what, bound", [
    ({"dist": "constant", "value_s": 2.2e6}, "largest value", "2.2e+06"),
    ({"dist": "uniform", "low_s": 0, "high_s": 10.5}, "largest value", "10.5"),
    ({"dist": "empirical", "values_s": [0.2, 11]}, "largest value", "11"),
    ({"dist": "exponential", "mean_s": 12}, "mean", "12"),
    ({"dist": "lognormal", "median_s": 1, "sigma": 10}, "mean", "5.18471e+21"),
])
def test_a_cold_start_beyond_aws_s_init_limit_is_refused(cold_start, what, bound):
    """The error names the field, the value and what is allowed (and why)."""
    with pytest.raises(InvalidParameterValueException) as caught:
        ls.Scenario.from_dict({"functions": {"orders": {"cold_start": cold_start}}, "workloads": []})
    assert str(caught.value) == (
        f"functions.orders.cold_start: {ls.dists.Distribution.from_dict(cold_start).to_dict()} is not valid; "
        f"allowed: a distribution whose {what} is at most 10 s (AWS limits the Init phase to 10 s); "
        f"this one's is {bound} s")


def test_the_python_api_refuses_it_too():
    with pytest.raises(InvalidParameterValueException, match=r"^FunctionConfig\.cold_start: "):
        ls.FunctionConfig(cold_start=ls.dists.Constant(2.2e6))


def test_an_unbounded_cold_start_draw_is_cut_at_the_init_limit():
    """Exponential with a 10-s mean: about a third of the draws would pass 10 s; each is cut to 10 s."""
    function = {"duration": {"dist": "constant", "value_s": 0.1},
                "cold_start": {"dist": "exponential", "mean_s": 10}, "keep_alive_s": 0}
    result = ls.run(ls.Scenario.from_dict({"seed": 3, "functions": {"orders": function}, "workloads": [
        {"function": "orders", "arrivals": "burst", "count": 300, "at_s": 0}]}))
    init = result.attempts["init_s"].to_numpy()
    assert init.max() == INIT_LIMIT_S
    assert 0.25 < np.mean(init == INIT_LIMIT_S) < 0.45   # P(X > 10) = e^-1 = 0.37
