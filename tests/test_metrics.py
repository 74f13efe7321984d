"""CloudWatch-like metrics (docs/aws-behaviour.md §16) and KPIs: exact values and sums that add up."""

import numpy as np
import pandas as pd
import pytest
from helpers import one_function

import lambdasim as ls
from lambdasim.model.dists import Constant, Exponential
from lambdasim.model.failures import FailureModel
from lambdasim.model.scenario import Account, EventInvokeConfig, FunctionConfig, QueueSettings, Scenario
from lambdasim.model.workloads import Burst, Events, Poisson, ScheduledEvent
from lambdasim.results.metrics import ALL, METRICS, metrics, summary

ALWAYS_FAIL = FailureModel(error_probability=1.0)
FAILED_FATES = ["retries_exhausted", "event_age_exceeded", "zero_reserved_concurrency", "recursion_stopped"]
EXECUTED = ("success", "error", "timeout", "running")


def events_at(*times, function="orders"):
    return Events(function, tuple(ScheduledEvent(t) for t in times))


def series(frame, metric, statistic="Sum", function="orders"):
    """One metric's values by period_start, as a plain dict."""
    rows = frame[(frame["metric"] == metric) & (frame["statistic"] == statistic)
                 & (frame["function"] == function)]
    return dict(zip(rows["period_start"], rows["value"], strict=True))


def total(frame, metric, function=ALL):
    return sum(series(frame, metric, "Sum", function).values())


def metrics_of(result, **kwargs):
    return metrics(result.attempts, result.events, None, **kwargs)


def executed(attempts):
    return attempts[attempts["kind"].isin(["invoke", "duplicate"]) & attempts["outcome"].isin(EXECUTED)]


def test_always_failing_function_scenario_1():
    # Spec §14 scenario 1: attempts at 0, 60.2 and 180.4 s; the event is dropped at 180.6 s.
    result = ls.run(one_function([events_at(0.0)], failures=ALWAYS_FAIL))
    m = metrics_of(result)
    assert series(m, "Invocations") == {0.0: 1, 60.0: 1, 120.0: 0, 180.0: 1}
    assert series(m, "Errors") == {0.0: 1, 60.0: 1, 120.0: 0, 180.0: 1}
    assert series(m, "AsyncEventsDropped") == {0.0: 0, 60.0: 0, 120.0: 0, 180.0: 1}
    for function in ("orders", ALL):
        assert total(m, "Invocations", function) == 3
        assert total(m, "Errors", function) == 3
        assert total(m, "AsyncEventsDropped", function) == 1
        assert total(m, "AsyncEventsReceived", function) == 1
        assert total(m, "Throttles", function) == 0
    assert series(m, "Duration", "Maximum") == {0.0: 200.0, 60.0: 200.0, 180.0: 200.0}
    assert series(m, "AsyncEventAge", "Maximum") == pytest.approx({0.0: 0.0, 60.0: 60200.0, 180.0: 180400.0})
    assert series(m, "ConcurrentExecutions", "Maximum") == {0.0: 1, 60.0: 1, 120.0: 0, 180.0: 1}


def test_every_period_and_pair_is_reported_and_nothing_is_nan():
    result = ls.run(one_function([events_at(0.0)], failures=ALWAYS_FAIL))
    m = metrics_of(result)
    assert list(m.columns) == ["period_start", "function", "metric", "statistic", "value"]
    assert not m["value"].isna().any()
    assert set(zip(m["metric"], m["statistic"], strict=True)) == set(METRICS)
    assert list(m["function"].cat.categories) == ["orders", ALL]
    sums = m[m["statistic"] == "Sum"]
    assert sorted(sums["period_start"].unique()) == [0.0, 60.0, 120.0, 180.0]
    assert len(sums) == 2 * 4 * sum(s == "Sum" for _, s in METRICS)  # every function, period and Sum
    # No execution in [120, 180): no Duration or AsyncEventAge data point there.
    assert 120.0 not in series(m, "Duration", "Average")
    assert 120.0 not in series(m, "AsyncEventAge", "Average")


def test_no_retries_scenario_2():
    result = ls.run(one_function([events_at(0.0)], retries=0, failures=ALWAYS_FAIL))
    m = metrics_of(result)
    assert (total(m, "Invocations"), total(m, "Errors"), total(m, "AsyncEventsDropped")) == (1, 1, 1)


