"""What the engine delivers, byte for byte and second for second as AWS does (issue 10).

Defects 6 (the DLQ body is the payload as sent), 8 (the 6 MB response limit), 12 (EventBridge
``resources`` order), 13 (a Lambda ARN in another Region or account) and duplicate deliveries
under the event-age limit. Durations are constant, so every instant is exact.
"""

import hashlib
import json

import boto3
import pytest
from helpers import exact_queue

import lambdasim as ls
from lambdasim.aws.mock import mock_aws

PREFIX = "arn:aws:{}:us-east-1:123456789012:{}"
DLQ = PREFIX.format("sqs", "orders-dlq")
FAILED = PREFIX.format("sqs", "orders-failed")
SUCCEEDED = PREFIX.format("sqs", "orders-ok")
BUS = PREFIX.format("events", "event-bus/default")
ORDERS = PREFIX.format("lambda", "function:orders")
ALWAYS_FAIL = {"error_probability": 1.0, "error_type": "PaymentError", "error_message": "card declined"}


def function(*, on_success=None, on_failure=None, dlq=None, retries=None, max_age=None, duration=0.2,
             **extra):
    """One function in the scenario-file shape: constant durations, no cold start, timeout 900 s."""
    config = {"Timeout": 900, "duration": {"dist": "constant", "value_s": duration},
              "cold_start": {"dist": "constant", "value_s": 0.0}, **extra}
    invoke_config = {}
    if retries is not None:
        invoke_config["MaximumRetryAttempts"] = retries
    if max_age is not None:
        invoke_config["MaximumEventAgeInSeconds"] = max_age
    destinations = {side: {"Destination": arn} for side, arn in (("OnSuccess", on_success),
                                                                  ("OnFailure", on_failure)) if arn}
    if destinations:
        invoke_config["DestinationConfig"] = destinations
    if invoke_config:
        config["EventInvokeConfig"] = invoke_config
    if dlq is not None:
        config["DeadLetterConfig"] = {"TargetArn": dlq}
    return config


def scenario(functions, *workloads, **top):
    top["queue"] = exact_queue(top.get("queue"))  # jitter 0: the record timestamps below are exact
    return ls.Scenario.from_dict({"seed": 1, "functions": functions, "workloads": list(workloads), **top})


def events(name, *payloads, at_s=0.0):
    timed = [{"at_s": at_s, "payload": p} for p in payloads]
    return {"function": name, "arrivals": "events", "events": timed}


# -- 6. the DLQ body is the payload exactly as sent ------------------------------------------------------


def test_dlq_body_is_the_callers_bytes_with_aws_s_recorded_md5():
    """AWS's recording (LocalStack ``test_dead_letter_queue``): ``{"raise_error": 1}`` sent with
    ``json.dumps`` arrives with MD5OfBody ba08269cbd0ce515889bfba6593731e1, spaces and all."""
    sim = ls.Simulation(scenario({"orders": function(failures=ALWAYS_FAIL, retries=0, dlq=DLQ)}))
    with mock_aws(sim):
        client = boto3.client("lambda", region_name="us-east-1")
        client.invoke(FunctionName="orders", InvocationType="Event", Payload=json.dumps({"raise_error": 1}))
    (message,) = sim.run().target(DLQ).messages
    assert message.body == '{"raise_error": 1}'
    assert hashlib.md5(message.body.encode()).hexdigest() == "ba08269cbd0ce515889bfba6593731e1"


def test_dlq_body_keeps_any_layout_the_caller_chose_and_the_size_is_that_of_the_bytes():
    raw = b'{ "id" :1,\n  "note": "caf\\u00e9" }\n'
    sim = ls.Simulation(scenario({"orders": function(failures=ALWAYS_FAIL, retries=0, dlq=DLQ)}))
    sim.client().invoke(FunctionName="orders", InvocationType="Event", Payload=raw)
    result = sim.run().result()
    (message,) = result.target(DLQ).messages
    assert message.body.encode() == raw
    assert result.deliveries["body"].tolist() == [raw.decode()]
    assert result.events["payload_bytes"].tolist() == [len(raw)]


def test_a_scenario_payload_is_sent_as_json_dumps_gives_it():
    """The choice for a payload given as data: serialised once at acceptance, ``json.dumps(payload)``."""
    payload = {"id": 7, "items": ["book", "pen"]}
    config = function(failures=ALWAYS_FAIL, retries=0, dlq=DLQ, on_failure=FAILED)
    result = ls.run(scenario({"orders": config}, events("orders", payload)))
    (message,) = result.target(DLQ).messages
    assert message.body == '{"id": 7, "items": ["book", "pen"]}'
    assert result.events["payload_bytes"].tolist() == [len(message.body)]
    (record,) = result.target(FAILED).messages
    assert record.json()["requestPayload"] == payload


