"""Synchronous (RequestResponse) invokes: one execution path, recorded, counted and billed.

Durations are constant, so every figure below is exact.
"""

import pytest
from helpers import exact_queue

import lambdasim as ls
from lambdasim.model.dists import Constant
from lambdasim.model.errors import TooManyRequestsException
from lambdasim.model.failures import FailureModel
from lambdasim.model.scenario import FunctionConfig, QueueSettings, Scenario
from lambdasim.results.metrics import ALL
from lambdasim.results.pricing import PRICE_PER_GB_SECOND, PRICE_PER_REQUEST


def scenario(dispatch="aws", **function):
    function.setdefault("timeout_s", 900)
    function.setdefault("duration", Constant(0.2))
    function.setdefault("cold_start", Constant(0.25))
    return Scenario(functions={"orders": FunctionConfig(**function)}, dispatch=dispatch, seed=3,
                    queue=QueueSettings(**exact_queue()))  # jitter 0: the instants below are exact


def total(metrics, metric, statistic="Sum", function=ALL):
    rows = metrics[(metrics["metric"] == metric) & (metrics["statistic"] == statistic)
                   & (metrics["function"] == function)]
    return rows["value"].sum() if statistic == "Sum" else rows["value"].max()


def test_a_sync_invoke_writes_one_sync_row_and_no_event():
    sim = ls.Simulation(scenario())
    sim.run(until=10)
    response = sim.invoke_sync("orders", {"id": 1})
    sim.run(until=20)
    result = sim.result()
    rows = result.attempts[result.attempts["kind"] == "sync"]
    assert len(rows) == 1 and len(result.attempts) == 1
    row = rows.iloc[0]
    assert row["event_id"] == response["request_id"]
    assert row["attempt"] == 1
    assert row["qualifier"] == "$LATEST"
    assert (row["enqueued_at"], row["dispatched_at"], row["event_age_s"]) == (10.0, 10.0, 0.0)
    assert row["init_s"] == 0.25 and row["duration_s"] == 0.2
    assert row["start_at"] == pytest.approx(10.25) and row["end_at"] == pytest.approx(10.45)
    assert row["billed_ms"] == 450
    assert row["outcome"] == "success" and row["error_type"] == ""
    assert row["concurrency_at_start"] == 1 and row["queue_depth_at_start"] == 0
    assert (response["init_s"], response["duration_s"]) == (0.25, 0.2)
    assert len(result.events) == 0  # not an async event: no events row
    assert result.stats["accepted"] == 0


def test_sync_request_ids_are_their_own_series():
    sim = ls.Simulation(scenario())
    first = sim.invoke_sync("orders")["request_id"]
    sim.invoke("orders")
    second = sim.invoke_sync("orders")["request_id"]
    sim.run(until=5)
    attempts = sim.result().attempts
    assert attempts.loc[attempts["kind"] == "sync", "event_id"].tolist() == [first, second]
    assert attempts.loc[attempts["kind"] == "invoke", "event_id"].tolist() == [sim.request_id(0)]
    assert len({first, second, sim.request_id(0)}) == 3


def test_a_failing_sync_invoke_is_an_error_row_and_is_not_retried():
    sim = ls.Simulation(scenario(failures=FailureModel(error_probability=1.0)))
    response = sim.invoke_sync("orders")
    sim.run(until=600)
    attempts = sim.result().attempts
    assert response["function_error"] == "Unhandled"
    assert attempts["kind"].tolist() == ["sync"]
    assert attempts["outcome"].tolist() == ["error"]
    assert attempts["error_type"].tolist() == ["SimulatedError"]
    assert total(sim.result().metrics(), "Errors") == 1


def test_sync_and_async_share_the_concurrency_slot():
    # Reserved concurrency 1. The sync invoke holds the slot over [0, 5.25); the async event sent
    # at 1 is throttled at 1, 2 and 4 (backoff 1 s, 2 s, 4 s) and runs warm at 8.
    sim = ls.Simulation(scenario(reserved_concurrency=1, duration=Constant(5.0)))
    sim.invoke_sync("orders")
    sim.run(until=1)
    sim.invoke("orders")
    sim.run()
    attempts = sim.result().attempts
    assert attempts["kind"].tolist() == ["sync", "throttle", "throttle", "throttle", "invoke"]
    assert attempts["dispatched_at"].tolist() == [0.0, 1.0, 2.0, 4.0, 8.0]
    assert set(attempts.loc[attempts["kind"] == "throttle", "error_type"]) == {
        "ReservedFunctionConcurrentInvocationLimitExceeded"}
    assert attempts["init_s"].tolist() == [0.25, 0.0, 0.0, 0.0, 0.0]  # the sync invoke's environment, reused
    assert sim.result().events["throttles"].tolist() == [3]


