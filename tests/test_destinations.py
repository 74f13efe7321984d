"""Destinations and dead-letter queues: every resolved event delivered where AWS would.

The rules: docs/aws-behaviour.md §6, §7, §15. Records are compared whole, field by field, against the
shapes of §6 and the AWS-recorded snapshots of §3, §5 and §7. Durations are constant, so every
delivery instant (and so every timestamp) is exact.
"""

import json
import re

import pytest
from helpers import exact_queue

import lambdasim as ls

START = "2025-01-01T00:00:00Z"
PREFIX = "arn:aws:{}:us-east-1:123456789012:{}"


def sqs(name):
    return PREFIX.format("sqs", name)


def sns(name):
    return PREFIX.format("sns", name)


def bus(name):
    return PREFIX.format("events", f"event-bus/{name}")


def lambda_arn(name):
    return PREFIX.format("lambda", f"function:{name}")


ORDERS = lambda_arn("orders")
FAILED = sqs("orders-failed")
SUCCEEDED = sqs("orders-ok")
DLQ = sqs("orders-dlq")
ALWAYS_FAIL = {"error_probability": 1.0, "error_type": "PaymentError", "error_message": "card declined"}


def function(*, on_success=None, on_failure=None, dlq=None, retries=None, max_age=None, duration=0.2,
             cold_start=0.0, **extra):
    """One function in the scenario-file shape: constant durations, timeout 900 s unless given."""
    config = {"Timeout": 900, "duration": {"dist": "constant", "value_s": duration},
              "cold_start": {"dist": "constant", "value_s": cold_start}, **extra}
    invoke_config = {}
    if retries is not None:
        invoke_config["MaximumRetryAttempts"] = retries
    if max_age is not None:
        invoke_config["MaximumEventAgeInSeconds"] = max_age
    destinations = {}
    if on_success is not None:
        destinations["OnSuccess"] = {"Destination": on_success}
    if on_failure is not None:
        destinations["OnFailure"] = {"Destination": on_failure}
    if destinations:
        invoke_config["DestinationConfig"] = destinations
    if invoke_config:
        config["EventInvokeConfig"] = invoke_config
    if dlq is not None:
        config["DeadLetterConfig"] = {"TargetArn": dlq}
    return config


def events(name, *payloads, at_s=0.0):
    """An ``events`` workload: ``payloads`` all at ``at_s``, or (at_s, payload) pairs."""
    timed = [p if isinstance(p, tuple) else (at_s, p) for p in payloads]
    return {"function": name, "arrivals": "events", "events": [{"at_s": t, "payload": p} for t, p in timed]}


def scenario(functions, *workloads, **top):
    """A scenario in the README's YAML shape, with seed 1 and the default start time."""
    top["queue"] = exact_queue(top.get("queue"))  # jitter 0: the record timestamps below are exact
    return ls.Scenario.from_dict({"seed": 1, "functions": functions, "workloads": list(workloads), **top})


def orders(*workloads, **config):
    return scenario({"orders": function(**config)}, *workloads)


def bodies(result, arn):
    return [m.json() for m in result.target(arn).messages]


def error_record(request_id, payload, condition, count, timestamp, message="card declined",
                 error_type="PaymentError"):
    """The record AWS sends after a function error (docs/aws-behaviour.md §6, Python runtime per §3)."""
    return {
        "version": "1.0",
        "timestamp": timestamp,
        "requestContext": {"requestId": request_id, "functionArn": f"{ORDERS}:$LATEST",
                           "condition": condition, "approximateInvokeCount": count},
        "requestPayload": payload,
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": message, "errorType": error_type, "requestId": request_id,
                            "stackTrace": []},
    }


# -- the invocation record (docs/aws-behaviour.md §18 examples 1-3, 5, 7, and §5) ------------------------


def test_scenario_1_retries_exhausted_record_reaches_the_on_failure_queue_field_by_field():
    sim = ls.Simulation(orders(failures=ALWAYS_FAIL, cold_start=0.25, on_failure=FAILED))
    payload = {"id": 1, "items": ["book", "pen"], "total": 12.5}
    request_id = sim.invoke("orders", payload)
    result = sim.run().result()
    messages = result.target(FAILED).messages
    assert len(messages) == 1
    # Attempts end at 0.45, 60.65 and 180.85 s: the record is sent at the third failure.
    assert messages[0].sent_at == pytest.approx(180.85)
    assert messages[0].event_id == request_id
    assert messages[0].attributes == {}
    assert messages[0].json() == error_record(request_id, payload, "RetriesExhausted", 3,
                                              "2025-01-01T00:03:00.850Z")
    assert result.events["fate"].tolist() == ["retries_exhausted"]
    assert result.events["on_failure"].tolist() == [FAILED]
    assert result.events["lost"].tolist() == [False]


