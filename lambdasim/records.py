"""Record schemas and the columnar recorder the engine writes to.

One immutable row per thing that happened (Ciw's idea): every attempt, throttle, expiry and
duplicate delivery is a row of ``attempts``, with a ``kind`` column so rows where nothing executed
fit the same table; every accepted event is one row of ``events`` (its fate). Rows are appended to
typed ``array`` buffers (8 bytes a number, no object per row) and become DataFrames in one step.
pandas is imported only inside :meth:`Recorder.to_frames`, so the engine stays free of it.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence

__all__ = [
    "KINDS",
    "OUTCOMES",
    "FATES",
    "FAILED_FATES",
    "ATTEMPT_COLUMNS",
    "EVENT_COLUMNS",
    "REJECTED_COLUMNS",
    "DELIVERY_COLUMNS",
    "Recorder",
    "RequestIds",
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

_NAN = math.nan
_PENDING = FATES.index("pending")
_ID_CHUNK = 65536


class _Interner:
    """Map strings to small integer codes so that string columns cost 4 bytes a row."""

    __slots__ = ("codes", "values")

    def __init__(self, first: Sequence[str] = ("",)) -> None:
        self.values: list[str] = list(first)
        self.codes: dict[str, int] = {v: i for i, v in enumerate(self.values)}

    def __call__(self, value: str) -> int:
        code = self.codes.get(value)
        if code is None:
            code = self.codes[value] = len(self.values)
            self.values.append(value)
        return code


_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def _mix(x):
    """The splitmix64 finaliser; works on Python ints (masked) and on numpy uint64 arrays alike."""
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


class RequestIds:
    """Request ids (UUID-4 shaped) that depend only on the seed and the event's index.

    ``ids(i)`` gives one id; ``ids.many(indices)`` gives a list of them in one vectorised step
    (the frames need one per event, a million at a time). Both compute the same ids.
    """

    def __init__(self, seed: int, stream: int = 0) -> None:
        # ``stream`` gives independent id sequences from one seed (request ids, message ids, ...).
        base = (seed * _GOLDEN + 2 * stream) & _MASK64
        self.keys = (_mix((base + 1) & _MASK64), _mix((base + 2) & _MASK64))

    def __call__(self, index: int) -> str:
        base = (index * _GOLDEN) & _MASK64
        high = (_mix((base + self.keys[0]) & _MASK64) & _HIGH_CLEAR) | _VERSION_4
        low = (_mix((base + self.keys[1]) & _MASK64) & _LOW_CLEAR) | _VARIANT
        d = f"{high:016x}{low:016x}"
        return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"

    def many(self, indices) -> list[str]:
        import numpy as np

        base = np.asarray(indices, dtype=np.uint64) * np.uint64(_GOLDEN)
        mask = np.uint64(_MASK64)
        high = _mix((base + np.uint64(self.keys[0])) & mask) & np.uint64(_HIGH_CLEAR) | np.uint64(_VERSION_4)
        low = _mix((base + np.uint64(self.keys[1])) & mask) & np.uint64(_LOW_CLEAR) | np.uint64(_VARIANT)
        d = np.stack([high, low], axis=1).astype(">u8").tobytes().hex()
        return [f"{d[i:i + 8]}-{d[i + 8:i + 12]}-{d[i + 12:i + 16]}-{d[i + 16:i + 20]}-{d[i + 20:i + 32]}"
                for i in range(0, len(d), 32)]


# UUID-4 bits: the version nibble (4) in the high half, the RFC 4122 variant (10xx) in the low half.
_HIGH_CLEAR = _MASK64 ^ (0xF << 12)
_VERSION_4 = 0x4 << 12
_LOW_CLEAR = _MASK64 ^ (0xC << 60)
_VARIANT = 0x8 << 60


class Recorder:
    """Columnar buffers for the ``attempts`` and ``events`` tables.

    ``events`` rows are stored by event index: :meth:`open_event` appends a ``pending`` row when an
    event is accepted and :meth:`close_event` fills in its fate, so the table needs no sorting and
    an event unresolved at a horizon is already there as ``pending``.

    Parameters
    ----------
    functions
        Function names; rows store their index.
    request_ids
        The :class:`RequestIds` of the run; the frames show each event's id.
    """

    def __init__(self, functions: Sequence[str], request_ids: RequestIds) -> None:
        self.functions = list(functions)  # grows when a function is created during a run
        self.request_ids = request_ids
        self.text = _Interner()  # qualifiers, error types, target ARNs
        # attempts
        self.a_event = array("i")
        self.a_function = array("i")
        self.a_qualifier = array("i")
        self.a_attempt = array("i")
        self.a_kind = array("b")
        self.a_enqueued = array("d")
        self.a_dispatched = array("d")
        self.a_start = array("d")
        self.a_end = array("d")
        self.a_init = array("d")
        self.a_duration = array("d")
        self.a_billed = array("i")
        self.a_outcome = array("b")
        self.a_error = array("i")
        self.a_concurrency = array("i")
        self.a_depth = array("i")
        # events, by event index
        self.e_function = array("i")
        self.e_enqueued = array("d")
        self.e_resolved = array("d")
        self.e_attempts = array("i")
        self.e_throttles = array("i")
        self.e_fate = array("b")
        self.e_on_success = array("i")
        self.e_on_failure = array("i")
        self.e_dlq = array("i")
        self.e_lost = array("b")
        self.e_payload_bytes = array("i")
        self.rejected: list[tuple] = []
        self.deliveries: list[tuple] = []  # at most a few per event, and only when targets are set

    # -- writing (the engine's hot path: plain appends, no per-row objects) ------------------------

    def attempt(
        self, event: int, function: int, qualifier: int, attempt: int, kind: int, enqueued_at: float,
        dispatched_at: float, start_at: float, end_at: float, init_s: float, duration_s: float,
        billed_ms: int, outcome: int, error_type: int, concurrency: int, queue_depth: int,
    ) -> None:
        """Append one ``attempts`` row (codes index KINDS, OUTCOMES and ``self.text``)."""
        self.a_event.append(event)
        self.a_function.append(function)
        self.a_qualifier.append(qualifier)
        self.a_attempt.append(attempt)
        self.a_kind.append(kind)
        self.a_enqueued.append(enqueued_at)
        self.a_dispatched.append(dispatched_at)
        self.a_start.append(start_at)
        self.a_end.append(end_at)
        self.a_init.append(init_s)
        self.a_duration.append(duration_s)
        self.a_billed.append(billed_ms)
        self.a_outcome.append(outcome)
        self.a_error.append(error_type)
        self.a_concurrency.append(concurrency)
        self.a_depth.append(queue_depth)

    def open_event(self, event: int, function: int, enqueued_at: float, payload_bytes: int) -> None:
        """Add the ``pending`` row of a newly accepted event (``event`` is the next index)."""
        self.e_payload_bytes.append(payload_bytes)
        self.e_function.append(function)
        self.e_enqueued.append(enqueued_at)
        self.e_resolved.append(_NAN)
        self.e_attempts.append(0)
        self.e_throttles.append(0)
        self.e_fate.append(_PENDING)
        self.e_on_success.append(0)
        self.e_on_failure.append(0)
        self.e_dlq.append(0)
        self.e_lost.append(0)

    def close_event(
        self, event: int, resolved_at: float, attempts: int, throttles: int, fate: int,
        on_success: int = 0, on_failure: int = 0, dlq: int = 0, lost: bool = False,
    ) -> None:
        """Write an event's fate (``fate`` indexes FATES; targets are ``self.text`` codes)."""
        self.e_resolved[event] = resolved_at
        self.e_attempts[event] = attempts
        self.e_throttles[event] = throttles
        self.e_fate[event] = fate
        self.e_on_success[event] = on_success
        self.e_on_failure[event] = on_failure
        self.e_dlq[event] = dlq
        self.e_lost[event] = lost

    def reject(self, at: float, function: str, qualifier: str, error_code: str, http_status: int,
               message: str) -> None:
        """Record an invoke refused before it was queued (it never becomes an event)."""
        self.rejected.append((at, function, qualifier, error_code, http_status, message))

    def delivery(self, event: int, at: float, channel: str, target_type: str, target_arn: str,
                 condition: str, ok: bool, failure_reason: str, body: str) -> None:
        """Record one attempt to deliver a record (or a DLQ message) to a target."""
        self.deliveries.append(
            (event, at, channel, target_type, target_arn, condition, ok, failure_reason, body))

    # -- reading ------------------------------------------------------------------------------------

    def to_frames(self, now: float, pending: Mapping[int, tuple[int, int]] | None = None,
                  copy: bool = True) -> dict:
        """Build the ``attempts``, ``events`` and ``rejected`` DataFrames as of time ``now``.

        ``pending`` maps each unresolved event's index to its ``(attempts, throttles)`` so far.
        Executions that end after ``now`` (a horizon cut them off) get outcome ``running`` and no
        end, duration or bill. With ``copy=False`` the frames share the buffers' memory (no second
        copy of a million rows): only for a run that will not go on.
        """
        import numpy as np
        import pandas as pd

        def col(buffer: array, dtype) -> np.ndarray:
            if not len(buffer):
                return np.empty(0, dtype=dtype)
            view = np.frombuffer(buffer, dtype=dtype)
            return view.copy() if copy else view

        def labelled(buffer: array, labels: Sequence[str]) -> pd.Categorical:
            codes = col(buffer, np.int8 if buffer.typecode == "b" else np.int32)
            return pd.Categorical.from_codes(codes, categories=list(labels))

        def text(buffer: array) -> pd.Categorical:
            return labelled(buffer, self.text.values).remove_unused_categories()

        n_events = len(self.e_function)
        ids = np.empty(n_events, dtype=object)
        for first in range(0, n_events, _ID_CHUNK):  # in chunks: the hex temporaries stay small
            last = min(first + _ID_CHUNK, n_events)
            ids[first:last] = self.request_ids.many(np.arange(first, last))

        dispatched = col(self.a_dispatched, np.float64)
        enqueued = col(self.a_enqueued, np.float64)
        attempts = pd.DataFrame({
            "event_id": ids[col(self.a_event, np.int32)],
            "function": labelled(self.a_function, self.functions),
            "qualifier": text(self.a_qualifier),
            "attempt": col(self.a_attempt, np.int32),
            "kind": labelled(self.a_kind, KINDS),
            "enqueued_at": enqueued,
            "dispatched_at": dispatched,
            "start_at": col(self.a_start, np.float64),
            "end_at": col(self.a_end, np.float64),
            "init_s": col(self.a_init, np.float64),
            "duration_s": col(self.a_duration, np.float64),
            "billed_ms": col(self.a_billed, np.int32),
            "outcome": labelled(self.a_outcome, OUTCOMES),
            "error_type": text(self.a_error),
            "event_age_s": dispatched - enqueued,
            "concurrency_at_start": col(self.a_concurrency, np.int32),
            "queue_depth_at_start": col(self.a_depth, np.int32),
        }, copy=False)
        running = attempts["end_at"].to_numpy() > now
        if running.any():
            attempts.loc[running, ["end_at", "duration_s"]] = _NAN
            attempts.loc[running, "billed_ms"] = 0
            attempts.loc[running, "outcome"] = "running"

        events = pd.DataFrame({
            "event_id": ids,
            "function": labelled(self.e_function, self.functions),
            "enqueued_at": col(self.e_enqueued, np.float64),
            "resolved_at": col(self.e_resolved, np.float64),
            "attempts": col(self.e_attempts, np.int32),
            "throttles": col(self.e_throttles, np.int32),
            "fate": labelled(self.e_fate, FATES),
            "on_success": text(self.e_on_success),
            "on_failure": text(self.e_on_failure),
            "dlq": text(self.e_dlq),
            "lost": col(self.e_lost, np.int8).astype(bool),
            "payload_bytes": col(self.e_payload_bytes, np.int32),
        }, copy=False)
        if pending:
            rows = np.fromiter(pending, dtype=np.int64, count=len(pending))
            counts = np.array(list(pending.values()), dtype=np.int32).reshape(-1, 2)
            events.loc[rows, "attempts"] = counts[:, 0]
            events.loc[rows, "throttles"] = counts[:, 1]
        rejected = pd.DataFrame(self.rejected, columns=list(REJECTED_COLUMNS))
        deliveries = pd.DataFrame(self.deliveries, columns=list(DELIVERY_COLUMNS))
        deliveries["event_id"] = ids[deliveries["event_id"].to_numpy(dtype=np.int64)]
        deliveries["ok"] = deliveries["ok"].astype(bool)
        return {"attempts": attempts, "events": events, "rejected": rejected, "deliveries": deliveries}
