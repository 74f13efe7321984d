"""Long chains through Lambda destinations: ``RecursiveLoop: Allow`` loops, their records and limits.

Each invocation record carries the event that caused it as ``requestPayload``; in a loop hop n's
record therefore carries hop n-1's whole record. Here a loop of two functions (a -> b -> a ...,
1-s executions, no cold start, an empty first payload) makes every number exact: hop n runs from
n-1 s to n s, and its record is 356 + 354·(n-1) bytes (each hop wraps the one before in 354 bytes
of its own).
"""

import json

import pytest

import lambdasim as ls
from lambdasim.model.rules import ASYNC_PAYLOAD_LIMIT, LEGACY_ASYNC_PAYLOAD_LIMIT
from lambdasim.records.bodies import Body

ARN = "arn:aws:lambda:us-east-1:123456789012:function:"
FIRST_RECORD = 356   # bytes of hop 1's record
PER_HOP = 354        # bytes each hop's record adds around the one before


def loop_function(other, **extra):
    return ls.FunctionConfig(
        duration=ls.dists.Constant(1.0), cold_start=ls.dists.Constant(0.0), recursive_loop="Allow",
        event_invoke_config=ls.EventInvokeConfig(
            destination_config=ls.DestinationConfig(on_success=ARN + other)),
        **extra)


def loop(horizon_s=None, limit=ASYNC_PAYLOAD_LIMIT, **extra):
    return ls.Scenario(functions={"a": loop_function("b", **extra), "b": loop_function("a", **extra)},
                       workloads=(ls.workloads.Burst("a", count=1, at_s=0.0),),
                       queue=ls.QueueSettings(payload_limit_bytes=limit), horizon_s=horizon_s, seed=1)


def record_size(hop):
    return FIRST_RECORD + PER_HOP * (hop - 1)


def test_an_allow_loop_runs_to_its_horizon_one_hop_a_second():
    """Before: RecursionError after about 490 hops. 1,000 hops by t=1000, the 1,001st is running."""
    sim = ls.Simulation(loop(horizon_s=1000))
    sim.run()
    result = sim.result()
    assert result.stats["stopped_by"] == "horizon" and result.stats["ended_at"] == 1000
    assert result.fates() == {"succeeded": 1000, "pending": 1}
    assert result.events["function"].tolist() == ["a", "b"] * 500 + ["a"]
    assert result.events["enqueued_at"].tolist() == [float(n) for n in range(1001)]
    assert result.deliveries["ok"].all() and len(result.deliveries) == 1000
    assert [len(body) for body in result.deliveries["body"]] == [record_size(n) for n in range(1, 1001)]


def test_a_second_run_without_until_stays_at_the_horizon():
    """Before: a second run() ignored horizon_s and ran the loop on (here, to the 1 MB limit)."""
    sim = ls.Simulation(loop(horizon_s=50))
    sim.run()
    sim.run()
    assert sim.result().stats["ended_at"] == 50 and sim.result().stats["stopped_by"] == "horizon"
    assert sim.result().stats["accepted"] == 51


def test_run_until_past_the_horizon_runs_to_until():
    """The documented choice: an explicit ``until`` asks for more than the horizon."""
    sim = ls.Simulation(loop(horizon_s=50))
    sim.run(until=80.5)
    assert sim.result().stats["ended_at"] == 80.5 and sim.result().stats["accepted"] == 81
    sim.run()
    assert sim.result().stats["stopped_by"] == "horizon" and sim.result().stats["ended_at"] == 80.5