def test_reserved_concurrency_zero_scenario_4():
    result = ls.run(one_function([events_at(0.0)], reserved_concurrency=0))
    m = metrics_of(result)
    assert total(m, "Invocations") == 0
    assert total(m, "AsyncEventsReceived") == 1
    assert total(m, "AsyncEventsDropped") == 1
    assert series(m, "ConcurrentExecutions", "Maximum") == {0.0: 0}


def test_throttled_then_expired_scenario_5():
    # Reserved 1, 30-s executions, age 60 s, 10 events at t=0: two run (0–30 s, 31–61 s), eight expire.
    scenario = one_function([Burst("orders", count=10)], reserved_concurrency=1, duration=Constant(30.0),
                            max_age=60)
    m = metrics_of(ls.run(scenario))
    assert total(m, "AsyncEventsReceived") == 10
    assert total(m, "Invocations") == 2
    assert total(m, "AsyncEventsDropped") == 8
    assert total(m, "Throttles") == 5 + 8 * 6
    assert series(m, "ConcurrentExecutions", "Maximum", ALL) == {0.0: 1, 60.0: 1}
    assert series(m, "AsyncEventAge", "Maximum") == {0.0: 31000.0}
    assert series(m, "AsyncEventAge", "Average") == {0.0: 15500.0}
    assert series(m, "Duration", "p99") == {0.0: 30000.0}


def test_concurrency_carries_in_and_intervals_are_half_open():
    # [0, 150) spans three 60-s periods; [60, 120) and [120, 180) touch without overlapping [0, 60).
    scenario = one_function([events_at(0.0), events_at(60.0), events_at(120.0)], duration=Constant(60.0))
    long_one = one_function([events_at(0.0)], duration=Constant(150.0))
    assert series(metrics_of(ls.run(scenario)), "ConcurrentExecutions", "Maximum") == {0.0: 1, 60.0: 1,
                                                                                          120.0: 1}
    assert series(metrics_of(ls.run(long_one)), "ConcurrentExecutions", "Maximum") == {0.0: 1, 60.0: 1,
                                                                                          120.0: 1}
    # [29, 31) is carried into [30, 60) where [30, 32) joins it: 1 in the first period, 2 in the second.
    overlapping = one_function([events_at(29.0, 30.0)], duration=Constant(2.0))
    assert series(metrics_of(ls.run(overlapping), period_s=30), "ConcurrentExecutions", "Maximum") == {
        0.0: 1, 30.0: 2}
    assert series(metrics_of(ls.run(overlapping), period_s=60), "ConcurrentExecutions", "Maximum") == {0.0: 2}


def test_executions_running_at_a_horizon_count_as_invocations_and_stay_in_flight():
    # Periods run to the last recorded instant (here the dispatch at 125 s), not to the horizon.
    scenario = one_function([events_at(0.0, 10.0, 125.0)], duration=Constant(500.0), horizon_s=130)
    result = ls.run(scenario)
    assert set(result.attempts["outcome"]) == {"running"}
    m = metrics_of(result)
    assert total(m, "Invocations") == 3
    assert series(m, "ConcurrentExecutions", "Maximum") == {0.0: 2, 60.0: 2, 120.0: 3}
    assert series(m, "Duration", "Average") == {}  # nothing finished
    assert not m["value"].isna().any()


def two_functions(seed=3, horizon_s=None):
    """Two functions with errors, random durations and a small account: throttles, retries, expiry."""
    def config(reserved, error_probability):
        return FunctionConfig(timeout_s=900, duration=Exponential(2.0), cold_start=Exponential(0.3),
                              reserved_concurrency=reserved,
                              failures=FailureModel(error_probability=error_probability),
                              event_invoke_config=EventInvokeConfig(maximum_retry_attempts=2,
                                                                    maximum_event_age_s=200))
    return Scenario(
        functions={"a": config(4, 0.3), "b": config(None, 0.1)},
        workloads=(Poisson("a", rate_per_s=3.0, end_s=400), Poisson("b", rate_per_s=2.0, end_s=400)),
        account=Account(concurrent_executions=110), seed=seed, horizon_s=horizon_s,
    )


def brute_force_concurrency(rows, period_s, n_periods):
    """Max in flight per period, evaluated at each period start and at every start inside it."""
    start = rows["dispatched_at"].to_numpy()
    end = rows["end_at"].fillna(np.inf).to_numpy()
    peaks = []
    for k in range(n_periods):
        lo, hi = k * period_s, (k + 1) * period_s
        points = np.r_[lo, start[(start >= lo) & (start < hi)]]
        peaks.append(max(int(((start <= t) & (t < end)).sum()) for t in points))
    return peaks


