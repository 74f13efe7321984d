"""SQS event-source mappings on the virtual clock: exact timelines (docs/aws-behaviour.md §19).

Functions here run for a constant time with no cold start, so every receive, invoke, delete and
reappearance happens at a time the test can name. Messages are put on the queue directly (the
queue's own SendMessage belongs to the SQS module).
"""

import hashlib
from dataclasses import replace

import pytest

import lambdasim as ls
from lambdasim.engine.esm_events import batch_item_failures
from lambdasim.engine.targets import Message
from lambdasim.model.dists import Constant
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.model.event_source_mappings import MappingSettings

QUEUE = "arn:aws:sqs:us-east-1:123456789012:jobs"
START_MS = 1735689600000  # 2025-01-01T00:00:00Z, the scenario's default start_time, in epoch ms


def function(handler=None, duration=2.0, timeout=30, **extra):
    return ls.FunctionConfig(duration=Constant(duration), cold_start=Constant(0.0), timeout_s=timeout,
                             handler=handler, **extra)


def simulation(handler=None, horizon=600.0, duration=2.0, timeout=30, account=1000, **mapping):
    """A simulation of one function ``worker`` mapped (Enabled at 0) to the queue ``jobs``."""
    settings = MappingSettings(QUEUE, "worker", **mapping)
    scenario = ls.Scenario(functions={"worker": function(handler, duration, timeout)},
                           event_source_mappings=(settings,), horizon_s=horizon,
                           account=ls.Account(concurrent_executions=account))
    return ls.Simulation(scenario)


def send(sim, bodies, queue=QUEUE):
    """Put messages on the queue now (ids ``m0``, ``m1``, ... in the order given)."""
    target = sim.target(queue)
    start = len(target.messages)
    for i, body in enumerate(bodies):
        message = Message(f"m{start + i}", body, None, sim.now, "")
        target.messages.append(message)
        target.sqs.added(message, sim.now)   # as a delivery does: recorded, idle pollers wake
    return target


def esm_rows(sim):
    rows = sim.result().attempts.query("kind == 'esm'")
    return rows[["dispatched_at", "end_at", "outcome"]].values.tolist()


def batches(sim):
    (mapping,) = sim.list_event_source_mappings()
    return mapping.batches


class Recorder:
    """A handler that keeps every event it gets and answers with ``answer(event)``."""

    def __init__(self, answer=None):
        self.events = []
        self.answer = answer

    def __call__(self, event, context):
        self.events.append(event)
        return self.answer(event) if self.answer else None


# -- the event, success and deletion -------------------------------------------------------------------


def test_a_batch_is_one_synchronous_invoke_with_the_sqs_event_and_success_deletes_it():
    handler = Recorder()
    sim = simulation(handler)
    queue = send(sim, ["hello", '{"n": 2}'])
    sim.run(until=10)
    (event,) = handler.events
    first, second = event["Records"]
    assert first == {
        "messageId": "m0", "receiptHandle": first["receiptHandle"], "body": "hello",
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(START_MS),
                       "SenderId": "123456789012", "ApproximateFirstReceiveTimestamp": str(START_MS)},
        "messageAttributes": {}, "md5OfBody": hashlib.md5(b"hello").hexdigest(), "eventSource": "aws:sqs",
        "eventSourceARN": QUEUE, "awsRegion": "us-east-1"}
    assert second["body"] == '{"n": 2}' and second["messageId"] == "m1"
    assert esm_rows(sim) == [[0.0, 2.0, "success"]]
    assert queue.messages == []
    (batch,) = batches(sim)
    assert (batch["batch_size"], batch["deleted"], batch["outcome"]) == (2, 2, "success")
    assert batch["request_id"] == sim.result().attempts["event_id"].iloc[0]


def test_message_attributes_reach_the_record_in_lambdas_shape():
    handler = Recorder()
    sim = simulation(handler)
    target = sim.target(QUEUE)
    attributes = {"RequestID": {"DataType": "String", "StringValue": "r-1"}}
    target.messages.append(Message("a1", "x", attributes, 0.0, ""))
    sim.run(until=5)
    record = handler.events[0]["Records"][0]
    assert record["messageAttributes"] == {"RequestID": {
        "stringValue": "r-1", "stringListValues": [], "binaryListValues": [], "dataType": "String"}}