@pytest.mark.parametrize("limit, last_hop", [(LEGACY_ASYNC_PAYLOAD_LIMIT, 741), (ASYNC_PAYLOAD_LIMIT, 2963)])
def test_a_loop_ends_at_the_hop_whose_record_is_over_the_async_limit(limit, last_hop):
    """Hop n's record is refused by the next invoke as an Invoke over the limit is (413): the
    delivery fails, is recorded and counted, and the loop ends there."""
    assert record_size(last_hop - 1) <= limit < record_size(last_hop)
    result = ls.run(loop(limit=limit))
    assert result.stats["stopped_by"] == "resolved" and result.stats["ended_at"] == last_hop
    assert result.fates() == {"succeeded": last_hop}
    deliveries = result.deliveries
    assert deliveries["ok"].tolist() == [True] * (last_hop - 1) + [False]
    failed = deliveries.iloc[-1]
    assert (failed["at"], failed["channel"], failed["target_arn"]) == (last_hop, "on_success", ARN + "b")
    assert failed["failure_reason"] == (
        f"RequestEntityTooLargeException ({record_size(last_hop)} byte payload is too large for the Event "
        f"invocation type (limit {limit} bytes))")
    assert len(failed["body"]) == record_size(last_hop)
    assert result.events["payload_bytes"].iloc[-1] == record_size(last_hop - 1)
    metrics = result.metrics(period_s=10_000)
    failures = metrics.query("function == 'a' and metric == 'DestinationDeliveryFailures'")["value"].sum()
    assert failures == 1


def test_each_record_shares_the_record_before_it():
    """Memory linear in hops: hop n's body holds hop n-1's body object and adds 354 bytes of its own."""
    result = ls.run(loop(horizon_s=300))
    bodies = result.deliveries["body"].tolist()
    assert isinstance(bodies[0], str) and len(bodies[0]) == FIRST_RECORD  # a record of a plain event
    for before, body in zip(bodies[1:], bodies[2:], strict=False):
        assert isinstance(body, Body) and body.inner is before
        assert len(body.prefix) + len(body.suffix) == PER_HOP
    assert bodies[-1].depth == 300  # hop n's record nests n records


def test_a_spliced_record_is_the_compact_json_of_the_nested_records():
    result = ls.run(loop(horizon_s=4))
    texts = [str(body) for body in result.deliveries["body"]]
    third = json.loads(texts[2])
    assert json.dumps(third, separators=(",", ":")) == texts[2]
    assert third["requestPayload"] == json.loads(texts[1])
    assert third["requestPayload"]["requestPayload"] == json.loads(texts[0])
    assert json.loads(texts[0])["requestPayload"] == {}
    assert third["requestContext"]["functionArn"] == ARN + "a:$LATEST"
    assert third["timestamp"] == "2025-01-01T00:00:03.000Z"


def test_a_handler_in_a_chain_gets_the_record_parsed():
    seen = []

    def handler(event, context):
        caller = event.get("requestContext", {}).get("functionArn")
        before = event.get("requestPayload", {}).get("requestContext", {}).get("functionArn")
        seen.append((context.function_name, caller, before))

    result = ls.run(loop(horizon_s=3.5, handler=handler))
    assert result.fates() == {"succeeded": 3, "pending": 1}
    assert seen == [("a", None, None), ("b", ARN + "a:$LATEST", None),
                    ("a", ARN + "b:$LATEST", ARN + "a:$LATEST"), ("b", ARN + "a:$LATEST", ARN + "b:$LATEST")]


@pytest.mark.slow
def test_a_record_nested_past_python_s_recursion_limit_fails_to_unmarshal():
    """The Python runtime parses the event with json.loads, which cannot go deeper than the
    interpreter's recursion limit: that hop fails with Runtime.UnmarshalError, before the handler."""
    calls = []
    result = ls.run(loop(handler=lambda event, context: calls.append(1)))
    errors = result.attempts.query("outcome == 'error'")
    assert set(errors["error_type"]) == {"Runtime.UnmarshalError"}
    first = errors["event_id"].iloc[0]
    hop = int(result.events.index[result.events["event_id"] == first][0]) + 1
    assert len(calls) == hop - 1 and 500 < hop < 2963   # every hop before it ran the handler
    assert result.events["fate"].iloc[-1] == "retries_exhausted" and len(result.events) == hop
    assert result.events["lost"].iloc[-1]  # nothing is configured on failure


# -- SNS fan-out that feeds itself (issue 11, "Memory under fan-out") -------------------------------------

TOPIC = "arn:aws:sns:us-east-1:123456789012:fan"