def test_record_timestamp_follows_the_scenario_start_time():
    config = function(failures=ALWAYS_FAIL, cold_start=0.25, on_failure=FAILED)
    sim = ls.Simulation(scenario({"orders": config}, start_time="2024-02-29T23:58:30Z"))
    sim.invoke("orders", {"id": 1})
    record = sim.run().target(FAILED).messages[0].json()
    assert record["timestamp"] == "2024-03-01T00:01:30.850Z"  # 23:58:30 + 180.85 s, past a leap day


def test_handler_exception_becomes_the_error_object_of_the_record():
    def handler(event, context):
        raise ValueError(f"order {event['id']} has no items")

    result = ls.run(orders(events("orders", {"id": 7}), handler=handler, retries=0, on_failure=FAILED))
    request_id = result.events["event_id"][0]
    record = bodies(result, FAILED)[0]
    trace = record["responsePayload"].pop("stackTrace")
    assert record == {
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:00.200Z",
        "requestContext": {"requestId": request_id, "functionArn": f"{ORDERS}:$LATEST",
                           "condition": "RetriesExhausted", "approximateInvokeCount": 1},
        "requestPayload": {"id": 7},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorMessage": "order 7 has no items", "errorType": "ValueError",
                            "requestId": request_id},
    }
    assert len(trace) == 1 and "in handler" in trace[0] and "raise ValueError" in trace[0]


def test_scenario_2_no_retries_sends_the_record_at_the_end_of_the_first_attempt():
    result = ls.run(orders(events("orders", {"id": 2}), failures=ALWAYS_FAIL, cold_start=0.25, retries=0,
                           on_failure=FAILED))
    assert (result.attempts["kind"] == "invoke").sum() == 1
    request_id = result.events["event_id"][0]
    (message,) = result.target(FAILED).messages
    assert message.sent_at == pytest.approx(0.45)
    assert message.json() == error_record(request_id, {"id": 2}, "RetriesExhausted", 1,
                                          "2025-01-01T00:00:00.450Z")


def test_scenario_3_success_record_is_the_payload_of_the_on_success_function():
    received = []

    def producer(event, context):
        return {"ok": True}

    def consumer(event, context):
        received.append((event, context.aws_request_id))

    result = ls.run(scenario({"A": function(handler=producer, on_success=lambda_arn("B")),
                              "B": function(handler=consumer)}, events("A", {"order": 3})))
    a_id, b_id = result.events["event_id"].tolist()
    assert received == [({
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:00.200Z",
        "requestContext": {"requestId": a_id, "functionArn": f"{lambda_arn('A')}:$LATEST",
                           "condition": "Success", "approximateInvokeCount": 1},
        "requestPayload": {"order": 3},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"ok": True},
    }, b_id)]


def test_a_lambda_destination_chain_makes_an_event_of_the_destination_function():
    result = ls.run(scenario({"A": function(on_success=lambda_arn("B")), "B": function()},
                             events("A", {"order": 1})))
    events_ = result.events
    assert events_["function"].tolist() == ["A", "B"]
    assert events_["fate"].tolist() == ["succeeded", "succeeded"]
    assert events_["enqueued_at"].tolist() == pytest.approx([0.0, 0.2])
    assert events_["resolved_at"].tolist() == pytest.approx([0.2, 0.4])
    assert events_["on_success"].tolist() == [lambda_arn("B"), ""]
    row = result.deliveries.iloc[0]
    assert len(result.deliveries) == 1
    assert (row["event_id"], row["channel"], row["target_type"], row["target_arn"], row["ok"]) == (
        events_["event_id"][0], "on_success", "lambda", lambda_arn("B"), True)
    assert row["condition"] == "Success"
    invokes = result.attempts[result.attempts["kind"] == "invoke"]
    assert invokes["function"].tolist() == ["A", "B"]


def test_lambda_destination_that_does_not_exist_is_refused_at_load():
    # AWS refuses it at Put/Update ("The destination ARN ... is invalid."); a scenario file, at load.
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        scenario({"A": function(on_success=lambda_arn("missing"))}, events("A", {"id": 1}))
    field = "functions.A.EventInvokeConfig.DestinationConfig.OnSuccess.Destination"
    assert excinfo.value.fields["field"] == field
    assert f"The destination ARN {lambda_arn('missing')} is invalid." in excinfo.value.message


def test_lambda_destination_deleted_after_the_config_fails_delivery():
    sim = ls.Simulation(scenario({"A": function(on_success=lambda_arn("B")), "B": function()},
                                 events("A", {"id": 1})))
    sim.client().delete_function(FunctionName="B")
    result = sim.run().result()
    assert result.deliveries[["channel", "target_type", "ok", "failure_reason"]].values.tolist() == [
        ["on_success", "lambda", False, "ResourceNotFoundException"]]
    assert len(result.events) == 1


