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
from collections.abc import Callable, Sequence

__all__ = [
    "KINDS",
    "OUTCOMES",
    "FATES",
    "FAILED_FATES",
    "ATTEMPT_COLUMNS",
    "EVENT_COLUMNS",
    "REJECTED_COLUMNS",
    "Recorder",
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
    "on_success", "on_failure", "dlq", "lost",
)
#: Invokes refused before anything was queued (payload too large, unknown function, …).
REJECTED_COLUMNS = ("at", "function", "qualifier", "error_code", "http_status", "message")

_NAN = math.nan


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


class Recorder:
    """Columnar buffers for the ``attempts`` and ``events`` tables.

    Parameters
    ----------
    functions
        Function names; rows store their index.
    request_id
        Maps an event index to its request id (a UUID string); called once per event, when the
        frames are built.
    """

    def __init__(self, functions: Sequence[str], request_id: Callable[[int], str]) -> None:
        self.functions = tuple(functions)
        self.request_id = request_id
        self.text = _Interner()  # qualifiers, error types, target ARNs
        # attempts
        self.a_event = array("q")
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
        self.a_billed = array("q")
        self.a_outcome = array("b")
        self.a_error = array("i")
        self.a_age = array("d")
        self.a_concurrency = array("i")
        self.a_depth = array("i")
        # events
        self.e_event = array("q")
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
        self.rejected: list[tuple] = []

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
        self.a_age.append(dispatched_at - enqueued_at)
        self.a_concurrency.append(concurrency)
        self.a_depth.append(queue_depth)

    def event(
        self, event: int, function: int, enqueued_at: float, resolved_at: float, attempts: int,
        throttles: int, fate: int, on_success: int = 0, on_failure: int = 0, dlq: int = 0,
        lost: bool = False,
    ) -> None:
        """Append one ``events`` row (``fate`` indexes FATES; targets are ``self.text`` codes)."""
        self.e_event.append(event)
        self.e_function.append(function)
        self.e_enqueued.append(enqueued_at)
        self.e_resolved.append(resolved_at)
        self.e_attempts.append(attempts)
        self.e_throttles.append(throttles)
        self.e_fate.append(fate)
        self.e_on_success.append(on_success)
        self.e_on_failure.append(on_failure)
        self.e_dlq.append(dlq)
        self.e_lost.append(lost)

    def reject(self, at: float, function: str, qualifier: str, error_code: str, http_status: int,
               message: str) -> None:
        """Record an invoke refused before it was queued (it never becomes an event)."""
        self.rejected.append((at, function, qualifier, error_code, http_status, message))

    @property
    def n_attempt_rows(self) -> int:
        return len(self.a_event)

    # -- reading ------------------------------------------------------------------------------------

    def to_frames(self, now: float, pending: Sequence[tuple] = (), copy: bool = True) -> dict:
        """Build the ``attempts``, ``events`` and ``rejected`` DataFrames as of time ``now``.

        ``pending`` holds ``(event, function, enqueued_at, attempts, throttles)`` for each event still
        unresolved: it gets fate ``pending``. Executions that end after ``now`` (a horizon cut them
        off) get outcome ``running`` and no end, duration or bill. The buffers are not changed, so a
        simulation can go on after its frames were taken.

        With ``copy=False`` the frames share the buffers' memory (no second copy of a million rows);
        the recorder must not be written to afterwards, so only a finished run does that.
        """
        import numpy as np
        import pandas as pd

        def col(buffer: array, dtype) -> np.ndarray:
            if not len(buffer):
                return np.empty(0, dtype=dtype)
            view = np.frombuffer(buffer, dtype=dtype)
            return view.copy() if copy else view

        def codes(buffer: array, labels: Sequence[str]) -> pd.Categorical:
            return pd.Categorical.from_codes(col(buffer, np.int8 if buffer.typecode == "b" else np.int32),
                                             categories=list(labels))

        text = self.text.values

        def strings(buffer: array) -> np.ndarray:
            return np.asarray(text, dtype=object)[col(buffer, np.int32)]

        def with_pending(buffer: array, dtype, values) -> np.ndarray:
            column = col(buffer, dtype)
            return np.concatenate([column, np.asarray(values, dtype=dtype)]) if pending else column

        pending = list(pending)
        n_pending = len(pending)
        p_event, p_function, p_enqueued, p_attempts, p_throttles = (
            zip(*pending, strict=True) if pending else ((), (), (), (), ())
        )
        # The request id of each event, built once per event and shared by both tables.
        event_index = with_pending(self.e_event, np.int64, p_event)
        order = np.argsort(event_index, kind="stable")
        n_events = int(event_index.max()) + 1 if len(event_index) else 0
        ids = np.empty(n_events, dtype=object)
        ids[:] = [self.request_id(i) for i in range(n_events)]

        attempts = pd.DataFrame({
            "event_id": ids[col(self.a_event, np.int64)],
            "function": codes(self.a_function, self.functions),
            "qualifier": strings(self.a_qualifier),
            "attempt": col(self.a_attempt, np.int32),
            "kind": codes(self.a_kind, KINDS),
            "enqueued_at": col(self.a_enqueued, np.float64),
            "dispatched_at": col(self.a_dispatched, np.float64),
            "start_at": col(self.a_start, np.float64),
            "end_at": col(self.a_end, np.float64),
            "init_s": col(self.a_init, np.float64),
            "duration_s": col(self.a_duration, np.float64),
            "billed_ms": col(self.a_billed, np.int64),
            "outcome": codes(self.a_outcome, OUTCOMES),
            "error_type": strings(self.a_error),
            "event_age_s": col(self.a_age, np.float64),
            "concurrency_at_start": col(self.a_concurrency, np.int32),
            "queue_depth_at_start": col(self.a_depth, np.int32),
        }, copy=False)
        none = [0] * n_pending
        events = pd.DataFrame({
            "event_id": ids[event_index],
            "function": pd.Categorical.from_codes(
                with_pending(self.e_function, np.int32, p_function), categories=list(self.functions)),
            "enqueued_at": with_pending(self.e_enqueued, np.float64, p_enqueued),
            "resolved_at": with_pending(self.e_resolved, np.float64, [_NAN] * n_pending),
            "attempts": with_pending(self.e_attempts, np.int32, p_attempts),
            "throttles": with_pending(self.e_throttles, np.int32, p_throttles),
            "fate": pd.Categorical.from_codes(
                with_pending(self.e_fate, np.int8, [FATES.index("pending")] * n_pending),
                categories=list(FATES)),
            "on_success": np.asarray(text, dtype=object)[with_pending(self.e_on_success, np.int32, none)],
            "on_failure": np.asarray(text, dtype=object)[with_pending(self.e_on_failure, np.int32, none)],
            "dlq": np.asarray(text, dtype=object)[with_pending(self.e_dlq, np.int32, none)],
            "lost": with_pending(self.e_lost, np.int8, none).astype(bool),
        }, copy=False).iloc[order].reset_index(drop=True)
        running = attempts["end_at"].to_numpy() > now
        if running.any():
            attempts.loc[running, ["end_at", "duration_s"]] = _NAN
            attempts.loc[running, "billed_ms"] = 0
            attempts.loc[running, "outcome"] = "running"
        rejected = pd.DataFrame(self.rejected, columns=list(REJECTED_COLUMNS))
        return {"attempts": attempts, "events": events, "rejected": rejected}