def fan_out():
    """Two functions with reserved concurrency 0 send their failures to a topic both subscribe to:
    one event at t=0 doubles at every hop until the record outgrows SNS's 256 KB."""
    def function():
        return ls.FunctionConfig(reserved_concurrency=0, recursive_loop="Allow",
                                 event_invoke_config=ls.EventInvokeConfig(
                                     destination_config=ls.DestinationConfig(on_failure=TOPIC)))

    return ls.Scenario(functions={"a": function(), "b": function()},
                       workloads=(ls.workloads.Burst("a", count=1, at_s=0.0, payload={"id": 1}),),
                       targets={TOPIC: {"subscriptions": [ARN + "a", ARN + "b"]}}, seed=1)


def test_a_self_feeding_fan_out_doubles_until_the_record_outgrows_sns():
    """Before: 8,191 events peaked at 2.3 GB, every hop's text kept whole. Each level's record is
    the level before quoted into an SNS event (about twice as long); the 13th is refused."""
    result = ls.run(fan_out())
    assert result.fates() == {"zero_reserved_concurrency": 2**13 - 1}
    deliveries = result.deliveries
    assert deliveries["ok"].sum() == 2**12 - 1
    assert deliveries.loc[~deliveries["ok"], "failure_reason"].unique().tolist() == [
        "MessageTooLarge (384074 > 262144 bytes)"]
    sizes = sorted({len(body) for body in deliveries["body"]})
    assert len(sizes) == 13 and sizes[0] == 290 and sizes[-1] == 384074


def test_fan_out_messages_share_the_message_they_carry():
    topic = ls.run(fan_out()).target(TOPIC)
    deepest = max(topic.messages, key=lambda m: len(m._body))
    body = deepest._body
    assert isinstance(body, Body) and body.depth == 2 * (12 - 1)  # level 12: a record, an SNS event each
    carried = [m._body for m in topic.messages]
    node, shared = body, 0
    while isinstance(node, Body):  # the record quotes an SNS event that quotes a message of the topic
        shared += any(node is c for c in carried)
        node = node.inner
    assert shared == 11  # levels 2-12 (level 1 is plain text, carried as its bytes)
    text = deepest.body
    assert len(text) == len(body) and json.dumps(json.loads(text), separators=(",", ":")) == text
    inner = json.loads(json.loads(text)["requestPayload"]["Records"][0]["Sns"]["Message"])
    assert inner["requestContext"]["condition"] == "ZeroReservedConcurrency"


def test_a_poison_payload_matches_a_record_as_the_handler_would_see_it():
    """A record arrives as a shared Body; a poison pattern is matched against it parsed."""
    poisoned = loop(horizon_s=10.5, failures=ls.FailureModel(poison_payloads=({"version": "1.0"},)))
    result = ls.run(poisoned)
    # Hop 1's event is {} (no match); hop 2 gets a record, fails, is retried after 60 s: past the horizon.
    assert result.attempts[["function", "outcome", "error_type"]].values.tolist() == [
        ["a", "success", ""], ["b", "error", "PoisonPayload"]]


def test_a_body_knows_its_size_and_builds_its_text_without_recursion():
    """10,000 nested levels, plain and quoted: sizes known up front, text built by a loop, pickled
    as its text."""
    import pickle

    plain = Body(b'{"id":1}')
    for _ in range(10_000):
        plain = Body(b'{"a":', plain, b"}")
    assert len(plain) == len(plain.bytes()) == 8 + 10_000 * 6 and plain.depth == 10_001
    quoted = Body(b'{"id":"x\\\\y"}')
    for _ in range(6):
        quoted = Body(b'{"Message":', quoted, b"}", quoted=True)
    text = quoted.bytes()
    assert len(quoted) == len(text) and quoted.quotes == text.count(b'"')
    assert quoted.backslashes == text.count(b"\\")
    inner = json.loads(text)
    for _ in range(5):
        inner = json.loads(inner["Message"])
    assert json.loads(inner["Message"]) == {"id": "x\\y"}
    assert pickle.loads(pickle.dumps(plain)) == plain