@pytest.mark.parametrize("side, arn", [
    ("OnSuccess", lambda_arn("A")),
    ("OnFailure", lambda_arn("A")),
    ("OnSuccess", f"{lambda_arn('A')}:$LATEST"),
])
def test_a_function_cannot_be_its_own_destination(side, arn):
    config = function()
    config["EventInvokeConfig"] = {"DestinationConfig": {side: {"Destination": arn}}}
    with pytest.raises(ls.InvalidParameterValueException) as error:
        scenario({"A": config})
    assert f"functions.A.EventInvokeConfig.DestinationConfig.{side}.Destination" in str(error.value)


@pytest.mark.parametrize("side, arn", [
    ("OnSuccess", "arn:aws:s3:::orders-archive"),  # S3 is an on-failure destination only
    ("OnFailure", "arn:aws:dynamodb:us-east-1:123456789012:table/orders"),
    ("OnSuccess", "orders-ok"),
])
def test_unsupported_destinations_are_rejected(side, arn):
    config = function()
    config["EventInvokeConfig"] = {"DestinationConfig": {side: {"Destination": arn}}}
    with pytest.raises(ls.InvalidParameterValueException):
        scenario({"A": config})


def test_dead_letter_queue_must_be_sqs_or_sns():
    with pytest.raises(ls.InvalidParameterValueException):
        scenario({"A": function(dlq="arn:aws:s3:::orders-archive")})


def test_scenario_4_zero_reserved_concurrency_sends_the_raw_event_to_the_dlq():
    sim = ls.Simulation(orders(ReservedConcurrentExecutions=0, dlq=DLQ))
    payload = {"id": 4, "note": "ünïcode"}
    sim.run(until=5.0)
    request_id = sim.invoke("orders", payload)
    result = sim.run().result()
    (message,) = result.target(DLQ).messages
    assert message.sent_at == 5.0
    assert json.loads(message.body) == payload
    assert message.attributes == {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "429"},
        "ErrorMessage": {"DataType": "String", "StringValue": "ZeroReservedConcurrency"},
    }
    assert (result.attempts["kind"] == "invoke").sum() == 0
    assert result.events[["fate", "attempts", "dlq", "lost"]].values.tolist() == [
        ["zero_reserved_concurrency", 0, DLQ, False]]
    row = result.deliveries.iloc[0]
    assert (row["channel"], row["target_type"], row["condition"], row["ok"], row["body"]) == (
        "dlq", "sqs", "ZeroReservedConcurrency", True, message.body)


def test_zero_reserved_concurrency_record_has_no_response_context():
    result = ls.run(orders(events("orders", {"id": 4}), ReservedConcurrentExecutions=0, on_failure=FAILED))
    request_id = result.events["event_id"][0]
    assert bodies(result, FAILED) == [{
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:00.000Z",
        "requestContext": {"requestId": request_id, "functionArn": f"{ORDERS}:$LATEST",
                           "condition": "ZeroReservedConcurrency", "approximateInvokeCount": 0},
        "requestPayload": {"id": 4},
    }]


def test_scenario_5_events_that_expire_unrun_send_event_age_exceeded_records():
    payloads = [{"id": i} for i in range(10)]
    result = ls.run(orders(events("orders", *payloads), ReservedConcurrentExecutions=1, duration=30.0,
                           max_age=60, on_failure=FAILED))
    ids = result.events["event_id"].tolist()
    assert result.events["fate"].tolist() == ["succeeded"] * 2 + ["event_age_exceeded"] * 8
    # Throttled at 0, 1, 3, 7, 15 and 31 s; the next backoff would end past 60 s, so they fail at 31 s.
    assert bodies(result, FAILED) == [{
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:31.000Z",
        "requestContext": {"requestId": ids[i], "functionArn": f"{ORDERS}:$LATEST",
                           "condition": "EventAgeExceeded", "approximateInvokeCount": 0},
        "requestPayload": {"id": i},
    } for i in range(2, 10)]
    assert [m.sent_at for m in result.target(FAILED).messages] == [31.0] * 8


@pytest.mark.parametrize("max_age, count, timestamp", [
    (60, 1, "2025-01-01T00:00:00.200Z"),
    (90, 2, "2025-01-01T00:01:00.400Z"),
])
def test_event_age_exceeded_after_runs_carries_the_last_error(max_age, count, timestamp):
    # Spec §17 (AWS-recorded): age 60 s gives approximateInvokeCount 1, age 90 s gives 2.
    result = ls.run(orders(events("orders", {"id": 5}), failures=ALWAYS_FAIL, max_age=max_age,
                           on_failure=FAILED))
    request_id = result.events["event_id"][0]
    expected = error_record(request_id, {"id": 5}, "EventAgeExceeded", count, timestamp)
    assert bodies(result, FAILED) == [expected]


