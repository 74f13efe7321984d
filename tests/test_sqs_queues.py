"""Exact timelines of the simulated SQS queues (docs/aws-behaviour.md §7): visibility,
redrive to a DLQ on the exact receive, retention, FIFO groups and deduplication, delay, message move
tasks over virtual time, the queue_ops rows and the queue metrics."""

from __future__ import annotations

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

import lambdasim as ls
from lambdasim.engine.targets import Message, Target
from lambdasim.model.queue_settings import queue_settings
from lambdasim.records import Recorder, RequestIds
from lambdasim.results.frames import queue_ops_frame
from lambdasim.results.queue_metrics import queue_metrics

ACCOUNT = "123456789012"
SRC = f"arn:aws:sqs:us-east-1:{ACCOUNT}:src"
DLQ = f"arn:aws:sqs:us-east-1:{ACCOUNT}:dlq"
FIFO = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs.fifo"


class Queues:
    """Standalone queues wired as a simulation wires them: one recorder, ARNs resolved among them."""

    def __init__(self, **attributes: dict) -> None:
        self.recorder = Recorder([], RequestIds(1))
        self.targets: dict[str, Target] = {}
        self.sent = 0
        for arn, given_attributes in attributes.items():
            self.add(arn, given_attributes)

    def add(self, arn: str, attributes: dict | None = None) -> Target:
        settings_ = queue_settings(attributes or {}, arn.endswith(".fifo"))
        target = Target(arn, {"queue": settings_})
        target.sqs.recorder = self.recorder
        target.sqs.resolve = lambda a: self.targets[a].sqs if a in self.targets else None
        self.targets[arn] = target
        return target

    def send(self, arn: str, now: float, body: str = "x", **kwargs) -> Message:
        self.sent += 1
        message = Message(f"m{self.sent}", body, None, now, "")
        return self.targets[arn].sqs.send(message, now, **kwargs)[0]

    def ops(self) -> list[tuple]:
        frame = queue_ops_frame(self.recorder)
        return [
            (row.at, row.queue.split(":")[-1], row.op, row.message_id, row.receive_count)
            for row in frame.itertuples()
        ]