@pytest.mark.parametrize("horizon_s", [None, 300.0])
def test_metrics_add_up_over_a_random_run_with_errors(horizon_s):
    result = ls.run(two_functions(horizon_s=horizon_s))
    attempts, events = result.attempts, result.events
    m = metrics_of(result, period_s=30)
    assert not m["value"].isna().any()
    assert events["fate"].isin(FAILED_FATES).sum() > 0 and (attempts["outcome"] == "throttled").sum() > 0
    runs = executed(attempts)
    assert total(m, "Invocations") == len(runs)
    assert total(m, "Errors") == runs["outcome"].isin(["error", "timeout"]).sum()
    assert total(m, "Throttles") == (attempts["outcome"] == "throttled").sum()
    assert total(m, "AsyncEventsReceived") == len(events) == result.stats["accepted"]
    assert total(m, "AsyncEventsDropped") == events["fate"].isin(FAILED_FATES).sum()
    for name in ("a", "b"):
        assert total(m, "Invocations", name) == (runs["function"] == name).sum()
        assert total(m, "AsyncEventsReceived", name) == (events["function"] == name).sum()
    for metric, statistic in METRICS:
        if statistic == "Sum":
            assert total(m, metric) == total(m, metric, "a") + total(m, metric, "b")
    # ConcurrentExecutions: never above the reserved limit, and the exact maximum in every period.
    assert max(series(m, "ConcurrentExecutions", "Maximum", "a").values()) == 4
    n_periods = len(series(m, "Invocations", "Sum", ALL))
    for name in ("a", "b", ALL):
        rows = runs if name == ALL else runs[runs["function"] == name]
        assert list(series(m, "ConcurrentExecutions", "Maximum", name).values()) == brute_force_concurrency(
            rows, 30, n_periods)
    # Duration statistics agree with a direct computation per period.
    done = runs[runs["outcome"] != "running"]
    by_period = (done["duration_s"] * 1000).groupby(done["dispatched_at"] // 30 * 30)
    assert series(m, "Duration", "p99", ALL) == pytest.approx(by_period.quantile(0.99).to_dict())
    assert series(m, "Duration", "Average", ALL) == pytest.approx(by_period.mean().to_dict())


def test_functions_argument_selects_orders_and_totals_over_the_listed_functions():
    result = ls.run(two_functions())
    m = metrics_of(result, functions=["b"])
    assert list(m["function"].cat.categories) == ["b", ALL]
    assert total(m, "Invocations") == total(m, "Invocations", "b")
    m = metrics_of(result, functions=["b", "a", "idle"])
    assert list(m["function"].cat.categories) == ["b", "a", "idle", ALL]
    assert set(series(m, "Invocations", "Sum", "idle").values()) == {0}


def test_destination_and_dead_letter_failures_are_counted_by_channel():
    result = ls.run(one_function([events_at(0.0, 5.0)], retries=0, failures=ALWAYS_FAIL))
    first, second = result.events["event_id"]
    deliveries = pd.DataFrame({
        "event_id": [first, first, first, second, second],
        "at": [0.2, 0.2, 0.2, 65.2, 70.0],
        "channel": ["on_failure", "dlq", "on_success", "on_failure", "dlq"],
        "target_type": ["sqs", "sqs", "sqs", "s3", "sns"],
        "target_arn": ["arn:aws:sqs:us-east-1:123456789012:q"] * 3 + ["arn:aws:s3:::b", "arn:aws:sns:x"],
        "condition": ["RetriesExhausted"] * 5,
        "ok": [False, False, True, False, True],
        "failure_reason": ["fifo", "unavailable", "", "unavailable", ""],
        "body": ["{}"] * 5,
    })
    m = metrics(result.attempts, result.events, deliveries)
    assert series(m, "DestinationDeliveryFailures") == {0.0: 1, 60.0: 1}
    assert series(m, "DeadLetterErrors") == {0.0: 1, 60.0: 0}
    assert total(m, "DestinationDeliveryFailures", ALL) == 2
    # With a function column the deliveries are not matched to events; an empty frame counts nothing.
    m = metrics(result.attempts, result.events, deliveries.assign(function="orders"))
    assert total(m, "DeadLetterErrors") == 1
    empty = metrics(result.attempts, result.events, deliveries.iloc[:0])
    assert total(empty, "DestinationDeliveryFailures") == 0 and total(empty, "DeadLetterErrors") == 0


def test_empty_frames_give_an_empty_table_and_bad_periods_are_refused():
    result = ls.Simulation(one_function()).run().result()
    m = metrics_of(result)
    assert m.empty and list(m.columns) == ["period_start", "function", "metric", "statistic", "value"]
    with pytest.raises(ValueError, match="period_s"):
        metrics_of(result, period_s=0)


def test_summary_of_scenarios_1_and_5():
    result = ls.run(one_function([events_at(0.0)], failures=ALWAYS_FAIL))
    kpis = summary(result.attempts, result.events, None)
    assert {k: kpis[k] for k in ("accepted", "succeeded", "failed", "retried", "lost", "invocations",
                                 "errors", "throttles")} == {
        "accepted": 1, "succeeded": 0, "failed": 1, "retried": 1, "lost": 1, "invocations": 3, "errors": 3,
        "throttles": 0}
    assert kpis["event_age_max_s"] == pytest.approx(180.6) and kpis["mean_attempts"] == 3.0
    scenario = one_function([Burst("orders", count=10)], reserved_concurrency=1, duration=Constant(30.0),
                            max_age=60)
    result = ls.run(scenario)
    kpis = summary(result.attempts, result.events, None)
    assert (kpis["succeeded"], kpis["failed"], kpis["expired"], kpis["pending"]) == (2, 8, 8, 0)
    assert (kpis["invocations"], kpis["throttles"], kpis["retried"]) == (2, 53, 0)
    assert kpis["event_age_p50_s"] == 31.0 and kpis["event_age_max_s"] == 61.0
    assert kpis["mean_attempts"] == pytest.approx(0.2)


def test_duplicate_deliveries_are_invocations_but_not_event_ages():
    # At-least-once delivery: the copy runs 0.5 s later and is an invocation, not a new event.
    result = ls.run(one_function([events_at(0.0)], queue=QueueSettings(duplicate_probability=1.0)))
    assert result.attempts["kind"].tolist() == ["invoke", "duplicate"]
    m = metrics_of(result)
    assert (total(m, "Invocations"), total(m, "AsyncEventsReceived")) == (2, 1)
    assert series(m, "AsyncEventAge", "Maximum") == {0.0: 0.0}
    assert series(m, "ConcurrentExecutions", "Maximum") == {0.0: 1}  # [0, 0.2) then [0.5, 0.7)
    assert summary(result.attempts, result.events)["invocations"] == 2


@pytest.mark.parametrize("suffix, failures", [("", 0), (".fifo", 1)])
def test_a_dropped_event_counts_even_when_delivered_and_failed_deliveries_count_by_channel(suffix, failures):
    # Spec §14 scenario 1 with OnFailure and a DLQ: a FIFO queue accepts the config but fails delivery.
    on_failure = f"arn:aws:sqs:us-east-1:123456789012:orders-failed{suffix}"
    dlq = f"arn:aws:sqs:us-east-1:123456789012:orders-dlq{suffix}"
    function = {"Timeout": 900, "duration": {"dist": "constant", "value_s": 0.2},
                "cold_start": {"dist": "constant", "value_s": 0.0}, "failures": {"error_probability": 1.0},
                "EventInvokeConfig": {"DestinationConfig": {"OnFailure": {"Destination": on_failure}}},
                "DeadLetterConfig": {"TargetArn": dlq}}
    scenario = ls.Scenario.from_dict({"seed": 1, "functions": {"orders": function}, "workloads": [
        {"function": "orders", "arrivals": "events", "events": [{"at_s": 0.0}]}]})
    result = ls.run(scenario)
    m = metrics(result.attempts, result.events, result.deliveries)
    assert series(m, "AsyncEventsDropped") == {0.0: 0, 60.0: 0, 120.0: 0, 180.0: 1}
    assert series(m, "DestinationDeliveryFailures") == {0.0: 0, 60.0: 0, 120.0: 0, 180.0: failures}
    assert total(m, "DeadLetterErrors") == failures
    kpis = summary(result.attempts, result.events, result.deliveries)
    assert (kpis["destination_delivery_failures"], kpis["dead_letter_errors"]) == (failures, failures)
    assert kpis["lost"] == failures
