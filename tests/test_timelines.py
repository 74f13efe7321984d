"""Exact timelines for the AWS rules the engine implements (docs/aws-behaviour.md §3–§5, §9, §18).

Durations are constant, so every instant below is exact: a regression in any timing rule moves
one of these numbers.
"""

import math

import pytest
from helpers import EXACT_QUEUE, one_function

import lambdasim as ls
from lambdasim.model.dists import Constant, Cycle
from lambdasim.model.failures import FailureModel
from lambdasim.model.workloads import Burst, Events, ScheduledEvent

ALWAYS_FAIL = FailureModel(error_probability=1.0)


def single_event(payload=None, at_s=0.0):
    return Events("orders", (ScheduledEvent(at_s, payload),))


def invocations(result):
    rows = result.attempts[result.attempts["kind"] == "invoke"]
    return rows.reset_index(drop=True)


def test_always_failing_function_is_retried_after_60_then_120_seconds():
    result = ls.run(one_function([single_event({"id": 1})], failures=ALWAYS_FAIL,
                                 cold_start=Constant(0.25)))
    runs = invocations(result)
    assert runs["attempt"].tolist() == [1, 2, 3]
    assert runs["dispatched_at"].tolist() == pytest.approx([0.0, 60.45, 180.65])
    # Only the first attempt is cold: the environment stays warm for 600 s between retries.
    assert runs["init_s"].tolist() == [0.25, 0.0, 0.0]
    assert runs["start_at"].tolist() == pytest.approx([0.25, 60.45, 180.65])
    assert runs["end_at"].tolist() == pytest.approx([0.45, 60.65, 180.85])
    assert runs["outcome"].tolist() == ["error"] * 3
    assert runs["error_type"].tolist() == ["SimulatedError"] * 3
    assert runs["billed_ms"].tolist() == [450, 200, 200]  # INIT is billed (since Aug 2025)
    event = result.events.iloc[0]
    assert event["fate"] == "retries_exhausted"
    assert event["attempts"] == 3 and event["throttles"] == 0
    assert event["resolved_at"] == pytest.approx(180.85)
    assert bool(event["lost"]) is True  # failed, and nothing was configured to receive it


def test_retry_delays_count_from_the_end_of_the_failed_attempt():
    result = ls.run(one_function([single_event()], failures=ALWAYS_FAIL, duration=Constant(2.0)))
    assert invocations(result)["dispatched_at"].tolist() == pytest.approx([0.0, 62.0, 184.0])


def test_no_retries_means_one_attempt():
    result = ls.run(one_function([single_event()], retries=0, failures=ALWAYS_FAIL))
    assert len(invocations(result)) == 1
    event = result.events.iloc[0]
    assert (event["fate"], event["attempts"]) == ("retries_exhausted", 1)
    assert event["resolved_at"] == pytest.approx(0.2)


def test_user_handler_exception_is_a_function_error_and_its_return_value_the_response():
    def handler(event, context):
        if event["id"] == 2:
            raise KeyError("no such order")
        return {"ok": event["id"], "request": context.aws_request_id}

    workload = Events("orders", (ScheduledEvent(0.0, {"id": 1}), ScheduledEvent(0.0, {"id": 2})))
    result = ls.run(one_function([workload], handler=handler, retries=0))
    runs = invocations(result)
    assert runs["outcome"].tolist() == ["success", "error"]
    assert runs["error_type"].tolist() == ["", "KeyError"]
    assert result.events["fate"].tolist() == ["succeeded", "retries_exhausted"]


@pytest.mark.parametrize("max_age, attempts, resolved_at", [(60, 1, 0.2), (90, 2, 60.4)])
def test_event_age_look_ahead_fails_the_event_as_soon_as_no_retry_can_start_in_time(max_age, attempts,
                                                                                     resolved_at):
    # AWS-recorded (docs/aws-behaviour.md §5): with 60 s the record carries approximateInvokeCount 1,
    # with 90 s it carries 2, and it is sent without waiting for the age limit to pass.
    result = ls.run(one_function([single_event()], failures=ALWAYS_FAIL, max_age=max_age))
    event = result.events.iloc[0]
    assert event["fate"] == "event_age_exceeded"
    assert event["attempts"] == attempts
    assert event["resolved_at"] == pytest.approx(resolved_at)
    expiry = result.attempts[result.attempts["kind"] == "expire"]
    assert expiry["dispatched_at"].tolist() == pytest.approx([resolved_at])
    assert expiry["outcome"].tolist() == ["expired"] and expiry["error_type"].tolist() == ["EventAgeExceeded"]