def test_a_lambda_destination_s_dlq_gets_the_record_bytes_it_was_sent():
    """B is invoked with the record as the destination sent it; B's DLQ receives those bytes."""
    b_arn = PREFIX.format("lambda", "function:B")
    b_dlq = PREFIX.format("sqs", "B-dlq")
    functions = {"orders": function(retries=0, on_success=b_arn),
                 "B": function(failures=ALWAYS_FAIL, retries=0, dlq=b_dlq)}
    result = ls.run(scenario(functions, events("orders", {"id": 1})))
    sent = result.deliveries.loc[result.deliveries["channel"] == "on_success", "body"].tolist()
    (message,) = result.target(b_dlq).messages
    assert [message.body] == sent
    assert json.loads(message.body)["requestPayload"] == {"id": 1}


# -- 12. EventBridge resources: the bus, then the function --------------------------------------------------


def test_eventbridge_event_lists_the_bus_arn_first_then_the_function_arn():
    result = ls.run(scenario({"orders": function(retries=0, on_success=BUS)}, events("orders", {"id": 1})))
    (message,) = result.target(BUS).messages
    assert message.json()["resources"] == [BUS, f"{ORDERS}:$LATEST"]


# -- 8. the 6 MB response limit ------------------------------------------------------------------------------

LIMIT = 6_291_456
TOO_LARGE = {"errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
             "errorType": "Function.ResponseSizeTooLarge"}


def returns_bytes(n):
    """A handler whose JSON response is exactly ``n`` bytes (a string: ``n - 2`` characters and quotes)."""
    def handler(event, context):
        return "x" * (n - 2)
    return handler


def test_a_response_over_6_mb_is_an_unhandled_error_with_aws_s_payload_sync():
    sim = ls.Simulation(scenario({"big": function(handler=returns_bytes(LIMIT + 1)),
                                  "fits": function(handler=returns_bytes(LIMIT))}))
    response = sim.client().invoke(FunctionName="big", Payload=b"{}")
    assert response["StatusCode"] == 200
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == TOO_LARGE
    fits = sim.client().invoke(FunctionName="fits", Payload=b"{}")
    assert "FunctionError" not in fits
    assert len(json.loads(fits["Payload"].read())) == LIMIT - 2


def test_a_response_over_6_mb_is_a_function_error_that_an_async_event_retries():
    config = function(handler=returns_bytes(LIMIT + 1), on_failure=FAILED)
    result = ls.run(scenario({"big": config}, events("big", {"id": 1})))
    attempts = result.attempts
    assert attempts["start_at"].tolist() == pytest.approx([0.0, 60.2, 180.4])
    assert attempts["outcome"].tolist() == ["error"] * 3
    assert attempts["error_type"].tolist() == ["Function.ResponseSizeTooLarge"] * 3
    (message,) = result.target(FAILED).messages
    record = message.json()
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}
    assert record["responsePayload"] == TOO_LARGE


# -- 13. a Lambda ARN in another Region or account --------------------------------------------------------


@pytest.mark.parametrize("arn", [
    "arn:aws:lambda:eu-west-1:123456789012:function:B",      # another Region
    "arn:aws:lambda:us-east-1:210987654321:function:B",      # another account
])
def test_a_lambda_destination_elsewhere_is_an_external_target_that_records_the_record(arn):
    """B here is not the B of another Region or account: that one records what it is sent."""
    functions = {"orders": function(retries=0, on_success=arn), "B": function()}
    result = ls.run(scenario(functions, events("orders", {"id": 1})))
    assert result.events["function"].tolist() == ["orders"]        # the local B never ran
    (message,) = result.target(arn).messages
    sent = result.deliveries[["channel", "target_type", "target_arn", "ok", "body"]].values.tolist()
    assert sent == [["on_success", "lambda", arn, True, message.body]]
    assert message.json()["requestContext"]["condition"] == "Success"
    assert result.target(arn).external


