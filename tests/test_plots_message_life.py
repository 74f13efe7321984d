"""The message-life chart: each mark at the exact instant of its queue_ops row (docs/aws-behaviour.md
§7, §19).

The run: a function that fails until t=50 (an outage), mapped to ``jobs`` (visibility 30 s, redrive
to ``jobs-dlq`` after 2 receives) with batches of one. ``m0`` (sent at 0) is received at 0 and 30,
fails both times and is moved to the DLQ at 60; ``m1`` (sent at 40) fails at 40, is received again at
70 and deleted at 71 when its 1-second invoke succeeds. At 100 a move task takes ``m0`` back; it is
received at 100 and deleted at 101.
"""

import boto3
import numpy as np
import pytest

import lambdasim as ls
import lambdasim.plots as lp
from lambdasim.model.errors import InvalidParameterValueException
from lambdasim.plots.message_life_chart import MAX_MESSAGES

JOBS = "arn:aws:sqs:us-east-1:123456789012:jobs"
DLQ = "arn:aws:sqs:us-east-1:123456789012:jobs-dlq"


def scenario(events):
    return ls.Scenario.from_dict({
        "horizon_s": 200,
        "functions": {"worker": {"duration": 1, "cold_start": 0, "Timeout": 10,
                                 "failures": {"outages": [{"start_s": 0, "end_s": 50}]}}},
        "targets": {JOBS: {"Attributes": {"VisibilityTimeout": "30", "RedrivePolicy": {
            "deadLetterTargetArn": DLQ, "maxReceiveCount": 2}}}, DLQ: {}},
        "workloads": [{"target": JOBS, "arrivals": "events", "events": events}],
        "EventSourceMappings": [{"EventSourceArn": JOBS, "FunctionName": "worker", "BatchSize": 1}],
    })


@pytest.fixture(scope="module")
def result():
    sim = ls.Simulation(scenario([{"at_s": 0, "payload": {"id": 0}}, {"at_s": 40, "payload": {"id": 1}}]))
    sim.run(until=100)
    with ls.mock_aws(sim):
        sqs = boto3.client("sqs", region_name="us-east-1")
        sqs.start_message_move_task(SourceArn=DLQ)
    sim.run(until=200)
    return sim.result()


def marks(fig, gid):
    (ax,) = fig.axes
    (artist,) = [c for c in ax.collections if c.get_gid() == gid]
    return artist


def points(fig, op):
    return sorted(map(tuple, marks(fig, f"mark:{op}").get_offsets().tolist()))


def test_every_mark_sits_at_its_exact_time_on_its_message_row(result):
    fig = lp.message_life(result, JOBS)
    assert points(fig, "send") == [(0.0, 0.0), (40.0, 1.0)]
    assert points(fig, "receive") == [(0.0, 0.0), (30.0, 0.0), (40.0, 1.0), (70.0, 1.0), (100.0, 0.0)]
    assert points(fig, "visible_again") == [(30.0, 0.0), (60.0, 0.0), (70.0, 1.0)]
    assert points(fig, "dead_letter") == [(60.0, 0.0)]
    assert points(fig, "moved_in") == [(100.0, 0.0)]
    assert points(fig, "delete") == [(71.0, 1.0), (101.0, 0.0)]


def test_in_flight_spans_run_from_each_receive_to_its_delete_or_reappearance(result):
    fig = lp.message_life(result, JOBS)
    segments = sorted((s[0][0], s[1][0], s[0][1]) for s in marks(fig, "in_flight").get_segments())
    assert segments == [(0.0, 30.0, 0.0), (30.0, 60.0, 0.0), (40.0, 70.0, 1.0), (70.0, 71.0, 1.0),
                        (100.0, 101.0, 0.0)]
    (dlq_stay,) = marks(fig, "in_dlq").get_segments()
    assert (dlq_stay[0][0], dlq_stay[1][0]) == (60.0, 100.0)


def test_receives_are_labelled_with_their_receive_count_and_the_legend_names_each_mark(result):
    fig = lp.message_life(result, JOBS)
    (ax,) = fig.axes
    labels = sorted((t.xy[0], t.get_text()) for t in ax.texts if t.get_gid() == "receive_count")
    assert labels == [(0.0, "1"), (30.0, "2"), (40.0, "1"), (70.0, "2"), (100.0, "1")]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "in flight (invisible)", "in the DLQ", "sent", "received (count)", "visible again", "deleted",
        "moved to the DLQ", "moved back"]


def test_chosen_messages_only_and_in_the_order_given(result):
    first, second = dict.fromkeys(result.queue_ops.query("queue == @JOBS")["message_id"].astype(str))
    fig = lp.message_life(result, JOBS, messages=[second])
    assert points(fig, "receive") == [(40.0, 0.0), (70.0, 0.0)]
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == [second[:8]]
    assert fig.axes[0].get_title() == "The life of each message in jobs (1 chosen of 2 messages)"


def test_many_messages_are_capped_and_the_title_says_so():
    events = [{"at_s": float(i), "payload": {"id": i}} for i in range(MAX_MESSAGES + 5)]
    result = ls.run(scenario(events))
    fig = lp.message_life(result, JOBS)
    (ax,) = fig.axes
    assert len(ax.get_yticks()) == MAX_MESSAGES
    assert ax.get_title() == (
        f"The life of each message in jobs (first {MAX_MESSAGES} of {MAX_MESSAGES + 5} messages)")
    assert np.isclose(points(fig, "send")[-1][0], MAX_MESSAGES - 1)


def test_an_unknown_queue_or_message_is_refused_by_name(result):
    with pytest.raises(InvalidParameterValueException, match=r"queue: 'arn:aws:sqs:us-east-1:"
                       r"123456789012:nope'.*allowed: the ARN of a queue with messages in this run: .*:jobs"):
        lp.message_life(result, "arn:aws:sqs:us-east-1:123456789012:nope")
    with pytest.raises(InvalidParameterValueException, match=r"messages: 'm-unknown'.*message ids of jobs"):
        lp.message_life(result, JOBS, messages=["m-unknown"])


def test_a_scenario_with_queue_attributes_can_be_replaced():
    # Scenario.replace re-checks the targets it normalised (they carry the parsed queue settings);
    # the notebooks swap a handler into such a scenario.
    base = scenario([{"at_s": 0, "payload": {"id": 0}}])
    replaced = base.replace({"functions.worker.timeout_s": 20})
    assert replaced.targets[JOBS]["queue"] == base.targets[JOBS]["queue"]
    assert replaced.targets[JOBS]["queue"].visibility_timeout_s == 30