def test_throttled_events_back_off_exponentially_and_expire_at_the_age_limit():
    # Spec §14 scenario 5: reserved concurrency 1, 30-s executions, age 60 s, 10 events at t=0.
    scenario = one_function([Burst("orders", count=10, at_s=0.0)], reserved_concurrency=1,
                            duration=Constant(30.0), max_age=60)
    result = ls.run(scenario)
    events = result.events
    ids = events["event_id"].tolist()
    runs = invocations(result)
    # The first event runs 0–30 s; the second gets the slot on its retry at 31 s and runs to 61 s.
    assert runs["event_id"].tolist() == ids[:2]
    assert runs["dispatched_at"].tolist() == [0.0, 31.0]
    assert runs["end_at"].tolist() == [30.0, 61.0]
    throttles = result.attempts[result.attempts["kind"] == "throttle"]
    second = throttles[throttles["event_id"] == ids[1]]["dispatched_at"].tolist()
    assert second == [0.0, 1.0, 3.0, 7.0, 15.0]  # backoff 1, 2, 4, 8, 16 s
    for event_id in ids[2:]:
        times = throttles[throttles["event_id"] == event_id]["dispatched_at"].tolist()
        assert times == [0.0, 1.0, 3.0, 7.0, 15.0, 31.0]
    assert set(throttles["error_type"]) == {"ReservedFunctionConcurrentInvocationLimitExceeded"}
    assert throttles["attempt"].eq(0).all()
    # The next backoff (32 s) would land at 63 s > 60 s: the other eight expire at 31 s, unrun.
    assert events["fate"].tolist() == ["succeeded"] * 2 + ["event_age_exceeded"] * 8
    assert events["attempts"].tolist() == [1, 1] + [0] * 8
    assert events["throttles"].tolist() == [0, 5] + [6] * 8
    assert events["resolved_at"].tolist() == [30.0, 61.0] + [31.0] * 8


def test_throttles_do_not_use_up_retry_attempts():
    # With retries 0 an error ends the event, but the five throttles before its one run did not.
    scenario = one_function([Burst("orders", count=2)], reserved_concurrency=1, duration=Constant(10.0),
                            retries=0, failures=ALWAYS_FAIL)
    events = ls.run(scenario).events
    assert events["attempts"].tolist() == [1, 1]
    assert events["throttles"].tolist() == [0, 4]  # due at 1, 3, 7, then runs at 15
    assert events["fate"].tolist() == ["retries_exhausted"] * 2


def test_backoff_is_capped_at_five_minutes():
    scenario = one_function([Burst("orders", count=2)], reserved_concurrency=1, duration=Constant(900.0),
                            timeout_s=900)
    attempts = ls.run(scenario).attempts
    throttles = attempts.query("kind == 'throttle'")["dispatched_at"].tolist()
    assert throttles[-1] == 811.0  # 0, 1, 3, 7, … 511, then 511 + 300 (not + 512)
    gaps = [b - a for a, b in zip(throttles[:-1], throttles[1:], strict=True)]
    assert gaps == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert attempts.query("kind == 'invoke'")["dispatched_at"].tolist() == [0.0, 1111.0]


def synchronized_burst(**queue):
    """2,000 events at once into reserved concurrency 10: 0.1-s executions, a 60-s age limit."""
    return ls.Scenario(
        functions={"orders": ls.FunctionConfig(
            reserved_concurrency=10, duration=Constant(0.1), cold_start=Constant(0.0), timeout_s=60,
            event_invoke_config=ls.EventInvokeConfig(maximum_event_age_s=60))},
        workloads=(Burst("orders", count=2000),), seed=1, queue=ls.QueueSettings(**queue))


def test_default_jitter_keeps_a_synchronized_burst_from_expiring_in_lockstep():
    # Jitter 0: every throttled event comes back at the same instants (1, 3, 7, ... s), finds the same
    # 10 slots busy, and most expire. The default (measured-AWS) jitter spreads them out.
    lockstep = ls.run(synchronized_burst(**EXACT_QUEUE)).fates()
    jittered = ls.run(synchronized_burst()).fates()
    assert lockstep == {"succeeded": 60, "event_age_exceeded": 1940}
    assert jittered == {"succeeded": 2000}
    assert jittered.get("event_age_exceeded", 0) < lockstep["event_age_exceeded"] / 10