def test_a_received_message_reappears_at_exactly_plus_the_visibility_timeout():
    q = Queues(**{SRC: {"VisibilityTimeout": "40"}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 0)
    assert [r.receive_count for r in sqs.receive(10, 10)] == [1]
    assert sqs.counts(49.999) == (0, 1)
    assert sqs.receive(49.999, 10) == []
    assert sqs.next_visible_at(20) == 50
    assert sqs.counts(50) == (1, 0)
    again = sqs.receive(50, 10, visibility_timeout_s=5)
    assert [(r.receive_count, r.first_received_at) for r in again] == [(2, 10)]
    assert q.ops() == [
        (0, "src", "send", "m1", 0),
        (10, "src", "receive", "m1", 1),
        (50, "src", "visible_again", "m1", 1),
        (50, "src", "receive", "m1", 2),
    ]


def test_only_the_latest_handle_deletes():
    q = Queues(**{SRC: {"VisibilityTimeout": "1"}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 0)
    old = sqs.receive(0, 1)[0].receipt_handle
    new = sqs.receive(2, 1)[0].receipt_handle
    assert sqs.delete(old, 3) is False and len(q.targets[SRC].messages) == 1
    assert sqs.delete(new, 3) is True and q.targets[SRC].messages == []
    assert q.ops()[-1] == (3, "src", "delete", "m1", 2)


def test_the_receive_that_would_exceed_max_receive_count_moves_the_message_to_the_dlq():
    policy = {"deadLetterTargetArn": DLQ, "maxReceiveCount": 2}
    q = Queues(**{SRC: {"VisibilityTimeout": "30", "RedrivePolicy": policy}, DLQ: {}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 0)
    assert [r.receive_count for r in sqs.receive(0, 1)] == [1]
    assert [r.receive_count for r in sqs.receive(30, 1)] == [2]  # received maxReceiveCount times
    assert sqs.receive(60, 1) == []  # the third receive moves it instead
    assert [m.message_id for m in q.targets[DLQ].messages] == ["m1"]
    assert q.ops()[-2:] == [(60, "src", "dead_letter", "m1", 2), (60, "dlq", "dead_lettered", "m1", 0)]
    assert q.targets[DLQ].sqs.counts(60) == (1, 0)


def test_retention_removes_a_message_at_exactly_its_age_and_counts_it():
    q = Queues(**{SRC: {"MessageRetentionPeriod": "60"}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 5)
    assert sqs.counts(64.999) == (1, 0)
    assert sqs.counts(65) == (0, 0)
    assert q.ops() == [(5, "src", "send", "m1", 0), (65, "src", "retention_expired", "m1", 0)]


def test_retention_in_the_dlq_counts_from_the_first_enqueue():
    policy = {"deadLetterTargetArn": DLQ, "maxReceiveCount": 1}
    q = Queues(
        **{SRC: {"VisibilityTimeout": "10", "RedrivePolicy": policy}, DLQ: {"MessageRetentionPeriod": "60"}}
    )
    q.send(SRC, 0)
    q.targets[SRC].sqs.receive(0, 1)
    q.targets[SRC].sqs.receive(10, 1)  # -> DLQ at 10
    assert q.targets[DLQ].sqs.counts(59) == (1, 0)
    assert q.targets[DLQ].sqs.counts(60) == (0, 0)  # 60 s after it was first sent, not after its move
    assert q.ops()[-1] == (60, "dlq", "retention_expired", "m1", 0)


def test_delay_hides_a_new_message_until_exactly_delay_seconds_later():
    q = Queues(**{SRC: {"DelaySeconds": "15"}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 0)
    q.send(SRC, 0, delay_s=3)  # the message's own delay wins over the queue's
    assert sqs.counts3(2) == (0, 0, 2)
    assert [r.message.message_id for r in sqs.receive(3, 10)] == ["m2"]
    assert sqs.receive(14.9, 10) == [] and sqs.next_visible_at(5) == 15
    assert [r.message.message_id for r in sqs.receive(15, 10)] == ["m1"]


def test_fifo_blocks_a_group_while_an_earlier_message_is_in_flight():
    q = Queues(
        **{FIFO: {"FifoQueue": "true", "ContentBasedDeduplication": "true", "VisibilityTimeout": "30"}}
    )
    sqs = q.targets[FIFO].sqs
    for body, group in (("a1", "a"), ("a2", "a"), ("b1", "b")):
        q.send(FIFO, 0, body=body, group_id=group)
    first = sqs.receive(0, 1)
    assert [r.message.body for r in first] == ["a1"]
    assert [r.message.body for r in sqs.receive(1, 10)] == ["b1"]  # group a waits for a1
    assert [r.sequence_number for r in first] == ["00000000000000000001"]
    assert sqs.delete(first[0].receipt_handle, 2)
    assert [r.message.body for r in sqs.receive(2, 10)] == ["a2"]


def test_fifo_drops_a_duplicate_within_five_minutes_and_accepts_it_after():
    q = Queues(**{FIFO: {"FifoQueue": "true"}})
    first = q.send(FIFO, 0, group_id="g", deduplication_id="d")
    assert q.send(FIFO, 299.9, group_id="g", deduplication_id="d") is first  # the sender gets the first id
    assert len(q.targets[FIFO].messages) == 1
    q.send(FIFO, 300, group_id="g", deduplication_id="d")
    assert len(q.targets[FIFO].messages) == 2
    assert [op for *_, op, _, _ in q.ops()] == ["send", "deduplicated", "send"]


def test_content_based_dedup_hashes_the_body():
    q = Queues(**{FIFO: {"FifoQueue": "true", "ContentBasedDeduplication": "true"}})
    q.send(FIFO, 0, body="same", group_id="g")
    q.send(FIFO, 1, body="same", group_id="h")
    q.send(FIFO, 2, body="other", group_id="g")
    assert [m.body for m in q.targets[FIFO].messages] == ["same", "other"]


def test_a_move_task_moves_back_at_max_messages_per_second_over_virtual_time():
    policy = {"deadLetterTargetArn": DLQ, "maxReceiveCount": 1}
    q = Queues(**{SRC: {"VisibilityTimeout": "10", "RedrivePolicy": policy}, DLQ: {}})
    src, dlq = q.targets[SRC].sqs, q.targets[DLQ].sqs
    for _ in range(5):
        q.send(SRC, 0)
    src.receive(0, 10)
    src.receive(10, 10)  # all five to the DLQ at 10
    task = dlq.start_move(100, None, 2, 500)  # 2 a second: at 100, 100.5, 101, 101.5, 102
    assert task.moved == 1 and len(q.targets[SRC].messages) == 1
    assert src.next_visible_at(100.1) == 100.1  # the moved one is there to receive
    assert dlq.counts(101.4)[0] == 2 and task.moved == 3
    assert src.counts(102)[0] == 5 and task.status == "COMPLETED"
    moves = [(at, op) for at, queue, op, _, _ in q.ops() if op == "moved_in"]
    assert moves == [
        (100, "moved_in"),
        (100.5, "moved_in"),
        (101, "moved_in"),
        (101.5, "moved_in"),
        (102, "moved_in"),
    ]


def test_a_cancelled_move_task_stops_where_it_was():
    policy = {"deadLetterTargetArn": DLQ, "maxReceiveCount": 1}
    q = Queues(**{SRC: {"VisibilityTimeout": "1", "RedrivePolicy": policy}, DLQ: {}})
    for _ in range(4):
        q.send(SRC, 0)
    q.targets[SRC].sqs.receive(0, 10)
    q.targets[SRC].sqs.receive(1, 10)
    dlq = q.targets[DLQ].sqs
    task = dlq.start_move(10, q.targets[SRC].sqs, 1, 500)
    assert dlq.cancel_move(task.handle, 11.5) is task
    assert (task.status, task.moved) == ("CANCELLED", 2)
    assert dlq.counts(100) == (2, 0)


def test_change_visibility_zero_makes_it_visible_and_calls_on_available():
    q = Queues(**{SRC: {}})
    sqs = q.targets[SRC].sqs
    calls = []
    sqs.on_available.append(lambda: calls.append(True))
    q.send(SRC, 0)
    handle = sqs.receive(0, 1)[0].receipt_handle
    assert sqs.change_visibility(handle, 0, 5) == "ok"
    assert sqs.counts(5) == (1, 0) and len(calls) == 2  # the send, then the change to 0
    assert sqs.change_visibility(handle, 10, 6) == "not_in_flight"
    assert sqs.change_visibility("nope", 10, 6) == "invalid"
    newer = sqs.receive(6, 1)[0].receipt_handle
    assert sqs.change_visibility(handle, 10, 7) == "gone"
    assert sqs.change_visibility(newer, 100, 7) == "ok" and sqs.next_visible_at(7) == 107


def test_queue_metrics_per_period():
    q = Queues(**{SRC: {"VisibilityTimeout": "60"}})
    sqs = q.targets[SRC].sqs
    q.send(SRC, 0)
    q.send(SRC, 10)
    received = sqs.receive(20, 1)
    sqs.delete(received[0].receipt_handle, 70)
    frame = queue_metrics(queue_ops_frame(q.recorder), 60, until=120)
    table = frame.pivot_table(index="period_start", columns="metric", values="value", observed=True)
    assert table.loc[0, "NumberOfMessagesSent"] == 2 and table.loc[0, "NumberOfMessagesReceived"] == 1
    assert table.loc[0, "ApproximateNumberOfMessagesVisible"] == 1  # at 60: m2 visible, m1 in flight
    assert table.loc[0, "ApproximateNumberOfMessagesNotVisible"] == 1
    assert table.loc[0, "ApproximateAgeOfOldestMessage"] == 60
    assert table.loc[60, "NumberOfMessagesDeleted"] == 1
    assert table.loc[60, "ApproximateAgeOfOldestMessage"] == 110  # m2, sent at 10, at 120


def test_a_run_records_dlq_deliveries_as_sends_in_queue_ops():
    result = ls.run(ls.Scenario.from_yaml("data/scenarios/retries.yaml"))
    sends = result.queue_ops.query("op == 'send'")
    assert len(sends) == len(result.deliveries.query("ok and target_type == 'sqs'"))
    assert list(sends["at"]) == sorted(result.deliveries.query("ok and target_type == 'sqs'")["at"])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["send", "receive", "delete", "wait", "move"]), st.integers(0, 3)),
        max_size=40,
    )
)
def test_every_message_ends_somewhere_and_only_once(steps):
    """Nothing lost, nothing duplicated: each sent message ends deleted, expired by retention, in a
    DLQ, or still in a queue when the run stops (at-least-once: it may be received more than once)."""
    policy = {"deadLetterTargetArn": DLQ, "maxReceiveCount": 2}
    q = Queues(
        **{
            SRC: {"VisibilityTimeout": "5", "MessageRetentionPeriod": "60", "RedrivePolicy": policy},
            DLQ: {"MessageRetentionPeriod": "120"},
        }
    )
    src, dlq = q.targets[SRC].sqs, q.targets[DLQ].sqs
    now, handles, sent = 0.0, [], 0
    for action, n in steps:
        if action == "send":
            q.send(SRC, now)
            sent += 1
        elif action == "receive":
            handles += [r.receipt_handle for r in src.receive(now, n + 1)]
        elif action == "delete" and handles:
            src.delete(handles.pop(n % len(handles)), now)
        elif action == "wait":
            now += 3 * n + 1
        elif action == "move" and not any(t.status == "RUNNING" for t in dlq.tasks) and dlq.counts(now)[0]:
            dlq.start_move(now, None, n + 1, 500)
    now += 1_000
    src.advance(now)
    dlq.advance(now)
    ops = queue_ops_frame(q.recorder)
    ends = ops[ops["op"].isin(["delete", "retention_expired", "purged"])]
    assert ends["message_id"].is_unique
    left = {m.message_id for t in (q.targets[SRC], q.targets[DLQ]) for m in t.messages}
    assert left.isdisjoint(ends["message_id"]) and len(left) + len(ends) == sent
    assert sum(len(t.messages) for t in q.targets.values()) == len(left)


# -- queues declared in a scenario -------------------------------------------------------------------


def scenario_with(attributes: dict, **more) -> ls.Scenario:
    return ls.Scenario.from_dict(
        {"functions": {"f": {}}, "targets": {SRC: {"Attributes": attributes}}, **more}
    )


def test_scenario_queue_attributes_round_trip_and_reach_the_queue():
    policy = f'{{"deadLetterTargetArn":"{DLQ}","maxReceiveCount":3}}'
    scenario = scenario_with({"VisibilityTimeout": "60", "RedrivePolicy": policy, "DelaySeconds": 5})
    assert ls.Scenario.from_dict(scenario.to_dict()).to_dict()["targets"] == scenario.to_dict()["targets"]
    queue = ls.Simulation(scenario).destinations.targets[SRC].sqs
    assert (queue.settings.visibility_timeout_s, queue.settings.redrive, queue.settings.delay_s) == (
        60,
        (DLQ, 3),
        5,
    )
    assert queue.settings.attributes()["RedrivePolicy"] == policy


@pytest.mark.parametrize(
    ("attributes", "field", "allowed"),
    [
        (
            {"VisibilityTimeout": "43201"},
            "VisibilityTimeout",
            "an integer from 0 to 43,200 (InvalidAttributeValue: Invalid value for the parameter "
            "VisibilityTimeout.)",
        ),
        (
            {"MessageRetentionPeriod": 59},
            "MessageRetentionPeriod",
            "an integer from 60 to 1,209,600 (InvalidAttributeValue: Invalid value for the parameter "
            "MessageRetentionPeriod.)",
        ),
        (
            {"RedrivePolicy": {"deadLetterTargetArn": DLQ, "maxReceiveCount": 0}},
            "RedrivePolicy",
            f"{{deadLetterTargetArn: an SQS queue ARN, maxReceiveCount: 1-1,000}} or its JSON string "
            f'(InvalidParameterValue: Value {{"deadLetterTargetArn":"{DLQ}","maxReceiveCount":0}} '
            "for parameter RedrivePolicy is invalid. Reason: Invalid value for maxReceiveCount: 0, valid "
            "values are from 1 to 1000 both inclusive.)",
        ),
        (
            {"Colour": "blue"},
            "Colour",
            "one of VisibilityTimeout, MessageRetentionPeriod, DelaySeconds, ReceiveMessageWaitTimeSeconds, "
            "RedrivePolicy, FifoQueue, ContentBasedDeduplication, MaximumMessageSize, SqsManagedSseEnabled "
            "(InvalidAttributeName: Unknown Attribute Colour.)",
        ),
    ],
)
def test_a_bad_queue_attribute_names_its_field_value_and_range(attributes, field, allowed):
    with pytest.raises(ls.InvalidParameterValueException) as excinfo:
        scenario_with(attributes)
    value = next(iter(attributes.values()))
    assert (
        str(excinfo.value) == f"targets.{SRC}.Attributes.{field}: {value!r} is not valid; allowed: {allowed}"
    )


def test_a_lambda_dlq_delivery_expires_by_the_queue_s_retention_at_exactly_its_age():
    scenario = ls.Scenario.from_dict(
        {
            "functions": {
                "f": {
                    "failures": {"error_probability": 1.0},
                    "duration": {"dist": "constant", "value_s": 1},
                    "DeadLetterConfig": {"TargetArn": SRC},
                    "EventInvokeConfig": {"MaximumRetryAttempts": 0},
                }
            },
            "targets": {SRC: {"Attributes": {"MessageRetentionPeriod": "60"}}},
            "workloads": [
                {"function": "f", "arrivals": "events", "events": [{"at_s": 0, "payload": {"id": 1}}]}
            ],
        }
    )
    sim = ls.Simulation(scenario)
    sim.run(until=100)  # the queue keeps its message after the event is resolved
    ops = sim.result().queue_ops
    assert list(ops["op"]) == ["send", "retention_expired"]
    sent = ops["at"].iloc[0]
    assert ops["at"].iloc[1] == sent + 60 and sim.destinations.targets[SRC].messages == []