def test_a_sync_invoke_with_no_free_slot_is_refused_and_recorded():
    sim = ls.Simulation(scenario(reserved_concurrency=1, duration=Constant(5.0)))
    sim.invoke("orders")
    sim.run(until=1)
    with pytest.raises(TooManyRequestsException) as excinfo:
        sim.invoke_sync("orders")
    assert excinfo.value.reason == "ReservedFunctionConcurrentInvocationLimitExceeded"
    sim.run()
    attempts = sim.result().attempts
    refused = attempts[attempts["kind"] == "sync"].iloc[0]
    assert (refused["attempt"], refused["outcome"], refused["billed_ms"]) == (0, "throttled", 0)
    assert refused["dispatched_at"] == 1.0
    assert refused["error_type"] == "ReservedFunctionConcurrentInvocationLimitExceeded"
    metrics = sim.result().metrics()
    assert (total(metrics, "Invocations"), total(metrics, "Throttles")) == (1, 1)
    assert sim.result().cost().set_index("function").loc[ALL, "requests"] == 1


def test_under_ideal_dispatch_a_sync_invoke_ending_serves_the_fifo():
    # The slot a sync invoke frees goes to the event waiting for it, as any other end does.
    sim = ls.Simulation(scenario("ideal", reserved_concurrency=1, duration=Constant(5.0)))
    sim.invoke_sync("orders")
    sim.run(until=1)
    sim.invoke("orders")
    sim.run()
    attempts = sim.result().attempts
    assert attempts["kind"].tolist() == ["sync", "invoke"]
    assert attempts["dispatched_at"].tolist() == [0.0, 5.25]
    assert attempts["event_age_s"].tolist() == [0.0, 4.25]


def test_metrics_and_cost_count_sync_invokes():
    # One sync invoke at 0 (cold: 0.25 + 0.2 s) and one async event at 0.1 (a second cold
    # environment, as the first is busy): both execute, both are billed 450 ms at 512 MB.
    sim = ls.Simulation(scenario(memory_mb=512))
    sim.invoke_sync("orders")
    sim.run(until=0.1)
    sim.invoke("orders")
    sim.run()
    result = sim.result()
    metrics = result.metrics(period_s=60)
    assert total(metrics, "Invocations") == 2
    assert total(metrics, "Errors") == 0
    assert total(metrics, "ConcurrentExecutions", "Maximum") == 2
    assert total(metrics, "Duration", "Maximum") == pytest.approx(200.0)
    assert total(metrics, "Duration", "Average") == pytest.approx(200.0)
    # Async-only metrics see the async event alone.
    assert total(metrics, "AsyncEventsReceived") == 1
    assert total(metrics, "AsyncEventAge", "Maximum") == 0.0
    assert total(metrics, "AsyncEventsDropped") == 0
    assert result.summary()["invocations"] == 2
    table = result.cost().set_index("function")
    gb_seconds = 2 * 0.45 * 512 / 1024
    assert table.loc["orders", "requests"] == 2
    assert table.loc["orders", "gb_seconds"] == pytest.approx(gb_seconds, rel=1e-12)
    assert table.loc["orders", "request_cost"] == pytest.approx(2 * PRICE_PER_REQUEST, rel=1e-12)
    assert table.loc["orders", "duration_cost"] == pytest.approx(gb_seconds * PRICE_PER_GB_SECOND["x86_64"],
                                                                 rel=1e-12)


def test_sync_invokes_through_the_client_are_recorded():
    sim = ls.Simulation(scenario())
    lam = sim.client()
    response = lam.invoke(FunctionName="orders", InvocationType="RequestResponse", Payload=b'{"id": 7}')
    assert response["StatusCode"] == 200
    sim.run(until=1)
    attempts = sim.result().attempts
    assert attempts["kind"].tolist() == ["sync"]
    assert attempts["event_id"].tolist() == [response["ResponseMetadata"]["RequestId"]]