def test_default_retry_jitter_lands_retries_up_to_10_s_late():
    scenario = ls.Scenario(
        functions={"orders": ls.FunctionConfig(duration=Constant(0.2), cold_start=Constant(0.0),
                                               timeout_s=900, failures=FailureModel(error_probability=1.0))},
        workloads=(Burst("orders", count=200),), seed=1)
    runs = ls.run(scenario).attempts.query("kind == 'invoke'").sort_values(["event_id", "attempt"])
    waits = (runs["start_at"] - runs.groupby("event_id")["end_at"].shift()).dropna()
    late = waits - runs.loc[waits.index, "attempt"].map({2: 60.0, 3: 120.0})
    assert late.between(0.0, 10.0).all() and 4.0 < late.mean() < 6.0  # uniform 0-10 s: 5 s on average


def test_reserved_concurrency_zero_fails_the_event_at_once():
    result = ls.run(one_function([single_event(at_s=5.0)], reserved_concurrency=0))
    event = result.events.iloc[0]
    assert event["fate"] == "zero_reserved_concurrency"
    assert (event["attempts"], event["resolved_at"]) == (0, 5.0)
    assert len(invocations(result)) == 0
    assert result.attempts["kind"].tolist() == ["throttle"]


def test_timeout_is_a_function_error_that_resets_the_environment():
    # Spec §14 scenario 7: the first attempt hangs past the 3 s timeout, the retry succeeds.
    scenario = one_function([single_event()], timeout_s=3, duration=Cycle((5.0, 1.0)),
                            cold_start=Constant(0.25))
    result = ls.run(scenario)
    runs = invocations(result)
    assert runs["outcome"].tolist() == ["timeout", "success"]
    assert runs["error_type"].tolist() == ["Sandbox.Timedout", ""]
    assert runs["duration_s"].tolist() == [3.0, 1.0]
    assert runs["end_at"].tolist() == pytest.approx([3.25, 64.5])
    assert runs["billed_ms"].tolist() == [3250, 1250]
    # The timed-out environment was reset, so the retry at 63.25 s is cold again.
    assert runs["dispatched_at"].tolist() == pytest.approx([0.0, 63.25])
    assert runs["init_s"].tolist() == [0.25, 0.25]
    event = result.events.iloc[0]
    assert (event["fate"], event["attempts"]) == ("succeeded", 2)


def test_scaling_rate_adds_at_most_1000_environments_per_10_seconds():
    scenario = one_function([Burst("orders", count=3000)], account=5000, duration=Constant(100.0),
                            timeout_s=900)
    runs = invocations(ls.run(scenario))
    starts = runs.groupby("dispatched_at").size().to_dict()
    assert starts == {0.0: 1000, 1.0: 100, 3.0: 200, 7.0: 400, 15.0: 800, 31.0: 500}
    for t, started in runs.groupby("dispatched_at").size().cumsum().items():
        assert started <= 1000 + 100 * t


def test_scaling_allowance_never_accumulates_above_1000():
    burst = [Burst("orders", count=1500, at_s=0.0), Burst("orders", count=1500, at_s=50.0)]
    runs = invocations(ls.run(one_function(burst, account=5000, duration=Constant(1000.0), timeout_s=900)))
    starts = runs.groupby("dispatched_at").size().to_dict()
    assert starts[0.0] == 1000 and starts[50.0] == 1000  # 50 s idle refills 5,000 but the cap is 1,000


def test_warm_environments_are_reused_and_expire_after_keep_alive():
    workload = Events("orders", tuple(ScheduledEvent(t) for t in (0.0, 10.0, 700.0)))
    runs = invocations(ls.run(one_function([workload], cold_start=Constant(0.5), keep_alive_s=600)))
    # 10 s: warm (idle since 0.7 s); 700 s: idle since 10.7 s, more than 600 s ago, so cold again.
    assert runs["init_s"].tolist() == [0.5, 0.0, 0.5]


def test_payload_over_the_async_limit_is_rejected_and_nothing_is_queued():
    sim = ls.Simulation(one_function())
    with pytest.raises(ls.RequestEntityTooLargeException) as error:
        sim.invoke("orders", payload_size_bytes=1_048_577)
    assert error.value.http_status == 413
    assert error.value.message == ("1048577 byte payload is too large for the Event invocation type "
                                   "(limit 1048576 bytes)")
    sim.invoke("orders", payload_size_bytes=1_048_576)  # exactly 1 MB is accepted
    legacy = ls.Simulation(one_function(queue=ls.QueueSettings(payload_limit_bytes=262_144)))
    with pytest.raises(ls.RequestTooLargeException):
        legacy.invoke("orders", payload={"blob": "x" * 300_000})
    assert sim.run().result().stats["accepted"] == 1


