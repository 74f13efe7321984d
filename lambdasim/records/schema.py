"""The record schemas: the tables a run produces, their columns and their labelled values.

One immutable row per thing that happened (Ciw's idea): every attempt, throttle, expiry,
duplicate delivery and synchronous invoke is a row of ``attempts``, with a ``kind`` column so rows
where nothing executed fit the same table; every accepted event is one row of ``events`` (its
fate); ``functions`` says which settings were in force when.
"""

from __future__ import annotations

__all__ = [
    "KINDS",
    "OUTCOMES",
    "FATES",
    "FAILED_FATES",
    "ATTEMPT_COLUMNS",
    "EVENT_COLUMNS",
    "REJECTED_COLUMNS",
    "DELIVERY_COLUMNS",
    "FUNCTION_COLUMNS",
    "QUEUE_OPS",
    "QUEUE_OP_COLUMNS",
    "KIND_INVOKE", "KIND_THROTTLE", "KIND_EXPIRE", "KIND_DUPLICATE", "KIND_SYNC", "KIND_SYSTEM_ERROR",
    "KIND_ESM",
    "OUTCOME_SUCCESS", "OUTCOME_ERROR", "OUTCOME_TIMEOUT", "OUTCOME_THROTTLED", "OUTCOME_EXPIRED",
    "OUTCOME_RUNNING", "OUTCOME_SYSTEM_ERROR",
    "FATE_SUCCEEDED", "FATE_RETRIES_EXHAUSTED", "FATE_EVENT_AGE_EXCEEDED", "FATE_ZERO_RESERVED_CONCURRENCY",
    "FATE_RECURSION_STOPPED", "FATE_PENDING",
]

#: ``attempts.kind``: an execution, a dispatch refused for lack of concurrency, an expiry, an
#: extra at-least-once delivery of an event that was already dispatched, a synchronous
#: (``RequestResponse``) invoke, an async dispatch that met a Lambda system error (500-series;
#: ``error_type`` is AWS's error name; nothing ran), or an event-source mapping's synchronous invoke
#: of one batch (``esm``; its id is of the synchronous series). New kinds go at the end: the codes below are
#: positions.
KINDS = ("invoke", "throttle", "expire", "duplicate", "sync", "system_error", "esm")
#: ``attempts.outcome``; ``running`` marks an execution still in flight when a horizon stopped the
#: run; ``system_error`` is the outcome of every ``system_error`` row.
OUTCOMES = ("success", "error", "timeout", "throttled", "expired", "running", "system_error")
#: ``events.fate``; ``pending`` marks an event still unresolved when a horizon stopped the run.
FATES = (
    "succeeded",
    "retries_exhausted",
    "event_age_exceeded",
    "zero_reserved_concurrency",
    "recursion_stopped",
    "pending",
)
#: Fates that count as a failed (dropped) event: AWS sends these to on-failure / the DLQ.
FAILED_FATES = frozenset(FATES[1:5])

# The integer codes the recorder stores: each one is the label's position in its tuple, derived
# here and nowhere else (tests/test_record_codes.py pins them).
KIND_INVOKE = KINDS.index("invoke")
KIND_THROTTLE = KINDS.index("throttle")
KIND_EXPIRE = KINDS.index("expire")
KIND_DUPLICATE = KINDS.index("duplicate")
KIND_SYNC = KINDS.index("sync")
KIND_ESM = KINDS.index("esm")
KIND_SYSTEM_ERROR = KINDS.index("system_error")
OUTCOME_SUCCESS = OUTCOMES.index("success")
OUTCOME_ERROR = OUTCOMES.index("error")
OUTCOME_TIMEOUT = OUTCOMES.index("timeout")
OUTCOME_THROTTLED = OUTCOMES.index("throttled")
OUTCOME_EXPIRED = OUTCOMES.index("expired")
OUTCOME_RUNNING = OUTCOMES.index("running")
OUTCOME_SYSTEM_ERROR = OUTCOMES.index("system_error")
FATE_SUCCEEDED = FATES.index("succeeded")
FATE_RETRIES_EXHAUSTED = FATES.index("retries_exhausted")
FATE_EVENT_AGE_EXCEEDED = FATES.index("event_age_exceeded")
FATE_ZERO_RESERVED_CONCURRENCY = FATES.index("zero_reserved_concurrency")
FATE_RECURSION_STOPPED = FATES.index("recursion_stopped")
FATE_PENDING = FATES.index("pending")

