"""Record bodies kept as shared templates (``RecordText``) are byte for byte the records AWS sends.

Plain invocation records are no longer stored as text: each keeps a shared template, its event's
index and the delivery's time, and is built on read (lambdasim/records/bodies.py). These tests run a
scenario that mixes every kind of delivery and compare every body, in the deliveries table and in
every target, with the bodies the fully encoded path gives, and with a digest taken before the change.
"""

import hashlib

import pytest
from helpers import exact_queue

import lambdasim as ls
from lambdasim.records import bodies

PREFIX = "arn:aws:{}:us-east-1:123456789012:{}"
OK, DLQ, AUDIT, RAW = (PREFIX.format("sqs", n) for n in ("ok", "dlq", "audit", "raw"))
TOPIC = PREFIX.format("sns", "failures")
BUS = PREFIX.format("events", "event-bus/results")
BUCKET = "arn:aws:s3:::results"
#: sha256 of every body of :func:`mixed` (deliveries, then each target's messages), taken with the
#: commit before bodies were kept as templates (8f19b75), where every record was encoded whole.
DIGEST_BEFORE = "d356d50973c88a16b16194050a3b1c226b26678b426a796128c485793f1dbce6"


def mixed() -> ls.Scenario:
    """Successes and failures (retries, age limit, reserved 0) to SQS, SNS (raw and enveloped),
    S3, EventBridge, a Lambda hop and a DLQ; payloads that differ per event, non-ASCII text, and a
    payload holding the very stand-in the templates use (sent the plain way)."""
    def fn(**extra):
        return {"Timeout": 900, "duration": {"dist": "constant", "value_s": 0.2},
                "cold_start": {"dist": "constant", "value_s": 0.1}, **extra}

    def destinations(on_success, on_failure, **limits):
        return {"EventInvokeConfig": {**limits, "DestinationConfig": {
            "OnSuccess": {"Destination": on_success}, "OnFailure": {"Destination": on_failure}}}}

    odd = {"odd": "\x00lambdasim-request-id\x00", "also": "\x00lambdasim-timestamp\x00"}
    payloads = [{"id": i, "name": "café" if i % 3 else "tea"} for i in range(40)] + [odd, None, [1, 2]]
    return ls.Scenario.from_dict({
        "seed": 7,
        "queue": exact_queue(None),
        "functions": {
            "orders": fn(failures={"error_probability": 0.5, "error_type": "PaymentError",
                                   "error_message": "card \"declined\" \\ é"},
                         DeadLetterConfig={"TargetArn": DLQ},
                         **destinations(OK, TOPIC, MaximumRetryAttempts=1)),
            "archive": fn(failures={"error_probability": 0.3}, **destinations(BUS, BUCKET)),
            "relay": fn(**destinations(PREFIX.format("lambda", "function:archive"), OK)),
            "closed": fn(ReservedConcurrentExecutions=0, **destinations(OK, OK)),
        },
        "workloads": [
            {"function": "orders", "arrivals": "events",
             "events": [{"at_s": i * 0.05, "payload": p} for i, p in enumerate(payloads)]},
            {"function": "archive", "arrivals": "poisson", "rate_per_s": 20, "end_s": 5,
             "payload": {"k": "v"}},
            {"function": "relay", "arrivals": "poisson", "rate_per_s": 5, "end_s": 3},
            {"function": "closed", "arrivals": "events", "events": [{"at_s": 1, "payload": {"x": 1}}]},
        ],
        "targets": {TOPIC: {"subscriptions": [AUDIT, RAW]}, RAW: {}},
    })


def every_body(result) -> list[str]:
    texts = [str(body) for body in result.deliveries["body"]]
    for arn in sorted(result.targets):
        texts += [message.body for message in result.target(arn).messages]
    return texts


def digest(texts: list[str]) -> str:
    return hashlib.sha256("\n".join(texts).encode()).hexdigest()


def test_every_body_matches_the_fully_encoded_records(monkeypatch):
    kept = ls.run(mixed())
    assert any(isinstance(b, bodies.RecordText) for b in kept.deliveries["body"])  # the new path ran
    # Every record encoded whole, as before templates:
    monkeypatch.setattr(bodies.RecordTemplates, "of", lambda self, text, ids: None)
    encoded = ls.run(mixed())
    assert not any(isinstance(b, bodies.RecordText) for b in encoded.deliveries["body"])
    assert every_body(kept) == every_body(encoded)
    assert {d for d in kept.deliveries["channel"]} == {"on_success", "on_failure", "dlq"}
    assert set(kept.deliveries["target_type"]) == {"sqs", "sns", "s3", "eventbridge", "lambda"}


def test_every_body_hashes_as_before_the_change():
    assert digest(every_body(ls.run(mixed()))) == DIGEST_BEFORE


def test_a_record_text_reads_like_its_text():
    result = ls.run(mixed())
    body = next(b for b in result.deliveries["body"] if type(b) is bodies.RecordText)
    text = str(body)
    assert body == text and body == text.encode() and bytes(body) == text.encode()
    assert len(body) == len(text.encode()) and body.json()["version"] == "1.0"
    assert hash(body) == hash(len(text))
    import pickle
    assert pickle.loads(pickle.dumps(body)) == text


@pytest.mark.parametrize("count", [0, 3])
def test_a_template_with_an_ambiguous_stand_in_is_refused(count):
    templates = bodies.RecordTemplates(lambda i: "r", lambda at: "t")
    request_id, timestamp = "\\u0000lambdasim-request-id\\u0000", "\\u0000lambdasim-timestamp\\u0000"
    text = f'{{"a":"{request_id * count}","t":"{timestamp}"}}'
    assert templates.of(text, 1) is None


def test_a_record_size_is_known_without_building_it():
    result = ls.run(mixed())
    kept = [b for b in result.deliveries["body"] if isinstance(b, bodies.RecordText)]
    assert kept and all(b.template.size == len(str(b).encode()) for b in kept)