def test_a_self_loop_written_with_another_region_is_another_function_not_a_loop():
    """The self-destination check rightly passes (it is another function); nothing loops here."""
    elsewhere = "arn:aws:lambda:eu-west-1:123456789012:function:orders"
    sim = ls.Simulation(scenario({"orders": function()}))
    sim.client().put_function_event_invoke_config(
        FunctionName="orders", DestinationConfig={"OnSuccess": {"Destination": elsewhere}})
    sim.invoke("orders", {"id": 1})
    result = sim.run().result()
    assert len(result.events) == 1 and result.events["fate"].tolist() == ["succeeded"]
    assert len(result.target(elsewhere).messages) == 1


def test_an_sns_subscription_by_a_function_elsewhere_records_the_lambda_event():
    topic = PREFIX.format("sns", "orders-events")
    elsewhere = "arn:aws:lambda:eu-west-1:123456789012:function:orders"
    result = ls.run(scenario({"orders": function(retries=0, on_success=topic)}, events("orders", {"id": 1}),
                             targets={topic: {"subscriptions": [elsewhere]}}))
    assert len(result.events) == 1
    (message,) = result.target(elsewhere).messages
    (record,) = message.json()["Records"]
    assert record["EventSource"] == "aws:sns" and record["Sns"]["TopicArn"] == topic


def test_invoking_a_function_arn_of_another_region_is_not_the_local_function():
    sim = ls.Simulation(scenario({"orders": function()}))
    with pytest.raises(ls.ResourceNotFoundException):
        sim.invoke("arn:aws:lambda:eu-west-1:123456789012:function:orders", {"id": 1})
    assert sim.invoke("arn:aws:lambda:us-east-1:123456789012:function:orders", {"id": 1})


# -- duplicates: the event-age limit and routing -----------------------------------------------------------


def duplicated(delay_s, **config):
    return scenario({"orders": function(**config)}, events("orders", {"id": 1}),
                    queue={"duplicate_probability": 1.0, "duplicate_delay_s": delay_s})


def test_a_duplicate_due_after_the_event_age_limit_is_not_delivered():
    """Before: a duplicate started 5,000 s after its event's 60-s limit."""
    result = ls.run(duplicated(5000.0, max_age=60))
    assert result.attempts[["kind", "start_at"]].values.tolist() == [["invoke", 0.0]]
    assert result.events["fate"].tolist() == ["succeeded"]


def test_a_duplicate_due_within_the_event_age_limit_is_delivered_at_its_time():
    result = ls.run(duplicated(59.0, max_age=60))
    assert result.attempts[["kind", "attempt", "start_at", "end_at", "outcome"]].values.tolist() == [
        ["invoke", 1, 0.0, 0.2, "success"], ["duplicate", 1, 59.0, pytest.approx(59.2), "success"]]


def test_a_successful_duplicate_sends_its_own_success_record():
    result = ls.run(duplicated(0.5, on_success=SUCCEEDED))
    request_id = result.events["event_id"][0]
    messages = result.target(SUCCEEDED).messages
    assert [m.sent_at for m in messages] == pytest.approx([0.2, 0.7])
    assert [m.event_id for m in messages] == [request_id, request_id]
    records = [m.json() for m in messages]
    assert [r["timestamp"] for r in records] == ["2025-01-01T00:00:00.200Z", "2025-01-01T00:00:00.700Z"]
    for record in records:
        assert record["requestContext"] == {"requestId": request_id, "functionArn": f"{ORDERS}:$LATEST",
                                            "condition": "Success", "approximateInvokeCount": 1}
        assert record["requestPayload"] == {"id": 1}
        assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert result.deliveries["channel"].tolist() == ["on_success", "on_success"]
    assert result.events[["fate", "attempts", "on_success"]].values.tolist() == [["succeeded", 1, SUCCEEDED]]


def test_a_failed_duplicate_is_not_retried_and_sends_nothing():
    result = ls.run(duplicated(0.5, failures=ALWAYS_FAIL, retries=0, on_failure=FAILED, dlq=DLQ))
    rows = result.attempts[["kind", "outcome"]].values.tolist()
    assert rows == [["invoke", "error"], ["duplicate", "error"]]
    assert len(result.target(FAILED).messages) == 1 and len(result.target(DLQ).messages) == 1
    assert result.deliveries["at"].tolist() == pytest.approx([0.2, 0.2])


def test_rules_tell_a_local_function_arn_from_one_elsewhere():
    from lambdasim.model.rules import is_local_function

    def local(arn):
        return is_local_function(arn, "us-east-1", "123456789012")

    assert local("arn:aws:lambda:us-east-1:123456789012:function:B:live")
    assert not local("arn:aws:lambda:eu-west-1:123456789012:function:B")
    assert not local("arn:aws:lambda:us-east-1:210987654321:function:B")