def test_scenario_7_timeout_then_success_sends_a_success_record_with_count_2():
    cycle = {"dist": "cycle", "values_s": [5.0, 1.0]}
    config = function(on_success=SUCCEEDED, handler=lambda event, context: {"ok": True}, cold_start=0.25)
    config.update(Timeout=3, duration=cycle)
    result = ls.run(scenario({"orders": config}, events("orders", {"id": 7})))
    request_id = result.events["event_id"][0]
    # Attempt 1 times out at 3.25 s; the retry at 63.25 s is cold again and ends at 64.5 s.
    assert bodies(result, SUCCEEDED) == [{
        "version": "1.0",
        "timestamp": "2025-01-01T00:01:04.500Z",
        "requestContext": {"requestId": request_id, "functionArn": f"{ORDERS}:$LATEST",
                           "condition": "Success", "approximateInvokeCount": 2},
        "requestPayload": {"id": 7},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"ok": True},
    }]


def test_success_without_a_handler_has_a_null_response_payload():
    result = ls.run(orders(events("orders", {"id": 1}), on_success=SUCCEEDED, on_failure=FAILED))
    (record,) = bodies(result, SUCCEEDED)
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] is None
    assert result.deliveries[["channel", "target_arn"]].values.tolist() == [["on_success", SUCCEEDED]]


# -- dead-letter queue and on-failure together (docs/aws-behaviour.md §7) ----------------------------------


def test_dlq_and_on_failure_destination_both_receive_a_failed_event():
    result = ls.run(orders(events("orders", {"id": 8}), failures=ALWAYS_FAIL, retries=0, on_failure=FAILED,
                           dlq=DLQ))
    request_id = result.events["event_id"][0]
    assert bodies(result, FAILED) == [error_record(request_id, {"id": 8}, "RetriesExhausted", 1,
                                                   "2025-01-01T00:00:00.200Z")]
    (message,) = result.target(DLQ).messages
    assert message.json() == {"id": 8}
    assert message.attributes == {
        "RequestID": {"DataType": "String", "StringValue": request_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "card declined"},
    }
    assert result.deliveries[["channel", "target_arn", "condition", "ok"]].values.tolist() == [
        ["on_failure", FAILED, "RetriesExhausted", True],
        ["dlq", DLQ, "RetriesExhausted", True],
    ]
    assert result.events[["on_failure", "dlq", "lost"]].values.tolist() == [[FAILED, DLQ, False]]


def test_dlq_error_message_is_truncated_to_1024_characters():
    text = "".join(f"{i:05d}|" for i in range(400))  # 2,400 characters, each position distinct
    result = ls.run(orders(events("orders", {"id": 9}), retries=0, on_failure=FAILED, dlq=DLQ,
                           failures={**ALWAYS_FAIL, "error_message": text}))
    (message,) = result.target(DLQ).messages
    assert message.attributes["ErrorMessage"] == {"DataType": "String", "StringValue": text[:1024]}
    # The destination's record keeps the whole message.
    assert bodies(result, FAILED)[0]["responsePayload"]["errorMessage"] == text


def test_dlq_without_on_failure_gets_expired_events_with_error_code_429():
    result = ls.run(orders(events("orders", {"id": 1}, {"id": 2}), ReservedConcurrentExecutions=1,
                           duration=100.0, max_age=60, dlq=DLQ))
    messages = result.target(DLQ).messages
    assert [m.json() for m in messages] == [{"id": 2}]
    assert messages[0].attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "429"}
    assert messages[0].attributes["ErrorMessage"] == {"DataType": "String", "StringValue": "EventAgeExceeded"}


# -- delivery failures (issue 3, item 5) -------------------------------------------------------------


def test_fifo_queue_as_on_failure_fails_delivery_and_the_event_is_lost():
    fifo = sqs("orders-failed.fifo")
    result = ls.run(orders(events("orders", {"id": 1}), failures=ALWAYS_FAIL, retries=0, on_failure=fifo))
    columns = ["channel", "target_type", "target_arn", "ok", "failure_reason"]
    assert result.deliveries[columns].values.tolist() == [
        ["on_failure", "sqs", fifo, False, "FifoTargetNotSupported"]]
    assert result.target(fifo).messages == []
    assert result.events[["on_failure", "lost"]].values.tolist() == [[fifo, True]]


def test_fifo_on_failure_with_a_working_dlq_does_not_lose_the_event():
    fifo = sns("orders-failed.fifo")
    result = ls.run(orders(events("orders", {"id": 1}), failures=ALWAYS_FAIL, retries=0, on_failure=fifo,
                           dlq=DLQ))
    assert result.deliveries[["channel", "ok", "failure_reason"]].values.tolist() == [
        ["on_failure", False, "FifoTargetNotSupported"], ["dlq", True, ""]]
    assert result.events["lost"].tolist() == [False]
    assert len(result.target(DLQ).messages) == 1


