"""Record buffers to DataFrames: the one step from the engine's columns to pandas."""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from lambdasim.records.recorder import Recorder
from lambdasim.records.schema import (
    DELIVERY_COLUMNS,
    FATES,
    FUNCTION_COLUMNS,
    KIND_ESM,
    KIND_SYNC,
    KINDS,
    OUTCOMES,
    REJECTED_COLUMNS,
)

__all__ = ["to_frames"]

_NAN = math.nan
_ID_CHUNK = 65536
#: The dtype pandas gives a column of Python strings (``str`` since pandas 3).
_STR = pd.Series(np.array(["id"], dtype=object)).dtype


def _string_column(values: np.ndarray):
    """An object array of ``str`` as pandas' own string column, sharing the array.

    Handing pandas the object array makes it validate and copy it, with a transient of about 50
    bytes a row (50 MB for a million request ids); wrapping it in the string array pandas would
    build anyway costs nothing.
    """
    if isinstance(_STR, pd.StringDtype) and _STR.storage == "python":
        return pd.arrays.StringArray(values, dtype=_STR)
    return values


def _marked(n: int, positions: array) -> np.ndarray:
    """A boolean column of ``n`` rows, True at ``positions``."""
    column = np.zeros(n, dtype=bool)
    if len(positions):
        column[np.frombuffer(positions, dtype=np.int64)] = True
    return column


