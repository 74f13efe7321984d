"""Numbers the charts draw, from the record frames: time series (lambdasim.results.series) with
exact steps at exact times, event ages (results.ages) and where events went (results.deliveries).

Durations are constant and cold starts 0, so every change below happens at a known instant:
a function with reserved concurrency 1 and 10-second executions receives a burst of three events
at t = 0.
"""

import numpy as np
import pandas as pd
import pytest
from helpers import exact_queue

import lambdasim as ls
from lambdasim.results import series
from lambdasim.results.ages import ecdf, event_ages
from lambdasim.results.deliveries import delivery_combinations


def constant(seconds):
    return {"dist": "constant", "value_s": seconds}


def scenario(count=3, workloads=None, **changes):
    """``orders``: reserved concurrency 1, 10-s executions, no cold start; ``count`` events at t = 0."""
    function = {"ReservedConcurrentExecutions": 1, "Timeout": 900, "duration": constant(10),
                "cold_start": constant(0)}
    function.update(changes.pop("function", {}))
    burst = {"function": "orders", "arrivals": "burst", "count": count, "at_s": 0}
    spec = {"seed": 1, "functions": {"orders": function}, "workloads": workloads or [burst]}
    spec.update(changes)
    spec["queue"] = exact_queue(spec.get("queue"))  # jitter 0: the series below are exact
    return ls.Scenario.from_dict(spec)


def steps(s):
    return s.times.tolist(), s.levels.tolist()


@pytest.fixture(scope="module")
def ideal():
    """FIFO for the one slot: the events run 0-10, 10-20 and 20-30 s."""
    return ls.run(scenario(dispatch="ideal"))


@pytest.fixture(scope="module")
def throttled():
    """AWS dispatch: two events are throttled at 0, 1, 3 and 7 s (backoff 1, 2, 4, 8 s); at 15 s one
    runs (to 25 s) and the other is throttled again, backs off 16 s and runs 31-41 s."""
    return ls.run(scenario(dispatch="aws"))


def test_in_flight_is_one_step_per_start_and_end(ideal, throttled):
    # Ideal: an end and the next start at the same instant merge into one change (level 1 stays).
    assert steps(series.in_flight(ideal.attempts)["orders"]) == ([0, 10, 20, 30], [1, 1, 1, 0])
    assert steps(series.in_flight(throttled.attempts, ["orders"])["orders"]) == (
        [0, 10, 15, 25, 31, 41], [1, 0, 1, 0, 1, 0])


def test_queue_depth_counts_accepted_events_that_are_not_executing(ideal, throttled):
    depth = series.queue_depth(ideal.attempts, ideal.events)
    assert steps(depth["orders"]) == ([0, 10, 20, 30], [2, 1, 0, 0])
    # Throttle backoff is time in the queue: both wait from 0 to 15 s, one until 31 s.
    assert steps(series.queue_depth(throttled.attempts, throttled.events)["orders"]) == (
        [0, 10, 15, 25, 31, 41], [2, 2, 1, 1, 0, 0])


def test_the_queue_depth_at_each_dispatch_is_what_the_engine_recorded(throttled):
    depth = series.queue_depth(throttled.attempts, throttled.events)["orders"]
    runs = throttled.attempts[throttled.attempts["kind"] == "invoke"]
    # The engine records the depth once the dispatch has taken the event out of the queue. (At 0 s
    # the first event is dispatched before the other two of the burst are accepted, so it saw 0.)
    assert runs["queue_depth_at_start"].tolist() == [0, 1, 0]
    assert depth.at(runs["dispatched_at"].to_numpy()[1:]).tolist() == [1, 0]


def test_throttles_per_period(throttled):
    counts, edges = series.throttles(throttled.attempts, 10, throttled.stats["ended_at"])
    assert edges.tolist() == [0, 10, 20, 30, 40, 50]
    assert counts.tolist() == [8, 1, 0, 0, 0]  # 0, 0, 1, 1, 3, 3, 7, 7 | 15
    assert series.throttles(throttled.attempts, 100, 0)[1].tolist() == [0, 100]
    with pytest.raises(ValueError, match="period_s"):
        series.throttles(throttled.attempts, 0, 10)


