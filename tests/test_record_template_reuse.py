"""Plain records are encoded once per content (issue 13), yet each record holds its own event's values.

The router looks a record's template up by what the record holds (function, qualifier, condition,
attempt count, version, payload object, failure) instead of encoding the record per event. These
tests pin that records which differ in any of those still differ, field by field, and that records
which share them read exactly as the record built for that event.
"""

import json

import lambdasim as ls
from lambdasim.model.failures import Failure
from lambdasim.model.workloads import Events, ScheduledEvent

QUEUE = "arn:aws:sqs:us-east-1:123456789012:"


def _records(result, arn):
    return [json.loads(m.body) for m in result.target(arn).messages]


def test_records_of_events_with_equal_and_different_payloads_each_carry_their_own():
    """Two workloads share a payload's content but not its object; a third sends another payload."""
    same = {"order": 1}
    config = ls.EventInvokeConfig(maximum_retry_attempts=0,
                                  destination_config=ls.DestinationConfig(on_failure=QUEUE + "failed"))
    fn = ls.FunctionConfig(failures=ls.FailureModel(error_probability=1.0), event_invoke_config=config)
    scenario = ls.Scenario(functions={"f": fn}, workloads=(
        Events("f", tuple(ScheduledEvent(float(t), same) for t in range(3))),
        Events("f", (ScheduledEvent(3.5, {"order": 1}),)),
        Events("f", (ScheduledEvent(4.5, {"order": 2}), ScheduledEvent(5.5, None))),
    ))
    result = ls.run(scenario)
    records = _records(result, QUEUE + "failed")
    ids = result.events["event_id"].tolist()
    assert [r["requestPayload"] for r in records] == [{"order": 1}] * 4 + [{"order": 2}, {}]
    assert [r["requestContext"]["requestId"] for r in records] == ids
    assert [r["responsePayload"]["requestId"] for r in records] == ids  # the error object repeats it
    assert len({r["timestamp"] for r in records}) == 6


def test_records_differing_in_attempts_condition_or_error_are_not_shared():
    """Retries exhausted after 1 and 3 attempts, and an event that expired unrun, on one function."""
    queue = QUEUE + "failed"
    outage = ls.FailureModel(error_probability=1.0, outages=(ls.Outage(0.0, 1.0, "Down", "it is down"),))
    config = ls.EventInvokeConfig(maximum_retry_attempts=2,
                                  destination_config=ls.DestinationConfig(on_failure=queue))
    fn = ls.FunctionConfig(duration=ls.dists.Constant(0.1), failures=outage, event_invoke_config=config)
    once = ls.EventInvokeConfig(maximum_retry_attempts=0,
                                destination_config=ls.DestinationConfig(on_failure=queue))
    other = ls.FunctionConfig(duration=ls.dists.Constant(0.1), event_invoke_config=once,
                              failures=ls.FailureModel(error_probability=1.0, error_type="Other"))
    payload = {"same": True}
    scenario = ls.Scenario(functions={"f": fn, "g": other}, workloads=(
        Events("f", (ScheduledEvent(0.5, payload),)), Events("g", (ScheduledEvent(0.5, payload),))))
    records = {r["requestContext"]["functionArn"].split(":")[6]: r for r in _records(ls.run(scenario), queue)}
    f, g = records["f"], records["g"]
    assert f["requestContext"]["approximateInvokeCount"] == 3
    assert g["requestContext"]["approximateInvokeCount"] == 1
    # f's last attempt ran after the outage (its random error); g's error is of its own type
    assert f["responsePayload"]["errorType"] == "SimulatedError"
    assert g["responsePayload"]["errorType"] == "Other"
    assert f["requestContext"]["condition"] == g["requestContext"]["condition"] == "RetriesExhausted"
    assert f["requestPayload"] == g["requestPayload"] == payload


def test_a_shared_template_reads_as_the_record_encoded_for_that_event():
    """Every kept record's text equals the record built and encoded for its own event and time."""
    config = ls.EventInvokeConfig(maximum_retry_attempts=1,
                                  destination_config=ls.DestinationConfig(on_failure=QUEUE + "failed"))
    fn = ls.FunctionConfig(failures=ls.FailureModel(error_probability=0.5), event_invoke_config=config)
    arrivals = ls.workloads.Poisson("f", rate_per_s=5.0, end_s=20.0, payload={"k": "v"})
    scenario = ls.Scenario(functions={"f": fn}, seed=3, workloads=(arrivals,))
    result = ls.run(scenario)
    messages = result.target(QUEUE + "failed").messages
    assert len({id(m.template) for m in messages}) == 1 < len(messages)
    for message in messages:
        record = json.loads(message.body)
        assert record["requestContext"]["requestId"] == message.event_id
        assert record["responsePayload"]["requestId"] == message.event_id
        assert record["timestamp"] == message.template.timestamp(message.sent_at)
        assert message.body == json.dumps(record, separators=(",", ":"))


def test_a_random_error_is_one_shared_failure_of_the_models_type_and_message():
    model = ls.FailureModel(error_probability=1.0, error_type="Boom", error_message="it broke")
    assert model.random_error is model.random_error
    assert model.random_error == Failure("Boom", "it broke")
    assert ls.FailureModel.from_dict(model.to_dict()) == model  # the cached value is not a field


def test_records_of_one_function_differing_only_in_attempts_carry_their_own_count():
    """A 65-s event age with 60 s + 0-10 s jitter before the retry: some events expire after one
    attempt, others after two; all ``EventAgeExceeded`` records of one function and payload."""
    config = ls.EventInvokeConfig(maximum_event_age_s=65, maximum_retry_attempts=2,
                                  destination_config=ls.DestinationConfig(on_failure=QUEUE + "failed"))
    fn = ls.FunctionConfig(duration=ls.dists.Constant(0.1), failures=ls.FailureModel(error_probability=1.0),
                           event_invoke_config=config)
    arrivals = ls.workloads.Poisson("f", rate_per_s=2.0, end_s=30.0, payload={"k": "v"})
    result = ls.run(ls.Scenario(functions={"f": fn}, seed=5, workloads=(arrivals,)))
    records = _records(result, QUEUE + "failed")
    counts = {r["requestContext"]["requestId"]: r["requestContext"]["approximateInvokeCount"]
              for r in records}
    assert {r["requestContext"]["condition"] for r in records} == {"EventAgeExceeded"}
    assert set(counts.values()) == {1, 2}
    assert counts == dict(zip(result.events["event_id"], result.events["attempts"].astype(int), strict=True))
