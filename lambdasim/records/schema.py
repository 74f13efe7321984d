"""The record schemas: the tables a run produces, their columns and their labelled values.

One immutable row per thing that happened (Ciw's idea): every attempt, throttle, expiry and
duplicate delivery is a row of ``attempts``, with a ``kind`` column so rows where nothing executed
fit the same table; every accepted event is one row of ``events`` (its fate).
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
]

#: ``attempts.kind``: an execution, a dispatch refused for lack of concurrency, an expiry, or an
#: extra at-least-once delivery of an event that was already dispatched.
KINDS = ("invoke", "throttle", "expire", "duplicate")
#: ``attempts.outcome``; ``running`` marks an execution still in flight when a horizon stopped the run.
OUTCOMES = ("success", "error", "timeout", "throttled", "expired", "running")
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

ATTEMPT_COLUMNS = (
    "event_id", "function", "qualifier", "attempt", "kind", "enqueued_at", "dispatched_at", "start_at",
    "end_at", "init_s", "duration_s", "billed_ms", "outcome", "error_type", "event_age_s",
    "concurrency_at_start", "queue_depth_at_start",
)
EVENT_COLUMNS = (
    "event_id", "function", "enqueued_at", "resolved_at", "attempts", "throttles", "fate",
    "on_success", "on_failure", "dlq", "lost", "payload_bytes",
)
DELIVERY_COLUMNS = (
    "event_id", "at", "channel", "target_type", "target_arn", "condition", "ok", "failure_reason", "body",
)
#: Invokes refused before anything was queued (payload too large, unknown function, …).
REJECTED_COLUMNS = ("at", "function", "qualifier", "error_code", "http_status", "message")
