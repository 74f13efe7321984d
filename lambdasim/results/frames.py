"""Record buffers to DataFrames: the one step from the engine's columns to pandas."""

from __future__ import annotations

import functools
import math
from array import array
from collections.abc import Callable, Mapping, Sequence
from types import SimpleNamespace

import numpy as np
import pandas as pd

from lambdasim.records.recorder import ATTEMPT_FIELDS, EVENT_FIELDS, Recorder
from lambdasim.records.schema import (
    DELIVERY_COLUMNS,
    FATES,
    FUNCTION_COLUMNS,
    KIND_ESM,
    KIND_SYNC,
    KINDS,
    OUTCOMES,
    QUEUE_OP_COLUMNS,
    QUEUE_OPS,
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


#: Whether pandas keeps ``str`` columns in Arrow (pyarrow installed): ids are then written straight
#: into an Arrow buffer, 36 bytes and an 8-byte offset a row, with no Python ``str`` per id.
_ARROW_STR = isinstance(_STR, pd.StringDtype) and _STR.storage == "pyarrow"


def _arrow_ids(series, indices: np.ndarray, sync_series=None, sync: np.ndarray | None = None):
    """The request ids of ``indices`` (``sync_series``'s where ``sync`` is set) as an Arrow ``str`` column.

    The ids' ASCII is laid out in numpy (in chunks, so the hashing temporaries stay small) and
    becomes the column's data buffer as is: the same values and dtype as the Python-string path,
    at 44 bytes a row, with no Python ``str`` made.
    """
    import pyarrow as pa

    n = len(indices)
    text = np.empty((n, 36), dtype=np.uint8)
    for first in range(0, n, _ID_CHUNK):
        text[first:first + _ID_CHUNK] = series.many_text(indices[first:first + _ID_CHUNK])
    if sync is not None:
        text[sync] = sync_series.many_text(indices[sync])
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int64)
    column = pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text)])
    return pd.arrays.ArrowStringArray(column, dtype=_STR)


def _row_dtype(fields) -> np.dtype:
    """The numpy dtype of one packed row (the recorder's ``struct`` layout: little-endian, no padding)."""
    numpy_code = {"b": "i1", "h": "i2", "i": "i4", "d": "f8"}
    return np.dtype([(name, "<" + numpy_code[code]) for name, code in fields])


_ATTEMPT_ROW = _row_dtype(ATTEMPT_FIELDS)
_EVENT_ROW = _row_dtype(EVENT_FIELDS)


def _marked(n: int, positions: array) -> np.ndarray:
    """A boolean column of ``n`` rows, True at ``positions``."""
    column = np.zeros(n, dtype=bool)
    if len(positions):
        column[np.frombuffer(positions, dtype=np.int64)] = True
    return column