def test_batches_hold_at_most_batch_size_messages_and_run_in_parallel():
    sim = simulation(batch_size=3)
    send(sim, [str(i) for i in range(7)])
    sim.run(until=10)
    assert [b["batch_size"] for b in batches(sim)] == [3, 3, 1]
    assert esm_rows(sim) == [[0.0, 2.0, "success"]] * 3
    assert sim.target(QUEUE).messages == []


# -- the batching window ----------------------------------------------------------------------------------


def test_a_window_waits_for_more_messages_and_invokes_when_it_passes():
    handler = Recorder()
    sim = simulation(handler, batch_size=20, window_s=5)
    send(sim, ["a", "b", "c"])
    sim.run(until=2)
    send(sim, ["d", "e"])
    sim.run(until=20)
    assert esm_rows(sim) == [[5.0, 7.0, "success"]]
    assert [r["body"] for r in handler.events[0]["Records"]] == ["a", "b", "c", "d", "e"]
    assert batches(sim)[0]["received_at"] == 0.0


def test_a_full_batch_is_invoked_at_once_and_the_rest_waits_its_window():
    sim = simulation(batch_size=20, window_s=5)
    send(sim, [str(i) for i in range(25)])
    sim.run(until=20)
    assert [(b["invoked_at"], b["batch_size"]) for b in batches(sim)] == [(0.0, 20), (5.0, 5)]


def test_a_batch_stops_short_of_six_megabytes():
    sim = simulation(batch_size=10, window_s=1)
    megabyte = "x" * (1024 * 1024)
    send(sim, [megabyte] * 7)
    sim.run(until=20)
    sizes = [b["batch_size"] for b in batches(sim)]
    assert sizes[0] == 5          # 5 records of 1 MB and their fields fit; a 6th would pass 6 MB
    assert sum(sizes) == 7 and sim.target(QUEUE).messages == []


# -- failures -----------------------------------------------------------------------------------------------


def fails_on_first_receive(event, context):
    if any(r["attributes"]["ApproximateReceiveCount"] == "1" for r in event["Records"]):
        raise RuntimeError("first delivery fails")


def test_a_failed_batch_reappears_after_the_visibility_timeout_with_receive_count_2():
    handler = Recorder()
    sim = simulation(lambda e, c: (handler(e, c), fails_on_first_receive(e, c))[1])
    queue = send(sim, ["job"])
    sim.run(until=29.9)
    assert len(queue.messages) == 1          # failed at 2, still hidden until 30
    assert queue.sqs.counts(sim.now) == (0, 1)
    sim.run(until=60)
    assert esm_rows(sim) == [[0.0, 2.0, "error"], [30.0, 32.0, "success"]]
    second = handler.events[1]["Records"][0]
    assert second["attributes"]["ApproximateReceiveCount"] == "2"
    assert second["attributes"]["ApproximateFirstReceiveTimestamp"] == str(START_MS)
    assert second["receiptHandle"] != handler.events[0]["Records"][0]["receiptHandle"]
    assert queue.messages == []


def test_a_timeout_fails_the_batch_like_an_error():
    sim = simulation(duration=40, timeout=30)   # every run times out at 30 s
    queue = send(sim, ["slow"])
    sim.run(until=29)
    assert len(queue.messages) == 1 and queue.sqs.counts(29.0) == (0, 1)
    sim.run(until=31)   # it timed out at 30, when it became visible again: received at once
    assert esm_rows(sim)[0] == [0.0, 30.0, "timeout"]
    assert len(queue.messages) == 1 and batches(sim)[0]["outcome"] == "timeout"


def test_a_poison_message_is_received_again_and_again_its_count_growing():
    # With a redrive policy the queue would move it to its DLQ at maxReceiveCount (the SQS module's
    # part, not merged here): this pins the receive count that policy reads.
    handler = Recorder()

    def poison(event, context):
        handler(event, context)
        raise ValueError("poison")

    sim = simulation(poison)
    send(sim, ["poison"])
    sim.run(until=95)
    counts = [e["Records"][0]["attributes"]["ApproximateReceiveCount"] for e in handler.events]
    assert counts == ["1", "2", "3", "4"]
    assert [row[0] for row in esm_rows(sim)] == [0.0, 30.0, 60.0, 90.0]