def test_unknown_function_is_resource_not_found():
    sim = ls.Simulation(one_function())
    with pytest.raises(ls.ResourceNotFoundException) as error:
        sim.invoke("payments", payload={})
    assert error.value.http_status == 404 and "payments" in error.value.message


def test_workload_invokes_that_are_refused_are_counted_not_lost():
    workload = Events("orders", (ScheduledEvent(1.0, {"blob": "x" * 1_100_000}), ScheduledEvent(2.0, {})))
    result = ls.run(one_function([workload]))
    assert result.stats["accepted"] == 1 and len(result.events) == 1
    assert result.rejected[["at", "error_code", "http_status"]].values.tolist() == [
        [1.0, "RequestEntityTooLargeException", 413]
    ]


def test_horizon_reports_unresolved_events_as_pending_and_running_attempts_as_running():
    scenario = one_function([Burst("orders", count=3)], reserved_concurrency=1, duration=Constant(30.0),
                            horizon_s=45.0)
    result = ls.run(scenario)
    assert result.stats["stopped_by"] == "horizon" and result.stats["ended_at"] == 45.0
    assert result.events["fate"].tolist() == ["succeeded", "pending", "pending"]
    assert math.isnan(result.events["resolved_at"].iloc[1])
    running = invocations(result).iloc[1]
    assert running["outcome"] == "running" and math.isnan(running["end_at"])


def test_imperative_use_invokes_and_runs_to_a_time():
    sim = ls.Simulation(one_function(failures=ALWAYS_FAIL))
    request_id = sim.invoke("orders", payload={"id": 1})
    sim.run(until=100)
    midway = sim.result()
    assert midway.events["fate"].tolist() == ["pending"] and midway.events["attempts"].tolist() == [2]
    assert midway.events["event_id"].tolist() == [request_id]
    sim.run()
    assert sim.result().events["fate"].tolist() == ["retries_exhausted"]


def test_duplicates_execute_again_without_changing_the_fate():
    calls = []

    def handler(event, context):
        calls.append(context.aws_request_id)
        return None

    scenario = one_function([Burst("orders", count=200)], handler=handler,
                            queue=ls.QueueSettings(duplicate_probability=0.25))
    result = ls.run(scenario)
    duplicates = result.attempts[result.attempts["kind"] == "duplicate"]
    assert 20 < len(duplicates) < 80
    assert len(calls) == 200 + len(duplicates)  # the handler really sees each duplicate
    assert result.events["attempts"].eq(1).all() and result.events["fate"].eq("succeeded").all()
    assert set(duplicates["event_id"]) <= set(result.events["event_id"])


def test_queue_depth_is_counted_per_function():
    # "orders" is throttled into a backlog; "audit" shares no queue with it, so its depth stays 0.
    scenario = ls.Scenario(
        functions={"orders": ls.FunctionConfig(reserved_concurrency=1, duration=Constant(30.0), timeout_s=60,
                                               cold_start=Constant(0.0)),
                   "audit": ls.FunctionConfig(duration=Constant(0.1), cold_start=Constant(0.0))},
        workloads=(Burst("orders", count=5), Events("audit", (ScheduledEvent(2.0), ScheduledEvent(4.0)))),
        queue=ls.QueueSettings(**EXACT_QUEUE),  # jitter 0: the dispatch instants below are exact
    )
    attempts = ls.run(scenario).attempts
    audit = attempts[attempts["function"] == "audit"]
    assert audit["queue_depth_at_start"].tolist() == [0, 0]
    orders_at_3 = attempts[(attempts["function"] == "orders") & (attempts["dispatched_at"] == 3.0)]
    assert orders_at_3["queue_depth_at_start"].max() == 3  # the other three throttled events still wait


def test_the_most_recently_used_warm_environment_is_taken_first():
    # Two environments from t=0; one is used again at 100 s. At 300 s the most recently used one
    # (idle since 100.2 s) is taken, so the other stays idle since 0.7 s and is gone (600 s keep-alive)
    # when two events arrive at 650 s: one of them is cold. Taking the least recently used instead
    # would have left both warm.
    times = (0.0, 0.0, 100.0, 300.0, 650.0, 650.0)
    workload = Events("orders", tuple(ScheduledEvent(t) for t in times))
    runs = invocations(ls.run(one_function([workload], cold_start=Constant(0.5), keep_alive_s=600)))
    assert runs["init_s"].tolist() == [0.5, 0.5, 0.0, 0.0, 0.0, 0.5]