def test_state_counts_exact_at_every_change(ideal, throttled):
    times, counts = series.state_counts(ideal.attempts, ideal.events)
    assert list(counts) == list(series.STATES)
    assert times.tolist() == [0, 10, 20, 30]
    assert counts["running"].tolist() == [1, 1, 1, 0]
    assert counts["queued"].tolist() == [2, 1, 0, 0]
    assert counts["succeeded"].tolist() == [0, 1, 2, 3]
    times, counts = series.state_counts(throttled.attempts, throttled.events)
    assert times.tolist() == [0, 10, 15, 25, 31, 41]
    assert counts["queued"].tolist() == [2, 2, 1, 1, 0, 0]
    assert counts["running"].tolist() == [1, 0, 1, 0, 1, 0]
    assert counts["succeeded"].tolist() == [0, 1, 1, 2, 2, 3]


def test_a_failed_execution_waits_to_retry_and_the_event_then_fails():
    # Every attempt fails; one retry, 60 s after the failed attempt ends.
    result = ls.run(scenario(count=1, function={"failures": {"error_probability": 1},
                                                "EventInvokeConfig": {"MaximumRetryAttempts": 1}}))
    times, counts = series.state_counts(result.attempts, result.events)
    assert times.tolist() == [0, 10, 70, 80]
    assert counts["running"].tolist() == [1, 0, 1, 0]
    assert counts["retry_wait"].tolist() == [0, 1, 0, 0]
    assert counts["failed"].tolist() == [0, 0, 0, 1]
    assert counts["queued"].tolist() == [0, 0, 0, 0]
    # Waiting for a retry is waiting in the queue.
    depth = series.queue_depth(result.attempts, result.events)
    assert steps(depth["orders"]) == ([0, 10, 70, 80], [0, 1, 0, 0])


def test_a_horizon_leaves_executions_in_flight_and_events_in_their_state():
    result = ls.run(scenario(dispatch="ideal", horizon_s=15))
    assert result.stats["ended_at"] == 15
    assert steps(series.in_flight(result.attempts)["orders"]) == ([0, 10], [1, 1])  # the second never ends
    assert steps(series.queue_depth(result.attempts, result.events)["orders"]) == ([0, 10], [2, 1])
    times, counts = series.state_counts(result.attempts, result.events, end=15)
    assert times.tolist() == [0, 10, 15]  # held to the end of the run
    assert counts["running"].tolist() == [1, 1, 1] and counts["queued"].tolist() == [2, 1, 1]


def test_state_counts_of_some_events_leave_the_others_out(ideal):
    last = ideal.events.iloc[[2]]
    times, counts = series.state_counts(ideal.attempts, last)
    assert times.tolist() == [0, 20, 30]
    assert counts["queued"].tolist() == [1, 0, 0] and counts["running"].tolist() == [0, 1, 0]
    assert counts["succeeded"].tolist() == [0, 0, 1]


def test_no_events_give_empty_series():
    result = ls.run(scenario(workloads=[{"function": "orders", "arrivals": "events", "events": []}]))
    times, counts = series.state_counts(result.attempts, result.events)
    assert times.size == 0 and all(c.size == 0 for c in counts.values())
    assert steps(series.in_flight(result.attempts, ["orders"])["orders"]) == ([], [])


def test_one_series_per_function():
    result = ls.run(ls.Scenario.from_dict({"seed": 1, "dispatch": "ideal", "functions": {
        "a": {"ReservedConcurrentExecutions": 2, "duration": constant(3), "cold_start": constant(0)},
        "b": {"duration": constant(1), "cold_start": constant(0)}},
        "workloads": [{"function": "a", "arrivals": "burst", "count": 3, "at_s": 0},
                      {"function": "b", "arrivals": "burst", "count": 4, "at_s": 2}]}))
    names = series.function_names(result.attempts, result.events, known=["b", "a", "unused"])
    assert names == ["b", "a"]
    flight = series.in_flight(result.attempts, names)
    assert steps(flight["a"]) == ([0, 3, 6], [2, 1, 0])
    assert steps(flight["b"]) == ([2, 3], [4, 0])
    assert flight["a"].peak() == 2 and flight["b"].peak() == 4
    depth = series.queue_depth(result.attempts, result.events, names)
    assert steps(depth["a"]) == ([0, 3, 6], [1, 0, 0])
    assert steps(depth["b"]) == ([2, 3], [0, 0])


