"""The columnar recorder the engine writes to.

Each ``attempts`` and ``events`` row is packed by one precompiled ``struct`` call into a
``bytearray`` per table (no object per row, one call per row on the engine's hot path); the other
tables are typed ``array`` buffers or short lists. The results layer views the bytes as columns
and turns them into DataFrames in one step (:mod:`lambdasim.results.frames`), so neither the
engine nor this module imports pandas.
"""

from __future__ import annotations

import math
import struct
from array import array
from collections.abc import Sequence
from typing import Any

from lambdasim.records.bodies import Body
from lambdasim.records.request_ids import RequestIds
from lambdasim.records.schema import (
    FATE_PENDING,
    KIND_EXPIRE,
    KIND_SYSTEM_ERROR,
    OUTCOME_EXPIRED,
    OUTCOME_SYSTEM_ERROR,
    OUTCOME_THROTTLED,
)

__all__ = ["ATTEMPT_FIELDS", "EVENT_FIELDS", "Recorder"]

_NAN = math.nan

#: The stored fields of an ``attempts`` row, in order, with their ``struct`` codes (little-endian,
#: no padding): 4-byte indexes, codes and counts, 1-byte labels, 8-byte times. ``billed_ms`` is at
#: most 910,000 ms (a 10-s Init limit plus the 900-s timeout). ``event_age_s`` is derived on read.
ATTEMPT_FIELDS = (
    ("event", "i"), ("function", "i"), ("qualifier", "i"), ("attempt", "i"), ("kind", "b"),
    ("enqueued_at", "d"), ("dispatched_at", "d"), ("start_at", "d"), ("end_at", "d"), ("init_s", "d"),
    ("duration_s", "d"), ("billed_ms", "i"), ("outcome", "b"), ("error_type", "i"), ("concurrency", "i"),
    ("queue_depth", "i"),
)
#: The stored fields of an ``events`` row. :meth:`Recorder.open_event` writes a whole row;
#: :meth:`Recorder.close_event` overwrites everything from ``resolved_at`` on (one ``pack_into``).
#: ``payload_bytes`` is at most the 1 MB async limit; ``max_event_age_s`` at most 21,600 (2 bytes).
EVENT_FIELDS = (
    ("function", "i"), ("enqueued_at", "d"), ("payload_bytes", "i"),
    ("resolved_at", "d"), ("attempts", "i"), ("throttles", "i"), ("fate", "b"), ("on_success", "i"),
    ("on_failure", "i"), ("dlq", "i"), ("lost", "b"), ("max_event_age_s", "h"), ("max_retry_attempts", "b"),
)
_ATTEMPT = struct.Struct("<" + "".join(code for _, code in ATTEMPT_FIELDS))
_EVENT = struct.Struct("<" + "".join(code for _, code in EVENT_FIELDS))
_FATE = struct.Struct("<" + "".join(code for _, code in EVENT_FIELDS[3:]))
_pack_attempt = _ATTEMPT.pack
_pack_event = _EVENT.pack
_pack_fate_into = _FATE.pack_into
_ATTEMPT_SIZE = _ATTEMPT.size
_EVENT_SIZE = _EVENT.size
_FATE_OFFSET = _EVENT.size - _FATE.size


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
    """Packed row buffers for the ``attempts`` and ``events`` tables (``attempt_rows``, ``event_rows``).

    ``events`` rows are stored by event index: :meth:`open_event` appends a ``pending`` row when an
    event is accepted and :meth:`close_event` fills in its fate, so the table needs no sorting and
    an event unresolved at a horizon is already there as ``pending``.

    ``attempts`` rows are written by kind of row, each method taking only the values that row has:
    :meth:`execution` (code ran: an async attempt, a duplicate delivery or a synchronous invoke),
    :meth:`throttle` (refused for lack of concurrency), :meth:`system_error` (a Lambda 500-series
    error at dispatch) and :meth:`expiry`. Rows of kind ``sync``
    store the synchronous invoke's own index in the event column (its id comes from ``sync_ids``).

    Parameters
    ----------
    functions
        Function names; rows store their index.
    request_ids
        The :class:`RequestIds` of the run; the frames show each event's id.
    sync_ids
        The request ids of synchronous invokes (by their own index); None when there are none.
    """

    def __init__(self, functions: Sequence[str], request_ids: RequestIds,
                 sync_ids: RequestIds | None = None) -> None:
        self.functions = list(functions)  # grows when a function is created during a run
        self.request_ids = request_ids
        self.sync_ids = sync_ids
        self.strings = _Interner()  # qualifiers, error types, target ARNs
        self._expired = self.strings("EventAgeExceeded")
        # attempts and events: one packed row per record (ATTEMPT_FIELDS, EVENT_FIELDS), written by one
        # ``struct`` call each; the frames view the bytes as columns.
        self.attempt_rows = bytearray()
        self._add_attempt = self.attempt_rows.extend
        # Rows (positions in ``attempt_rows``) of executions on provisioned environments: kept
        # sparse, as most runs have none; the frames turn them into the ``provisioned`` column.
        self.a_provisioned_rows = array("q")
        self.event_rows = bytearray()  # by event index
        self._add_event = self.event_rows.extend
        self.rejected: list[tuple] = []
        # deliveries, one per attempt to deliver (a few per event at most, only when targets are set):
        # numbers and interned strings in arrays, each body once (the target's message shares it).
        self.d_event = array("i")
        self.d_at = array("d")
        self.d_ok = array("b")
        self.d_text = array("i")   # channel, target type, target ARN, condition, failure reason: codes
        self.d_bodies: list = []
        self._delivery_codes: dict[tuple[str, ...], tuple[int, ...]] = {}
        # queue_ops (QUEUE_OP_COLUMNS): numbers in arrays, queue ARNs and ops as codes, ids as text
        self.q_at = array("d")
        self.q_code = array("i")          # (queue ARN code, op code) pairs
        self.q_count = array("i")
        self.q_visible_at = array("d")
        self.q_message: list = []         # the Messages (their ids are text only when read)
        self.settings: list[tuple] = []    # functions table (FUNCTION_COLUMNS): a few rows per change
        self._lent = False  # frames share the buffers' memory (result(copy=False)): see detach()

    # -- lending the buffers ------------------------------------------------------------------------

    def lend(self) -> None:
        """Note that frames now share the buffers' memory (``result(copy=False)``)."""
        self._lent = True

    def detach(self) -> None:
        """Before the run records more: leave lent buffers to the frames that share them, and write
        to copies from now on (a lent buffer can neither grow nor change under its frames).

        Called by the model before anything is recorded, so no row is ever half written; costs one
        copy, only after a ``copy=False`` result."""
        if self._lent:
            for name, value in list(vars(self).items()):
                if isinstance(value, array):
                    setattr(self, name, array(value.typecode, value))
                elif isinstance(value, bytearray):
                    setattr(self, name, bytearray(value))
            self.q_message = list(self.q_message)  # a queue_ops snapshot shares it too
            self._add_attempt = self.attempt_rows.extend
            self._add_event = self.event_rows.extend
            self._lent = False

    # -- writing (the engine's hot path: plain appends, no per-row objects) ------------------------

    def execution(
        self, kind: int, event: int, function: int, qualifier: int, attempt: int, enqueued_at: float,
        dispatched_at: float, start_at: float, end_at: float, init_s: float, duration_s: float,
        billed_ms: int, outcome: int, error_type: int, concurrency: int, queue_depth: int,
    ) -> None:
        """Append the row of an execution (``kind``: KIND_INVOKE, KIND_DUPLICATE or KIND_SYNC).

        ``outcome`` indexes OUTCOMES; ``qualifier`` and ``error_type`` are :attr:`strings` codes.
        The arguments are positional on purpose: this is the engine's hot path.
        """
        self._add_attempt(_pack_attempt(event, function, qualifier, attempt, kind, enqueued_at, dispatched_at,
                                        start_at, end_at, init_s, duration_s, billed_ms, outcome, error_type,
                                        concurrency, queue_depth))

    def ran_provisioned(self) -> None:
        """Mark the execution row just appended as run on a provisioned-concurrency environment."""
        self.a_provisioned_rows.append(self.attempt_count - 1)

    def throttle(self, kind: int, event: int, function: int, qualifier: int, enqueued_at: float, at: float,
                 reason: int, concurrency: int, queue_depth: int) -> None:
        """Append the row of a dispatch refused for lack of concurrency: nothing ran, nothing is billed.

        ``kind`` is KIND_THROTTLE for an async event (KIND_DUPLICATE, KIND_SYNC for those invokes);
        ``reason`` is the :attr:`strings` code of the ``TooManyRequestsException`` reason.
        """
        self._not_run(kind, event, function, qualifier, enqueued_at, at, OUTCOME_THROTTLED, reason,
                      concurrency, queue_depth)

    def expiry(self, event: int, function: int, qualifier: int, enqueued_at: float, at: float,
               concurrency: int, queue_depth: int) -> None:
        """Append the row of an event that expired (``EventAgeExceeded``) at ``at``."""
        self._not_run(KIND_EXPIRE, event, function, qualifier, enqueued_at, at, OUTCOME_EXPIRED,
                      self._expired, concurrency, queue_depth)

    def system_error(self, event: int, function: int, qualifier: int, enqueued_at: float, at: float,
                     error_type: int, concurrency: int, queue_depth: int) -> None:
        """Append the row of an async dispatch that met a Lambda system error (500-series) at ``at``:
        nothing ran, nothing is billed; ``error_type`` is the :attr:`strings` code of AWS's error name."""
        self._not_run(KIND_SYSTEM_ERROR, event, function, qualifier, enqueued_at, at, OUTCOME_SYSTEM_ERROR,
                      error_type, concurrency, queue_depth)

    def _not_run(self, kind: int, event: int, function: int, qualifier: int, enqueued_at: float, at: float,
                 outcome: int, error_type: int, concurrency: int, queue_depth: int) -> None:
        self._add_attempt(_pack_attempt(event, function, qualifier, 0, kind, enqueued_at, at, _NAN, _NAN, 0.0,
                                        _NAN, 0, outcome, error_type, concurrency, queue_depth))

    def open_event(self, event: int, function: int, enqueued_at: float, payload_bytes: int) -> None:
        """Add the ``pending`` row of a newly accepted event (``event`` is the next index)."""
        self._add_event(_pack_event(function, enqueued_at, payload_bytes, _NAN, 0, 0, FATE_PENDING,
                                    0, 0, 0, 0, 0, 0))

    def close_event(
        self, event: int, resolved_at: float, attempts: int, throttles: int, fate: int,
        max_event_age_s: int, max_retry_attempts: int,
        on_success: int = 0, on_failure: int = 0, dlq: int = 0, lost: bool = False,
    ) -> None:
        """Write an event's fate (``fate`` indexes FATES; targets are :attr:`strings` codes) and the
        age and retry limits in force for it at that moment."""
        _pack_fate_into(self.event_rows, event * _EVENT_SIZE + _FATE_OFFSET, resolved_at, attempts, throttles,
                        fate, on_success, on_failure, dlq, lost, max_event_age_s, max_retry_attempts)

    @property
    def attempt_count(self) -> int:
        """Rows in ``attempts`` so far."""
        return len(self.attempt_rows) // _ATTEMPT_SIZE

    @property
    def event_count(self) -> int:
        """Rows in ``events`` (accepted events) so far."""
        return len(self.event_rows) // _EVENT_SIZE

    def function_settings(self, row: tuple) -> None:
        """Append a row of the functions table (values in FUNCTION_COLUMNS order)."""
        self.settings.append(row)

    def reject(self, at: float, function: str, qualifier: str, error_code: str, http_status: int,
               message: str) -> None:
        """Record an invoke refused before it was queued (it never becomes an event)."""
        self.rejected.append((at, function, qualifier, error_code, http_status, message))

    def delivery(self, event: int, at: float, channel: str, target_type: str, target_arn: str,
                 condition: str, ok: bool, failure_reason: str, body: str | Body) -> None:
        """Record one attempt to deliver a record (or a DLQ message) to a target.

        ``body`` is the text, or the :class:`~lambdasim.records.bodies.Body` of a message that
        carries earlier records (it shares them; :meth:`delivery_rows` says how it is shown).
        """
        self.d_event.append(event)
        self.d_at.append(at)
        self.d_ok.append(ok)
        # The five texts' codes, looked up as one key (a run delivers to a few targets, in a few ways).
        key = (channel, target_type, target_arn, condition, failure_reason)
        codes = self._delivery_codes.get(key)
        if codes is None:
            codes = self._delivery_codes[key] = tuple(map(self.strings, key))
        self.d_text.extend(codes)
        self.d_bodies.append(body)

    def queue_op(self, at: float, queue_arn: str, op: int, message: Any, receive_count: int,
                 visible_at: float) -> None:
        """Record one thing that happened to a message of a simulated SQS queue (``op``: its
        position in QUEUE_OPS). Also written between runs (a boto3 receive under ``mock_aws``), so it
        moves off lent buffers itself."""
        if self._lent:
            self.detach()
        self.q_at.append(at)
        code = self.strings.codes.get(queue_arn)
        self.q_code.extend((self.strings(queue_arn) if code is None else code, op))
        self.q_count.append(receive_count)
        self.q_visible_at.append(visible_at)
        self.q_message.append(message)  # the Message: its id is made when the frame is

    @property
    def deliveries(self) -> list[tuple]:
        """The deliveries as rows in DELIVERY_COLUMNS order (bodies as recorded)."""
        values = self.strings.values
        text = self.d_text
        return [(self.d_event[i], self.d_at[i], *[values[c] for c in text[5 * i:5 * i + 4]],
                 bool(self.d_ok[i]), values[text[5 * i + 4]], self.d_bodies[i])
                for i in range(len(self.d_event))]

    def delivery_bodies(self) -> list:
        """Each delivery's body as text, except a body that carries earlier records (a chain through
        Lambda destinations, an SNS topic feeding itself): that one stays a shared :class:`Body`
        (``str(body)`` gives its text), since the texts of a long chain add up quadratically (a loop
        run to the 1 MB limit would need about 1.5 GB for them)."""
        return [str(b) if type(b) is Body and b.depth == 1 else b for b in self.d_bodies]