def test_failed_dlq_delivery_has_a_dlq_row_and_the_event_is_lost():
    fifo_dlq = sqs("orders-dlq.fifo")
    result = ls.run(orders(events("orders", {"id": 1}), failures=ALWAYS_FAIL, retries=0, dlq=fifo_dlq))
    assert result.deliveries[["channel", "target_type", "target_arn", "condition", "ok", "failure_reason"]
                             ].values.tolist() == [
        ["dlq", "sqs", fifo_dlq, "RetriesExhausted", False, "FifoTargetNotSupported"]]
    assert result.events[["dlq", "lost"]].values.tolist() == [[fifo_dlq, True]]


def test_sns_destination_refuses_a_record_over_256_kb():
    topic = sns("orders-ok")
    big = {"id": 1, "blob": "x" * 300_000}
    result = ls.run(orders(events("orders", big, {"id": 2}), on_success=topic))
    rows = result.deliveries
    assert rows["ok"].tolist() == [False, True]
    size = len(str(rows["body"][0]).encode())
    assert size > 300_000
    assert rows["failure_reason"].tolist() == [f"MessageTooLarge ({size} > 262144 bytes)", ""]
    assert [json.loads(m.body)["requestPayload"] for m in result.target(topic).messages] == [{"id": 2}]
    # A succeeded event is never lost, even when its record could not be delivered.
    assert result.events["lost"].tolist() == [False, False]


def test_sqs_destination_takes_the_same_300_kb_record():
    big = {"id": 1, "blob": "x" * 300_000}
    result = ls.run(orders(events("orders", big), on_success=SUCCEEDED))
    assert result.deliveries["ok"].tolist() == [True]
    assert bodies(result, SUCCEEDED)[0]["requestPayload"] == big


def test_unavailable_target_fails_deliveries_only_inside_its_window():
    payloads = [(t, {"at": t}) for t in (10.0, 49.5, 50.0, 120.0, 199.5, 200.0, 250.0)]
    config = {"orders": function(failures=ALWAYS_FAIL, retries=0, duration=0.0, on_failure=FAILED)}
    result = ls.run(scenario(config, events("orders", *payloads),
                             targets={FAILED: {"unavailable": [{"start_s": 50, "end_s": 200}]}}))
    rows = result.deliveries
    assert rows["at"].tolist() == [t for t, _ in payloads]
    assert rows["ok"].tolist() == [True, True, False, False, False, True, True]
    assert rows["failure_reason"].tolist() == ["", "", "TargetUnavailable", "TargetUnavailable",
                                               "TargetUnavailable", "", ""]
    assert [m.json()["requestPayload"]["at"] for m in result.target(FAILED).messages] == [
        10.0, 49.5, 200.0, 250.0]
    assert result.events["lost"].tolist() == [False, False, True, True, True, False, False]


# -- SNS fan-out, EventBridge, S3 (docs/aws-behaviour.md §6) ------------------------------------------------


@pytest.mark.parametrize("raw", [False, True])
def test_sns_topic_fans_out_to_two_subscribed_queues(raw):
    topic, first, second = sns("orders-failed"), sqs("audit"), sqs("alerts")
    config = {"orders": function(failures=ALWAYS_FAIL, retries=0, on_failure=topic)}
    behaviour = {"subscriptions": [first, second], "raw_message_delivery": raw}
    result = ls.run(scenario(config, events("orders", {"id": 1}), targets={topic: behaviour}))
    request_id = result.events["event_id"][0]
    record = error_record(request_id, {"id": 1}, "RetriesExhausted", 1, "2025-01-01T00:00:00.200Z")
    (published,) = result.target(topic).messages
    assert published.json() == record
    for queue in (first, second):
        (message,) = result.target(queue).messages
        if raw:
            assert message.json() == record
            assert message.body == published.body
        else:
            envelope = message.json()
            assert json.loads(envelope.pop("Message")) == record
            assert envelope == {"Type": "Notification", "MessageId": published.message_id, "TopicArn": topic,
                                "Timestamp": "2025-01-01T00:00:00.200Z", "MessageAttributes": {}}
    assert result.target(first).messages[0].message_id != result.target(second).messages[0].message_id
    # One delivery row (to the topic); the fan-out is the topic's own business.
    assert result.deliveries[["target_type", "target_arn", "ok"]].values.tolist() == [["sns", topic, True]]