def partial(event, context):
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"]
                                  if r["body"] == "bad"]}


def test_report_batch_item_failures_deletes_only_the_others():
    sim = simulation(partial, report_batch_item_failures=True)
    queue = send(sim, ["ok", "bad", "ok"])
    sim.run(until=10)
    assert [m.message_id for m in queue.messages] == ["m1"]
    batch = batches(sim)[0]
    assert (batch["outcome"], batch["deleted"], batch["failed_items"]) == ("partial", 2, ["m1"])
    sim.run(until=40)
    assert [(b["invoked_at"], b["message_ids"]) for b in batches(sim)] == [(0.0, ["m0", "m1", "m2"]),
                                                                         (30.0, ["m1"])]


def test_without_report_batch_item_failures_a_response_listing_failures_deletes_everything():
    sim = simulation(partial)
    queue = send(sim, ["ok", "bad"])
    sim.run(until=10)
    assert queue.messages == []


@pytest.mark.parametrize("response, failed", [
    (None, []), ("", []), ({}, []), ({"batchItemFailures": []}, []), ({"batchItemFailures": None}, []),
    ({"batchItemFailures": [{"itemIdentifier": "m1"}]}, ["m1"]),
    ({"batchItemFailures": [{"itemIdentifier": ""}]}, None),
    ({"batchItemFailures": [{"itemIdentifier": None}]}, None),
    ({"batchItemFailures": [{"id": "m1"}]}, None),
    ({"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}, None),
    ({"other": 1}, None), ([1, 2], None), ("text", None),
])
def test_batch_item_failure_responses_follow_awss_rules(response, failed):
    assert batch_item_failures(response, ["m0", "m1"]) == failed


def test_an_invalid_batch_item_failures_response_fails_the_whole_batch():
    sim = simulation(lambda e, c: {"batchItemFailures": [{"itemIdentifier": "nope"}]},
                     report_batch_item_failures=True)
    queue = send(sim, ["a", "b"])
    sim.run(until=10)
    assert len(queue.messages) == 2
    assert batches(sim)[0]["outcome"] == "invalid_response"
    assert esm_rows(sim) == [[0.0, 2.0, "success"]]   # the function itself succeeded


# -- concurrency, throttles, scaling ----------------------------------------------------------------


def peak(sim, at):
    rows = sim.result().attempts.query("kind == 'esm' and outcome != 'throttled'")
    return int(((rows.dispatched_at <= at) & ((rows.end_at > at) | rows.end_at.isna())).sum())


def test_maximum_concurrency_caps_the_batches_in_flight():
    sim = simulation(duration=10, batch_size=1, maximum_concurrency=2)
    send(sim, [str(i) for i in range(6)])
    sim.run(until=40)
    assert [row[0] for row in esm_rows(sim)] == [0.0, 0.0, 10.0, 10.0, 20.0, 20.0]
    assert peak(sim, 5) == 2


def test_scaling_starts_with_five_batches_and_adds_300_a_minute():
    scenario = ls.Scenario(functions={"worker": function(duration=900, timeout=900)}, horizon_s=200)
    sim = ls.Simulation(scenario)
    queue = send(sim, [str(i) for i in range(1000)])
    queue.sqs.settings = replace(queue.sqs.settings, visibility_timeout_s=900)
    sim.create_event_source_mapping({"EventSourceArn": QUEUE, "FunctionName": "worker", "BatchSize": 1})
    sim.run(until=130)   # Enabled at 1; scaling reviews at 60 and 120
    assert (peak(sim, 30), peak(sim, 90), peak(sim, 125)) == (5, 305, 605)
    assert sim.result().attempts["dispatched_at"].min() == 1.0


def test_a_throttled_batch_stays_in_the_queue_and_comes_back_after_the_visibility_timeout():
    sim = simulation(duration=5, batch_size=1)
    sim.put_reserved_concurrency("worker", 1)
    queue = send(sim, ["a", "b", "c"])
    sim.run(until=6)
    rows = sim.result().attempts.query("kind == 'esm'")
    assert rows[["dispatched_at", "outcome", "error_type"]].values.tolist() == [
        [0.0, "success", ""], [0.0, "throttled", "ReservedFunctionConcurrentInvocationLimitExceeded"],
        [0.0, "throttled", "ReservedFunctionConcurrentInvocationLimitExceeded"]]
    assert [m.message_id for m in queue.messages] == ["m1", "m2"]
    assert queue.sqs.counts(6.0) == (0, 2)
    sim.run(until=70)   # at 30 both are received again: m1 runs, m2 is throttled again (until 60)
    assert queue.messages == []
    assert [(b["invoked_at"], b["message_ids"], b["outcome"]) for b in batches(sim)][3:] == [
        (30.0, ["m1"], "success"), (30.0, ["m2"], "throttled"), (60.0, ["m2"], "success")]


def test_esm_invocations_count_in_the_functions_metrics_but_not_as_async_events():
    sim = simulation(fails_on_first_receive)
    sim.put_reserved_concurrency("worker", 1)
    send(sim, ["a"])
    sim.run(until=1)
    send(sim, ["b"])
    sim.run(until=60)
    # a fails at 0 (count 1); b (sent at 1) is throttled by a; a succeeds at 30; b, visible again
    # at 31, is throttled by a again
    metrics = sim.result().metrics(period_s=60)
    totals = metrics.query("statistic == 'Sum' and function == 'worker'").groupby("metric")["value"].sum()
    assert (totals["Invocations"], totals["Errors"], totals["Throttles"]) == (2, 1, 2)
    assert totals.get("AsyncEventsReceived", 0) == 0


# -- state, scenario files and producers ------------------------------------------------------------------


def test_a_mapping_made_through_the_api_is_creating_then_enabled_and_a_disabled_one_reads_nothing():
    scenario = ls.Scenario(functions={"worker": function()}, horizon_s=100)
    sim = ls.Simulation(scenario)
    mapping = sim.create_event_source_mapping({"EventSourceArn": QUEUE, "FunctionName": "worker",
                                               "Enabled": False})
    assert mapping.state == "Creating"
    queue = send(sim, ["a"])
    sim.run(until=10)
    assert mapping.state == "Disabled" and len(queue.messages) == 1
    sim.update_event_source_mapping(mapping.uuid, {"Enabled": True})
    assert mapping.state == "Enabling"
    sim.run(until=20)
    assert mapping.state == "Enabled" and queue.messages == []
    assert [b["invoked_at"] for b in mapping.batches] == [11.0]
    assert mapping.last_result == "OK"


def test_a_scenario_file_maps_a_queue_fed_by_a_producer_workload():
    text = f"""
horizon_s: 120
functions:
  worker: {{duration: 1, cold_start: 0, Timeout: 10}}
workloads:
  - {{target: "{QUEUE}", arrivals: constant, rate_per_s: 1, end_s: 10, payload: {{"n": 1}}}}
EventSourceMappings:
  - {{EventSourceArn: "{QUEUE}", FunctionName: worker, BatchSize: 50, MaximumBatchingWindowInSeconds: 4,
     ScalingConfig: {{MaximumConcurrency: 2}}, FunctionResponseTypes: [ReportBatchItemFailures]}}
"""
    scenario = ls.Scenario.from_yaml(text)
    assert ls.Scenario.from_dict(scenario.to_dict()) == scenario
    sim = ls.Simulation(scenario)
    sim.run()
    assert [(b["invoked_at"], b["batch_size"]) for b in batches(sim)] == [(4.0, 4), (8.0, 4), (12.0, 2)]
    assert sim.run_stats()["stopped_by"] == "resolved" and sim.target(QUEUE).messages == []


@pytest.mark.parametrize("mapping, path, allowed", [
    ({"BatchSize": 20}, "EventSourceMappings[0].BatchSize",
     "Maximum batch window in seconds must be greater than 0"),
    ({"BatchSize": 0}, "EventSourceMappings[0].BatchSize", "integer 1-10000"),
    ({"BatchSize": 10001, "MaximumBatchingWindowInSeconds": 1}, "EventSourceMappings[0].BatchSize",
     "integer 1-10000"),
    ({"MaximumBatchingWindowInSeconds": 301}, "EventSourceMappings[0].MaximumBatchingWindowInSeconds",
     "integer 0-300"),
    ({"ScalingConfig": {"MaximumConcurrency": 1}}, "EventSourceMappings[0].ScalingConfig.MaximumConcurrency",
     "integer 2-1000"),
    ({"FunctionResponseTypes": ["Bisect"]}, "EventSourceMappings[0].FunctionResponseTypes",
     "ReportBatchItemFailures"),
    ({"FunctionName": "missing"}, "EventSourceMappings[0].FunctionName", "one of the functions worker"),
    ({"EventSourceArn": "arn:aws:sns:us-east-1:123456789012:t"}, "EventSourceMappings[0].EventSourceArn",
     "the ARN of an SQS queue"),
    ({"EventSourceArn": QUEUE + ".fifo", "BatchSize": 11}, "EventSourceMappings[0].BatchSize",
     "allowed: 1 to 10"),
    ({"Enabled": "yes"}, "EventSourceMappings[0].Enabled", "true or false"),
])
def test_a_bad_mapping_in_a_scenario_names_the_field_the_value_and_what_is_allowed(mapping, path, allowed):
    entry = {"EventSourceArn": QUEUE, "FunctionName": "worker", **mapping}
    with pytest.raises(InvalidParameterValueException) as excinfo:
        ls.Scenario.from_dict({"functions": {"worker": {"duration": 1}}, "EventSourceMappings": [entry]})
    assert path in str(excinfo.value) and allowed in str(excinfo.value)


def test_a_queue_whose_visibility_timeout_is_below_the_functions_timeout_is_refused():
    scenario = ls.Scenario(functions={"worker": function(timeout=60)},
                           event_source_mappings=(MappingSettings(QUEUE, "worker"),))
    with pytest.raises(InvalidParameterValueException) as excinfo:
        ls.Simulation(scenario)
    message = "Queue visibility timeout: 30 seconds is less than Function timeout: 60 seconds"
    assert message in str(excinfo.value)
    assert "EventSourceMappings[0]" in str(excinfo.value)


def test_a_producer_workload_sends_json_bodies_and_names_no_function():
    producer = {"target": QUEUE, "arrivals": "burst", "count": 3, "payload": {"n": 1}}
    scenario = ls.Scenario.from_dict({"functions": {"worker": {"duration": 1}}, "horizon_s": 10,
                                      "workloads": [producer]})
    sim = ls.Simulation(scenario)
    sim.run(until=1)
    messages = sim.target(QUEUE).messages
    assert [m.body for m in messages] == ['{"n": 1}'] * 3 and len({m.message_id for m in messages}) == 3
    with pytest.raises(InvalidParameterValueException, match=r"workloads\[0\].function"):
        ls.Scenario.from_dict({"functions": {"worker": {"duration": 1}}, "workloads": [
            {"target": QUEUE, "function": "worker", "arrivals": "burst", "count": 1}]})


def test_a_deleted_mapping_stops_reading_and_its_batch_in_flight_still_ends():
    sim = simulation(duration=5, batch_size=1, maximum_concurrency=2)
    queue = send(sim, ["a", "b", "c"])
    sim.run(until=1)
    (mapping,) = sim.list_event_source_mappings()
    sim.delete_event_source_mapping(mapping.uuid)
    assert mapping.state == "Deleting" and sim.list_event_source_mappings() == []
    sim.run(until=60)
    assert [b["message_ids"] for b in mapping.batches] == [["m0"], ["m1"]]
    assert [m.message_id for m in queue.messages] == ["m2"]
    with pytest.raises(ls.ResourceNotFoundException, match="The resource you requested does not exist."):
        sim.get_event_source_mapping(mapping.uuid)


def test_a_result_with_a_mapped_queue_pickles_and_keeps_the_messages_left():
    import pickle

    sim = simulation(fails_on_first_receive)
    send(sim, ["a"])
    sim.run(until=5)
    result = pickle.loads(pickle.dumps(sim.result()))
    assert [m.body for m in result.target(QUEUE).messages] == ["a"]