def test_step_series_and_binned_on_hand_made_steps():
    s = series.step_series(np.array([0.0, 2.0, 2.0, 5.0, np.inf]), np.array([1, 1, -1, -1, -1]))
    assert steps(s) == ([0, 2, 5], [1, 1, 0])  # an end and a start at 2 s merge; infinity is left out
    assert s.at([-1, 0, 1.5, 5]).tolist() == [0, 1, 1, 0]
    peak, mean = series.binned(np.array([0.0, 2.0, 5.0]), np.array([2, 1, 0]), np.array([0.0, 4.0, 8.0]))
    assert peak.tolist() == [2, 1]
    assert mean.tolist() == [1.5, 0.25]  # (2·2 + 1·2) / 4 and (1·1 + 0·3) / 4


def test_metric_table_is_one_column_per_function(throttled):
    frame = throttled.metrics(period_s=10)
    table = series.metric_table(frame, "Throttles", "Sum", 10, ["orders", "(all)"], 5)
    assert table.index.tolist() == [0, 10, 20, 30, 40]
    assert table["orders"].tolist() == [8, 1, 0, 0, 0] and table["(all)"].tolist() == [8, 1, 0, 0, 0]
    invocations = series.metric_table(frame, "Duration", "Maximum", 10, ["orders"], 5)["orders"]
    assert invocations.tolist()[:2] == [10000, 15000 - 5000] and np.isnan(invocations[20])


def test_event_ages_and_their_cdf(throttled):
    ages = event_ages(throttled.attempts, throttled.events)
    assert ages["dispatch"].tolist() == [0, 15, 31]
    assert sorted(ages["throttle"].tolist()) == [0, 0, 1, 1, 3, 3, 7, 7, 15]
    assert sorted(ages["resolution"].tolist()) == [10, 25, 41]
    x, y = ecdf(ages["resolution"])
    assert x.tolist() == [10, 10, 25, 41] and y.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1])
    x, y = ecdf(np.arange(10_001.0))
    assert x.size == 2001 and x[0] == 0 and x[-1] == 10_000
    assert ecdf(pd.Series([], dtype=float))[0].size == 0


def test_where_the_events_went_one_row_per_combination_of_deliveries():
    failed_q = "arn:aws:sqs:us-east-1:123456789012:orders-failed"
    dlq = "arn:aws:sqs:us-east-1:123456789012:orders-dlq"
    # Events at 0, 1, 20 and 30 s; every attempt fails until 5 s and is not retried; the DLQ is
    # down until 1.5 s; the run stops at 30.5 s with the last event still running.
    events = {"function": "orders", "arrivals": "events", "events": [{"at_s": t} for t in (0, 1, 20, 30)]}
    result = ls.run(scenario(
        horizon_s=30.5, targets={dlq: {"unavailable": [{"start_s": 0, "end_s": 1.5}]}},
        function={"ReservedConcurrentExecutions": None, "duration": constant(1),
                  "failures": {"outages": [{"start_s": 0, "end_s": 5}]},
                  "EventInvokeConfig": {"MaximumRetryAttempts": 0,
                                        "DestinationConfig": {"OnFailure": {"Destination": failed_q}}},
                  "DeadLetterConfig": {"TargetArn": dlq}},
        workloads=[events]))
    table = delivery_combinations(result.events, result.deliveries)
    assert table.to_dict("records") == [
        {"deliveries": (), "resolved": "succeeded", "events": 1},
        {"deliveries": (), "resolved": "pending", "events": 1},
        {"deliveries": (("on_failure", failed_q, True), ("dlq", dlq, False)), "resolved": "failed",
         "events": 1},
        {"deliveries": (("on_failure", failed_q, True), ("dlq", dlq, True)), "resolved": "failed",
         "events": 1},
    ]
    # With no deliveries table, the events are told apart by fate only.
    assert delivery_combinations(result.events, None)["events"].tolist() == [1, 2, 1]
    assert delivery_combinations(result.events.iloc[:0], result.deliveries.iloc[:0]).empty