def test_fan_out_to_functions_runs_every_subscriber_when_one_fails_at_once():
    topic = sns("orders-ok")
    functions = {"orders": function(on_success=topic), "B": function(ReservedConcurrentExecutions=0),
                 "C": function()}
    behaviour = {"subscriptions": [lambda_arn("B"), lambda_arn("C")]}
    result = ls.run(scenario(functions, events("orders", {"id": 1}), targets={topic: behaviour}))
    assert result.events[["function", "fate"]].values.tolist() == [
        ["orders", "succeeded"], ["B", "zero_reserved_concurrency"], ["C", "succeeded"]]
    assert result.stats["pending"] == 0


@pytest.mark.parametrize("fails, outcome", [(True, "Failure"), (False, "Success")])
def test_eventbridge_bus_receives_the_record_as_detail(fails, outcome):
    default_bus = bus("default")
    config = function(retries=0, on_success=default_bus, on_failure=default_bus)
    if fails:
        config["failures"] = ALWAYS_FAIL
    result = ls.run(scenario({"orders": config}, events("orders", {"id": 1})))
    request_id = result.events["event_id"][0]
    (message,) = result.target(default_bus).messages
    event = message.json()
    detail = event.pop("detail")
    assert isinstance(event.pop("id"), str)
    assert event == {
        "version": "0",
        "detail-type": f"Lambda Function Invocation Result - {outcome}",
        "source": "lambda",
        "account": "123456789012",
        "time": "2025-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [default_bus, f"{ORDERS}:$LATEST"],  # the bus first, as AWS sends it
    }
    if fails:
        assert detail == error_record(request_id, {"id": 1}, "RetriesExhausted", 1,
                                      "2025-01-01T00:00:00.200Z")
    else:
        assert detail["requestContext"]["condition"] == "Success"
        assert detail["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert result.deliveries["target_type"].tolist() == ["eventbridge"]


def test_s3_on_failure_writes_an_object_under_the_documented_key():
    bucket = "arn:aws:s3:::orders-failures"
    config = function(failures=ALWAYS_FAIL, cold_start=0.25, on_failure=bucket)
    sim = ls.Simulation(scenario({"orders": config}, start_time="2024-12-31T23:59:00Z"))
    request_id = sim.invoke("orders", {"id": 1})
    result = sim.run().result()
    (obj,) = result.target(bucket).messages
    # Resolved at 180.85 s: 2024-12-31T23:59:00 + 3:00.85 = 2025-01-01T00:02:00.850.
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
    key = obj.attributes["Key"]
    assert re.fullmatch(rf"aws/lambda/async/orders/2025/01/01/2025-01-01T00\.02\.00-{uuid}", key)
    assert obj.json() == error_record(request_id, {"id": 1}, "RetriesExhausted", 3,
                                      "2025-01-01T00:02:00.850Z")
    assert result.deliveries[["channel", "target_type", "ok"]].values.tolist() == [["on_failure", "s3", True]]


# -- recursive-loop detection (docs/aws-behaviour.md §15, §18 example 8) ----------------------------------


def test_recursion_through_an_sns_topic_is_stopped_after_16_invocations():
    # A -(OnSuccess, Lambda)-> B -(OnSuccess, SNS)-> topic -(subscription)-> A -> ...
    topic, stopped = sns("orders-loop"), sqs("orders-stopped")
    functions = {"A": function(on_success=lambda_arn("B"), on_failure=stopped, dlq=DLQ),
                 "B": function(on_success=topic)}
    result = ls.run(scenario(functions, events("A", {"id": 1}),
                             targets={topic: {"subscriptions": [lambda_arn("A")]}}))
    events_ = result.events
    assert events_["function"].tolist() == ["A", "B"] * 8 + ["A"]
    assert (result.attempts["kind"] == "invoke").sum() == 16
    assert events_["fate"].tolist() == ["succeeded"] * 16 + ["recursion_stopped"]
    assert events_["enqueued_at"].tolist() == pytest.approx([0.2 * i for i in range(16)] + [3.2])
    assert len(result.target(topic).messages) == 8
    stopped_id = events_["event_id"][16]
    (record,) = bodies(result, stopped)
    payload = record.pop("requestPayload")
    assert record == {
        "version": "1.0",
        "timestamp": "2025-01-01T00:00:03.200Z",
        "requestContext": {"requestId": stopped_id, "functionArn": f"{lambda_arn('A')}:$LATEST",
                           "condition": "RecursiveInvocationException", "approximateInvokeCount": 0},
    }
    # The stopped invocation's payload is the SNS event carrying B's 8th success record.
    (sns_record,) = payload["Records"]
    assert sns_record["EventSource"] == "aws:sns"
    assert sns_record["Sns"]["TopicArn"] == topic
    assert json.loads(sns_record["Sns"]["Message"])["requestContext"]["requestId"] == events_["event_id"][15]
    (dead,) = result.target(DLQ).messages
    assert dead.json() == payload
    assert dead.attributes == {
        "RequestID": {"DataType": "String", "StringValue": stopped_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "400"},
        "ErrorMessage": {"DataType": "String", "StringValue": "RecursiveInvocationException"},
    }
    assert events_[["on_failure", "dlq", "lost"]].values.tolist()[16] == [stopped, DLQ, False]
    rows = result.deliveries[result.deliveries["event_id"] == stopped_id]
    assert rows[["channel", "condition", "ok"]].values.tolist() == [
        ["on_failure", "RecursiveInvocationException", True], ["dlq", "RecursiveInvocationException", True]]


def test_recursion_through_lambda_destinations_a_b_a_is_stopped_after_16_invocations():
    functions = {"A": function(on_success=lambda_arn("B"), on_failure=FAILED),
                 "B": function(on_success=lambda_arn("A"))}
    result = ls.run(scenario(functions, events("A", {"id": 1})))
    events_ = result.events
    assert events_["function"].tolist() == ["A", "B"] * 8 + ["A"]
    assert events_["fate"].tolist() == ["succeeded"] * 16 + ["recursion_stopped"]
    assert (result.attempts["kind"] == "invoke").sum() == 16
    (record,) = bodies(result, FAILED)
    assert record["requestContext"] == {
        "requestId": events_["event_id"][16], "functionArn": f"{lambda_arn('A')}:$LATEST",
        "condition": "RecursiveInvocationException", "approximateInvokeCount": 0}
    assert record["requestPayload"]["requestContext"]["requestId"] == events_["event_id"][15]
    assert "responseContext" not in record
    assert result.events["lost"].tolist() == [False] * 17


def test_a_self_publishing_sns_loop_outgrows_the_256_kb_limit_before_loop_detection():
    # Each hop nests the previous record as an escaped string in the SNS notification, so the record
    # roughly doubles per hop: the 13th success record no longer fits in an SNS message.
    topic = sns("orders-loop")
    result = ls.run(scenario({"orders": function(on_success=topic)}, events("orders", {"id": 1}),
                             targets={topic: {"subscriptions": [ORDERS]}}))
    assert result.fates() == {"succeeded": 13}
    rows = result.deliveries
    assert rows["ok"].tolist() == [True] * 12 + [False]
    assert rows["failure_reason"].iloc[-1].startswith("MessageTooLarge (")
    assert len(result.target(topic).messages) == 12


def test_recursion_allowed_keeps_the_chain_going_past_16():
    functions = {"A": function(on_success=lambda_arn("B"), duration=0.25, RecursiveLoop="Allow"),
                 "B": function(on_success=lambda_arn("A"), duration=0.25, RecursiveLoop="Allow")}
    result = ls.run(scenario(functions, events("A", {"id": 1}), horizon_s=10.1))
    # One invocation every 0.25 s: 41 start by 10.0 s, the last still running at the horizon.
    assert (result.attempts["kind"] == "invoke").sum() == 41
    assert result.fates() == {"succeeded": 40, "pending": 1}
    assert result.events["function"].tolist() == ["A", "B"] * 20 + ["A"]
    assert result.stats["stopped_by"] == "horizon"


# -- inspecting targets and the deliveries table (issue 3, item 7) ---------------------------------------


def test_target_messages_and_drain():
    sim = ls.Simulation(orders(failures=ALWAYS_FAIL, retries=0, on_failure=FAILED))
    first = sim.invoke("orders", {"id": 1})
    second = sim.invoke("orders", {"id": 2})
    sim.run()
    queue = sim.target(FAILED)
    assert [m.event_id for m in queue.messages] == [first, second]
    drained = queue.drain()
    assert [m.json()["requestPayload"] for m in drained] == [{"id": 1}, {"id": 2}]
    assert queue.messages == [] and sim.result().target(FAILED).messages == []
    third = sim.invoke("orders", {"id": 3})
    sim.run()
    assert [m.event_id for m in sim.target(FAILED).messages] == [third]
    assert len(drained) == 2 and drained[0].message_id != drained[1].message_id
    with pytest.raises(KeyError):
        sim.result().target(sqs("never-used"))


def test_every_routed_channel_has_exactly_one_delivery_row():
    topic = sns("orders-failed")
    functions = {"orders": function(on_success=SUCCEEDED, on_failure=topic, dlq=DLQ, retries=0,
                                    failures={"poison_payloads": [{"poison": True}]})}
    payloads = [{"id": i, "poison": i % 3 == 0} for i in range(9)]
    result = ls.run(scenario(functions, events("orders", *payloads),
                             targets={topic: {"unavailable": [{"start_s": 0, "end_s": 1}]}}))
    events_, rows = result.events, result.deliveries
    routed = sum((events_[column] != "").sum() for column in ("on_success", "on_failure", "dlq"))
    assert routed == 6 + 3 * 2
    assert len(rows) == routed
    assert rows["channel"].value_counts().to_dict() == {"on_success": 6, "on_failure": 3, "dlq": 3}
    assert set(rows["event_id"]) == set(events_["event_id"])
    # The topic is down: the three on-failure rows failed, the DLQ still got each event.
    assert rows.loc[rows["channel"] == "on_failure", "ok"].tolist() == [False] * 3
    assert rows.loc[rows["channel"] != "on_failure", "ok"].all()
    assert not events_["lost"].any()
    assert len(result.target(SUCCEEDED).messages) == 6 and len(result.target(DLQ).messages) == 3


LOOP = "arn:aws:lambda:us-east-1:123456789012:function:"


def test_a_loop_of_on_failure_destinations_ends_at_the_stopped_invocation():
    # A fails into B, B fails into A. The 17th invocation is stopped; its record would start the next
    # hop of the same loop, so that delivery fails instead of looping on (AWS: "also stopped").
    functions = {name: {"failures": ALWAYS_FAIL,
                        "EventInvokeConfig": {"MaximumRetryAttempts": 0, "DestinationConfig": {
                            "OnFailure": {"Destination": LOOP + other}}}}
                 for name, other in (("A", "B"), ("B", "A"))}
    result = ls.run(ls.Scenario.from_dict({"functions": functions, "workloads": [
        {"function": "A", "arrivals": "events", "events": [{"at_s": 0}]}]}))
    assert result.fates() == {"retries_exhausted": 16, "recursion_stopped": 1}
    stopped = result.deliveries[result.deliveries["condition"] == "RecursiveInvocationException"]
    assert stopped[["ok", "failure_reason"]].values.tolist() == [[False, "RecursiveInvocationException"]]
    assert bool(result.events["lost"].iloc[-1]) is True


def test_immediate_failures_with_loop_detection_off_stop_at_the_nesting_guard():
    on_failure = {other: {"DestinationConfig": {"OnFailure": {"Destination": LOOP + other}}}
                  for other in "AB"}
    functions = {name: {"ReservedConcurrentExecutions": 0, "RecursiveLoop": "Allow",
                        "EventInvokeConfig": on_failure[other]}
                 for name, other in (("A", "B"), ("B", "A"))}
    result = ls.run(ls.Scenario.from_dict({"functions": functions, "workloads": [
        {"function": "A", "arrivals": "events", "events": [{"at_s": 0}]}]}))
    assert result.fates() == {"zero_reserved_concurrency": 65}
    # Rows are written as the nested routing unwinds: the innermost (refused) delivery comes first.
    assert result.deliveries["ok"].value_counts().to_dict() == {True: 64, False: 1}


# -- the ideal policy's FIFO when a Lambda destination feeds the same pool (issue 11, item 6) -------------


def test_ideal_dispatch_queues_a_destination_s_invocation_behind_the_events_already_waiting():
    """Account limit 1: a0 runs, a1 and a2 wait. Before: a0's record invoked b at t=1 and b took the
    freed slot ahead of a1 (waiting since t=0). FIFO: a1, a2, then the three b's in arrival order."""
    functions = {"a": function(duration=1.0, on_success=lambda_arn("b")), "b": function(duration=1.0)}
    result = ls.run(scenario(functions, events("a", {"id": 0}, {"id": 1}, {"id": 2}), dispatch="ideal",
                             account={"ConcurrentExecutions": 1}))
    order = result.events.reset_index()[["index", "event_id"]]
    runs = result.attempts.merge(order, on="event_id")
    assert runs[["index", "function", "enqueued_at", "dispatched_at"]].values.tolist() == [
        [0, "a", 0.0, 0.0], [1, "a", 0.0, 1.0], [2, "a", 0.0, 2.0],
        [3, "b", 1.0, 3.0], [4, "b", 2.0, 4.0], [5, "b", 3.0, 5.0]]
    assert set(result.attempts["kind"]) == {"invoke"}  # nothing throttled under ideal dispatch


def test_duplicate_delay_is_bounded_by_the_longest_event_age():
    """Before: any delay was accepted, though a copy due after 21,600 s can never be delivered."""
    def duplicated(delay_s):
        return scenario({"orders": function()}, events("orders", {"id": 1}),
                        queue={"duplicate_probability": 1.0, "duplicate_delay_s": delay_s})

    with pytest.raises(ls.InvalidParameterValueException) as caught:
        duplicated(21_601.0)
    assert str(caught.value) == ("queue.duplicate_delay_s: 21601.0 is not valid; allowed: a number from 0 to "
                                 "21600 (the longest MaximumEventAgeInSeconds)")
    assert duplicated(21_600.0).queue.duplicate_delay_s == 21_600.0