#: ``attempts.provisioned`` is True for an execution that ran on a provisioned-concurrency
#: environment (no cold start; priced at the provisioned duration rate), False for every other row.
ATTEMPT_COLUMNS = (
    "event_id", "function", "qualifier", "attempt", "kind", "enqueued_at", "dispatched_at", "start_at",
    "end_at", "init_s", "duration_s", "billed_ms", "outcome", "error_type", "event_age_s",
    "concurrency_at_start", "queue_depth_at_start", "provisioned",
)
#: ``max_event_age_s`` / ``max_retry_attempts``: the limits in force for the event's qualifier when
#: it was resolved (for a ``pending`` event, those in force when the run stopped).
EVENT_COLUMNS = (
    "event_id", "function", "enqueued_at", "resolved_at", "attempts", "throttles", "fate",
    "on_success", "on_failure", "dlq", "lost", "payload_bytes", "max_event_age_s", "max_retry_attempts",
)
DELIVERY_COLUMNS = (
    "event_id", "at", "channel", "target_type", "target_arn", "condition", "ok", "failure_reason", "body",
)
#: ``functions``: each function's settings over time. One row per qualifier (``$LATEST``, each
#: published version and alias) of every function at time 0, and one more for a qualifier each
#: time the control plane changes any of its values (``at`` is when). ``memory_mb``,
#: ``architecture`` and ``timeout_s`` are the execution settings the run used for that qualifier
#: (a published version keeps those it was published with; an alias, its version's); ``pool`` is
#: the concurrency pool the function draws from (``unreserved`` or its own name) and ``pool_limit``
#: that pool's size;
#: ``reserved_concurrency`` is NaN when nothing is reserved; ``provisioned_concurrency`` is the
#: qualifier's own configured ``ProvisionedConcurrentExecutions`` (0 when none; a version's count does
#: not show on the aliases pointing to it, nor theirs on it); ``max_retry_attempts`` and
#: ``max_event_age_s`` are the limits in effect (AWS's defaults when nothing is set); ``on_success``,
#: ``on_failure`` and ``dlq`` are target ARNs, or empty.
FUNCTION_COLUMNS = (
    "at", "function", "qualifier", "memory_mb", "architecture", "timeout_s", "pool", "pool_limit",
    "reserved_concurrency", "provisioned_concurrency", "max_retry_attempts", "max_event_age_s", "on_success",
    "on_failure", "dlq",
)
#: Invokes refused before anything was queued (payload too large, unknown function, …).
REJECTED_COLUMNS = ("at", "function", "qualifier", "error_code", "http_status", "message")

#: ``queue_ops``: one row per thing that happened to a message in a simulated SQS queue. ``op``:
#: ``send`` (a SendMessage, a destination or DLQ delivery), ``deduplicated`` (a FIFO send dropped
#: within the 5-minute deduplication interval), ``receive``, ``delete``, ``visible_again`` (a
#: received message's visibility timeout ran out; ``at`` is that instant), ``retention_expired``
#: (older than ``MessageRetentionPeriod``: gone), ``dead_letter`` (left for the redrive policy's DLQ,
#: on the receive that would have exceeded ``maxReceiveCount``; the row is the source queue's),
#: ``dead_lettered`` (its arrival in the DLQ), ``moved_back`` (a message move task took it out of
#: the queue), ``moved_in`` (its arrival at the move's destination) and ``purged``.
#: ``receive_count`` is the message's ``ApproximateReceiveCount`` after the op; ``visible_at`` is
#: when the message can next be received (send: after its delay; receive: at the end of its
#: visibility timeout), NaN for the others.
QUEUE_OPS = ("send", "deduplicated", "receive", "delete", "visible_again", "retention_expired",
             "dead_letter", "dead_lettered", "moved_back", "moved_in", "purged", "visibility_changed")
QUEUE_OP_COLUMNS = ("at", "queue", "op", "message_id", "receive_count", "visible_at")
