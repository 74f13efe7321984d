"""A plain record delivered to a queue is one object: the message and its body (issue 11).

:class:`~lambdasim.engine.targets.RecordMessage` is a ``RecordText`` that is also the message a
queue keeps; these tests pin that it reads exactly as the fully encoded path's :class:`Message`
does (ids, body, time, attributes), that it is the very object the deliveries frame holds as the
body, and what it keeps per message.
"""

import gc
import pickle
import sys

import pytest
from helpers import exact_queue

import lambdasim as ls
from lambdasim.engine.targets import Message, RecordMessage
from lambdasim.records import bodies

PREFIX = "arn:aws:sqs:us-east-1:123456789012:"
OK, FAILED, DLQ = PREFIX + "ok", PREFIX + "failed", PREFIX + "dlq"


def scenario() -> ls.Scenario:
    return ls.Scenario.from_dict({
        "seed": 3,
        "queue": exact_queue(None),
        "functions": {"orders": {
            "Timeout": 900, "duration": {"dist": "constant", "value_s": 0.5},
            "failures": {"error_probability": 0.4},
            "DeadLetterConfig": {"TargetArn": DLQ},
            "EventInvokeConfig": {"MaximumRetryAttempts": 1, "DestinationConfig": {
                "OnSuccess": {"Destination": OK}, "OnFailure": {"Destination": FAILED}}}}},
        "workloads": [{"function": "orders", "arrivals": "poisson", "rate_per_s": 10, "end_s": 5,
                       "payload": {"id": 1}}],
    })


def seen(result, arn: str) -> list[tuple]:
    return [(m.message_id, m.event_id, m.sent_at, m.body, m.attributes, m.json())
            for m in result.target(arn).messages]


def test_a_record_message_reads_as_the_fully_encoded_message(monkeypatch):
    kept = ls.run(scenario())
    monkeypatch.setattr(bodies.RecordTemplates, "of", lambda self, text, ids: None)
    encoded = ls.run(scenario())
    for arn in (OK, FAILED):
        assert {type(m) for m in kept.target(arn).messages} == {RecordMessage}
        assert {type(m) for m in encoded.target(arn).messages} == {Message}
        assert seen(kept, arn) == seen(encoded, arn) and seen(kept, arn)
    # The DLQ's message is the raw event with attributes: still a Message.
    assert {type(m) for m in kept.target(DLQ).messages} == {Message}
    assert seen(kept, DLQ) == seen(encoded, DLQ)


def test_the_deliveries_frame_holds_the_message_itself_as_its_body():
    result = ls.run(scenario())
    rows = result.deliveries
    ok = rows[rows["target_arn"] == OK]
    messages = result.target(OK).messages
    assert len(ok) == len(messages) > 0
    assert all(body is message for body, message in zip(ok["body"], messages, strict=True))
    message = messages[0]
    record = message.json()
    assert record["requestContext"]["requestId"] == message.event_id
    assert record["requestContext"]["condition"] == "Success"
    assert message == message.body and message == message.body.encode() and len(message) == len(message.body)


def test_a_record_message_keeps_two_slots_and_one_int():
    message = ls.run(scenario()).target(OK).messages[0]
    assert not hasattr(message, "__dict__")
    assert sys.getsizeof(message) == sys.getsizeof(bodies.RecordText(message.template, 0, 0.0))
    held = [r for r in gc.get_referents(message) if not isinstance(r, type)]
    assert sorted(map(id, held)) == sorted(map(id, [message.template, message.key]))
    assert message.key >> 64 == message.number << 32 | message.index and sys.getsizeof(message.key) <= 40
    assert message.sent_at == message.at and message.attributes == {} and message._attributes is None


def test_record_messages_compare_by_identity_and_equal_their_text():
    messages = ls.run(scenario()).target(OK).messages
    twin = RecordMessage(messages[0].template, messages[0].index, messages[0].at, messages[0].number + 1)
    assert str(twin) == messages[0].body and twin == messages[0].body
    assert twin != messages[0] and hash(twin) != hash(messages[0])
    state = {messages[0]: "first"}
    assert state.get(twin) is None and state[messages[0]] == "first"


def test_a_record_message_pickles_as_itself():
    message = ls.run(scenario()).target(OK).messages[0]
    copy = pickle.loads(pickle.dumps(message))
    assert type(copy) is RecordMessage
    assert (copy.message_id, copy.event_id, copy.sent_at, copy.body) == \
        (message.message_id, message.event_id, message.sent_at, message.body)


@pytest.mark.parametrize("index", [-1, 2**32])
def test_a_record_text_index_out_of_range_is_refused(index):
    template = bodies.RecordTemplates(lambda i: "r", lambda at: "t").of(
        '{"r":"\\u0000lambdasim-request-id\\u0000","t":"\\u0000lambdasim-timestamp\\u0000"}', 1)
    with pytest.raises(ValueError, match=rf"^index: {index} is out of range; allowed: 0 to 4294967295$"):
        bodies.RecordText(template, index, 0.0)
    for at in (0.0, 1.5, 0.1 + 0.2, 9_999.999_999_9, 1e300, -0.0):
        text = bodies.RecordText(template, 2**32 - 1, at, number=7)
        assert (text.index, text.number, text.at) == (2**32 - 1, 7, at) and str(text.at) == str(at)


def test_a_shared_queue_ops_snapshot_stays_as_it_was_when_the_recorder_writes_more():
    from lambdasim.engine.model import Model
    from lambdasim.results.result import Result

    model = Model(scenario()).run()
    result = Result.of(model, copy=False)
    rows = result._queue_ops.args[0]
    assert rows.q_at is model.recorder.q_at and rows.q_message is model.recorder.q_message  # shared
    reference = Result.of(model).queue_ops  # from copied buffers, before the write
    model.recorder.queue_op(99.0, OK, 0, result.target(OK).messages[0], 1, 99.0)
    assert rows.q_at is not model.recorder.q_at and rows.q_message is not model.recorder.q_message
    assert len(model.recorder.q_message) == len(rows.q_message) + 1
    assert len(result.queue_ops) == len(reference) > 0 and result.queue_ops.equals(reference)
    assert len(Result.of(model).queue_ops) == len(reference) + 1


def test_dead_letter_attributes_are_kept_as_numbers_and_read_as_aws_sends_them():
    from lambdasim.engine.targets import DeadLetterAttributes

    result = ls.run(scenario())
    messages = result.target(DLQ).messages
    assert messages and {type(m._attributes) for m in messages} == {DeadLetterAttributes}
    message = messages[0]
    assert dict(message._attributes.items()) == {
        "RequestID": {"DataType": "String", "StringValue": message.event_id},
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "Simulated function error"},
    }
    assert len(message._attributes) == 3
    assert list(message._attributes) == ["RequestID", "ErrorCode", "ErrorMessage"]
    assert message._attributes["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}
    attributes = message.attributes  # a plain dict from the first read on, so a caller may change it
    assert type(attributes) is dict and message.attributes is attributes
    attributes["Extra"] = {"DataType": "String", "StringValue": "x"}
    assert "Extra" in message.attributes