def to_frames(recorder: Recorder, now: float,
              pending: Mapping[int, tuple[int, int, int, int]] | None = None, copy: bool = True) -> dict:
    """Build the ``attempts``, ``events``, ``rejected``, ``deliveries``, ``functions`` and
    ``queue_ops`` DataFrames
    as of time ``now``.

    ``pending`` maps each unresolved event's index to its ``(attempts, throttles)`` so far and the
    ``(max_event_age_s, max_retry_attempts)`` in force for it now.
    Executions that end after ``now`` (a horizon cut them off) get outcome ``running`` and no
    end, duration or bill. With ``copy=False`` the frames share the buffers' memory (no second
    copy of a million rows): only for a run that will not go on.
    """
    def col(buffer, dtype) -> np.ndarray:
        if not len(buffer):
            return np.empty(0, dtype=dtype)
        view = np.frombuffer(buffer, dtype=dtype)
        return view.copy() if copy else view

    # The packed rows seen as columns: strided views of the recorder's bytes (copy=False), or each
    # column copied out contiguous.
    attempt_rows = np.frombuffer(recorder.attempt_rows, dtype=_ATTEMPT_ROW)
    event_rows = np.frombuffer(recorder.event_rows, dtype=_EVENT_ROW)

    def field(rows: np.ndarray, name: str) -> np.ndarray:
        return rows[name].copy() if copy else rows[name]

    def labelled(codes: np.ndarray, labels: Sequence[str]) -> pd.Categorical:
        return pd.Categorical.from_codes(codes, categories=list(labels))

    def text(codes: np.ndarray) -> pd.Categorical:
        """A string column: only the strings it uses, in interning order. (This is what
        ``remove_unused_categories`` gives, without its sort, which peaks at 27 bytes a row.)"""
        values = recorder.strings.values
        used = np.zeros(len(values), dtype=bool)
        used[codes] = True
        keep = np.flatnonzero(used)
        remap = np.full(len(values), -1, dtype=np.int8 if keep.size < 128 else np.int32)
        remap[keep] = np.arange(keep.size)
        return pd.Categorical.from_codes(remap[codes], categories=[values[i] for i in keep])

    n_events = len(event_rows)
    ids = None  # with Arrow strings each column writes its own ids
    if not _ARROW_STR:  # one Python str per event, shared by every column that names the event
        ids = np.empty(n_events, dtype=object)
        for first in range(0, n_events, _ID_CHUNK):  # in chunks: the hex temporaries stay small
            last = min(first + _ID_CHUNK, n_events)
            ids[first:last] = recorder.request_ids.many(np.arange(first, last))

    def id_column(indices: np.ndarray | None, sync: np.ndarray | None = None):
        """The ids of the events at ``indices`` (None: every event, in order)."""
        if ids is None:
            every = np.arange(n_events) if indices is None else indices
            return _arrow_ids(recorder.request_ids, every, recorder.sync_ids, sync)
        if indices is None:
            return _string_column(ids)
        if sync is None:
            return _string_column(ids[indices])
        # a sync row's index is of the sync series, not an event's: only the others look ids up
        column = np.empty(len(indices), dtype=object)
        column[~sync] = ids[indices[~sync]]
        column[sync] = recorder.sync_ids.many(indices[sync])
        return _string_column(column)

    a = attempt_rows
    dispatched = field(a, "dispatched_at")
    enqueued = field(a, "enqueued_at")
    rows = a["event"]  # read here only: the frame has the ids
    kinds = field(a, "kind")
    # A synchronous invoke's row (``sync`` or ``esm``) holds its own index, and its id is of another
    # series. (They are the last kinds: the maximum finds any without a temporary mask the size of the table.)
    sync = None
    if len(kinds) and kinds.max() >= KIND_SYNC:
        sync = (kinds == KIND_SYNC) | (kinds == KIND_ESM)
    attempts = pd.DataFrame({
        "event_id": id_column(rows, sync),
        "function": labelled(field(a, "function"), recorder.functions),
        "qualifier": text(a["qualifier"]),
        "attempt": field(a, "attempt"),
        "kind": pd.Categorical.from_codes(kinds, categories=list(KINDS)),
        "enqueued_at": enqueued,
        "dispatched_at": dispatched,
        "start_at": field(a, "start_at"),
        "end_at": field(a, "end_at"),
        "init_s": field(a, "init_s"),
        "duration_s": field(a, "duration_s"),
        "billed_ms": field(a, "billed_ms"),
        "outcome": labelled(field(a, "outcome"), OUTCOMES),
        "error_type": text(a["error_type"]),
        "event_age_s": dispatched - enqueued,
        "concurrency_at_start": field(a, "concurrency"),
        "queue_depth_at_start": field(a, "queue_depth"),
        "provisioned": _marked(len(rows), recorder.a_provisioned_rows),
    }, copy=False)
    running = attempts["end_at"].to_numpy() > now
    if running.any():
        attempts.loc[running, ["end_at", "duration_s"]] = _NAN
        attempts.loc[running, "billed_ms"] = 0
        attempts.loc[running, "outcome"] = "running"

    e = event_rows
    events = pd.DataFrame({
        "event_id": id_column(None),
        "function": labelled(field(e, "function"), recorder.functions),
        "enqueued_at": field(e, "enqueued_at"),
        "resolved_at": field(e, "resolved_at"),
        "attempts": field(e, "attempts"),
        "throttles": field(e, "throttles"),
        "fate": labelled(field(e, "fate"), FATES),
        "on_success": text(e["on_success"]),
        "on_failure": text(e["on_failure"]),
        "dlq": text(e["dlq"]),
        "lost": field(e, "lost").view(bool),
        "payload_bytes": field(e, "payload_bytes"),
        "max_event_age_s": field(e, "max_event_age_s"),
        "max_retry_attempts": field(e, "max_retry_attempts"),
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
        "event_id": id_column(col(recorder.d_event, np.int32)),
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
            "functions": functions, "queue_ops": queue_ops_snapshot(recorder, copy)}


def queue_ops_snapshot(recorder: Recorder, copy: bool = True) -> Callable[[], pd.DataFrame]:
    """The ``queue_ops`` rows as of now, made into a frame only when called: the frame gives every
    row's message id as text, which a run with a million DLQ deliveries would otherwise pay for
    whether or not anyone looks (the buffers are copied now, or with ``copy=False`` shared, as the
    other frames share theirs, until :meth:`Recorder.detach`; the messages are shared)."""
    if not copy:
        rows = SimpleNamespace(q_at=recorder.q_at, q_code=recorder.q_code, q_count=recorder.q_count,
                               q_visible_at=recorder.q_visible_at, q_message=recorder.q_message,
                               strings=recorder.strings)
        return functools.partial(queue_ops_frame, rows)
    rows = SimpleNamespace(q_at=array("d", recorder.q_at), q_code=array("i", recorder.q_code),
                           q_count=array("i", recorder.q_count),
                           q_visible_at=array("d", recorder.q_visible_at),
                           q_message=list(recorder.q_message), strings=recorder.strings)
    return functools.partial(queue_ops_frame, rows)  # a partial, not a lambda: a Result pickles


def queue_ops_frame(recorder: Recorder | SimpleNamespace) -> pd.DataFrame:
    """The ``queue_ops`` table (QUEUE_OP_COLUMNS), in time order (rows of one instant in the order
    they happened). Always copied: the queues may record more between runs."""
    codes = np.array(recorder.q_code, dtype=np.int32).reshape(-1, 2)
    strings = recorder.strings.values
    keep, inverse = np.unique(codes[:, 0], return_inverse=True)
    frame = pd.DataFrame({
        "at": np.array(recorder.q_at, dtype=np.float64),
        "queue": pd.Categorical.from_codes(inverse.astype(np.int32), categories=[strings[k] for k in keep]),
        "op": pd.Categorical.from_codes(codes[:, 1], categories=list(QUEUE_OPS)),
        "message_id": pd.Series([m.message_id for m in recorder.q_message], dtype=_STR),
        "receive_count": np.array(recorder.q_count, dtype=np.int32),
        "visible_at": np.array(recorder.q_visible_at, dtype=np.float64),
    }, columns=list(QUEUE_OP_COLUMNS))
    order = np.argsort(frame["at"].to_numpy(), kind="stable")
    return frame.iloc[order].reset_index(drop=True)