def to_frames(recorder: Recorder, now: float,
              pending: Mapping[int, tuple[int, int, int, int]] | None = None, copy: bool = True) -> dict:
    """Build the ``attempts``, ``events``, ``rejected``, ``deliveries`` and ``functions`` DataFrames
    as of time ``now``.

    ``pending`` maps each unresolved event's index to its ``(attempts, throttles)`` so far and the
    ``(max_event_age_s, max_retry_attempts)`` in force for it now.
    Executions that end after ``now`` (a horizon cut them off) get outcome ``running`` and no
    end, duration or bill. With ``copy=False`` the frames share the buffers' memory (no second
    copy of a million rows): only for a run that will not go on.
    """
    def col(buffer: array, dtype) -> np.ndarray:
        if not len(buffer):
            return np.empty(0, dtype=dtype)
        view = np.frombuffer(buffer, dtype=dtype)
        return view.copy() if copy else view

    def labelled(buffer: array, labels: Sequence[str]) -> pd.Categorical:
        codes = col(buffer, np.int8 if buffer.typecode == "b" else np.int32)
        return pd.Categorical.from_codes(codes, categories=list(labels))

    def text(buffer: array) -> pd.Categorical:
        """A string column: only the strings it uses, in interning order. (This is what
        ``remove_unused_categories`` gives, without its sort, which peaks at 27 bytes a row.)"""
        values = recorder.strings.values
        codes = col(buffer, np.int32)
        used = np.zeros(len(values), dtype=bool)
        used[codes] = True
        keep = np.flatnonzero(used)
        remap = np.full(len(values), -1, dtype=np.int8 if keep.size < 128 else np.int32)
        remap[keep] = np.arange(keep.size)
        return pd.Categorical.from_codes(remap[codes], categories=[values[i] for i in keep])

    n_events = len(recorder.e_function)
    ids = np.empty(n_events, dtype=object)
    for first in range(0, n_events, _ID_CHUNK):  # in chunks: the hex temporaries stay small
        last = min(first + _ID_CHUNK, n_events)
        ids[first:last] = recorder.request_ids.many(np.arange(first, last))

    dispatched = col(recorder.a_dispatched, np.float64)
    enqueued = col(recorder.a_enqueued, np.float64)
    rows = col(recorder.a_event, np.int32)
    kinds = col(recorder.a_kind, np.int8)
    # A synchronous invoke's row (``sync`` or ``esm``) holds its own index, and its id is of another
    # series. (They are late kinds: the maximum finds any without a temporary mask.)
    if len(kinds) and kinds.max() >= KIND_SYNC:
        sync = (kinds == KIND_SYNC) | (kinds == KIND_ESM)
        event_id = np.empty(len(rows), dtype=object)
        event_id[~sync] = ids[rows[~sync]]
        event_id[sync] = recorder.sync_ids.many(rows[sync])
    else:
        event_id = ids[rows]
    attempts = pd.DataFrame({
        "event_id": _string_column(event_id),
        "function": labelled(recorder.a_function, recorder.functions),
        "qualifier": text(recorder.a_qualifier),
        "attempt": col(recorder.a_attempt, np.int32),
        "kind": pd.Categorical.from_codes(kinds, categories=list(KINDS)),
        "enqueued_at": enqueued,
        "dispatched_at": dispatched,
        "start_at": col(recorder.a_start, np.float64),
        "end_at": col(recorder.a_end, np.float64),
        "init_s": col(recorder.a_init, np.float64),
        "duration_s": col(recorder.a_duration, np.float64),
        "billed_ms": col(recorder.a_billed, np.int32),
        "outcome": labelled(recorder.a_outcome, OUTCOMES),
        "error_type": text(recorder.a_error),
        "event_age_s": dispatched - enqueued,
        "concurrency_at_start": col(recorder.a_concurrency, np.int32),
        "queue_depth_at_start": col(recorder.a_depth, np.int32),
        "provisioned": _marked(len(rows), recorder.a_provisioned_rows),
    }, copy=False)
    running = attempts["end_at"].to_numpy() > now
    if running.any():
        attempts.loc[running, ["end_at", "duration_s"]] = _NAN
        attempts.loc[running, "billed_ms"] = 0
        attempts.loc[running, "outcome"] = "running"

    events = pd.DataFrame({
        "event_id": _string_column(ids),
        "function": labelled(recorder.e_function, recorder.functions),
        "enqueued_at": col(recorder.e_enqueued, np.float64),
        "resolved_at": col(recorder.e_resolved, np.float64),
        "attempts": col(recorder.e_attempts, np.int32),
        "throttles": col(recorder.e_throttles, np.int32),
        "fate": labelled(recorder.e_fate, FATES),
        "on_success": text(recorder.e_on_success),
        "on_failure": text(recorder.e_on_failure),
        "dlq": text(recorder.e_dlq),
        "lost": col(recorder.e_lost, np.int8).view(bool),
        "payload_bytes": col(recorder.e_payload_bytes, np.int32),
        "max_event_age_s": col(recorder.e_max_age, np.int16),
        "max_retry_attempts": col(recorder.e_max_retry, np.int8),
    }, copy=False)
    if pending:
        unresolved = np.fromiter(pending, dtype=np.int64, count=len(pending))
        counts = np.array(list(pending.values()), dtype=np.int32).reshape(-1, 4)
        for i, column in enumerate(("attempts", "throttles", "max_event_age_s", "max_retry_attempts")):
            events.loc[unresolved, column] = counts[:, i].astype(events[column].dtype)
    rejected = pd.DataFrame(recorder.rejected, columns=list(REJECTED_COLUMNS))
    def interned(codes: np.ndarray) -> pd.Categorical:
        """A column of interned strings: the ones it uses, in interning order."""
        keep, inverse = np.unique(codes, return_inverse=True)
        return pd.Categorical.from_codes(inverse.astype(np.int32), categories=[strings[k] for k in keep])

    delivery_text = col(recorder.d_text, np.int32).reshape(-1, 5)
    strings = recorder.strings.values
    deliveries = pd.DataFrame({
        "event_id": _string_column(ids[col(recorder.d_event, np.int32)]),
        "at": col(recorder.d_at, np.float64),
        **{name: interned(delivery_text[:, i])
           for i, name in enumerate(("channel", "target_type", "target_arn", "condition", "failure_reason"))},
        "ok": col(recorder.d_ok, np.int8).view(bool),
        "body": pd.Series(recorder.delivery_bodies()),  # str, or object when a chain's Body is there
    }, columns=list(DELIVERY_COLUMNS), copy=False)
    functions = pd.DataFrame(recorder.settings, columns=list(FUNCTION_COLUMNS))
    functions = functions.astype({
        "at": float, "memory_mb": np.int64, "timeout_s": float, "pool_limit": np.int64,
        "reserved_concurrency": float, "provisioned_concurrency": np.int64,
        "max_retry_attempts": np.int64, "max_event_age_s": np.int64,
    })
    return {"attempts": attempts, "events": events, "rejected": rejected, "deliveries": deliveries,
            "functions": functions}
