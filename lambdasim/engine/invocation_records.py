"""What a destination receives: the invocation record, its compact JSON, and the run's cache of
record templates.

:func:`invocation_record` builds the record Lambda sends to a destination for a resolved event
(docs/aws-behaviour.md §6); :data:`CONDITIONS` names each fate's ``requestContext.condition``.
:class:`~lambdasim.engine.destinations.Destinations` (the router) decides which targets get it.

Records that carry earlier records (a chain through Lambda destinations, an SNS topic that feeds a
function whose record comes back) are kept as shared :class:`~lambdasim.records.bodies.Body` texts:
each hop's record is its own few hundred bytes around the one before (:func:`encode`), never a
nested dict re-encoded, so a chain of any length runs in time and memory linear in its hops.
A plain record is kept as a :class:`~lambdasim.records.bodies.RecordText`: a template shared by
every record of the same content (:meth:`RecordCache.template`), plus the event's index and the
delivery time, its text built on read.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lambdasim.model.rules import error_object
from lambdasim.records.bodies import (
    REQUEST_ID_MARK,
    TIMESTAMP_MARK,
    Body,
    RecordTemplate,
    RecordTemplates,
)

if TYPE_CHECKING:
    from lambdasim.engine.duplicates import Duplicate
    from lambdasim.engine.executions import AsyncEvent
    from lambdasim.model.scenario import Scenario
    from lambdasim.records import RequestIds

__all__ = ["CONDITIONS", "invocation_record", "encode", "RecordCache"]

#: The record's ``requestContext.condition`` for each fate.
CONDITIONS = {
    "succeeded": "Success",
    "retries_exhausted": "RetriesExhausted",
    "event_age_exceeded": "EventAgeExceeded",
    "zero_reserved_concurrency": "ZeroReservedConcurrency",
    "recursion_stopped": "RecursiveInvocationException",
}
#: Records' contents remembered by key (see RecordCache.template); past this many, encoded each time.
_TEMPLATE_KEYS = 4096


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


#: Stands in for a record's ``requestPayload`` while the rest of the record is encoded (a string
#: no JSON of ours contains before that point: the splice is made at its first occurrence).
_SPLICE = "\x00requestPayload\x00"
_SPLICE_JSON = _json(_SPLICE)


def encode(value: dict, record: dict) -> bytes | Body:
    """The compact JSON of ``value`` (a record, or an EventBridge event holding ``record``).

    When ``record["requestPayload"]`` is a :class:`~lambdasim.records.bodies.Body` (the event was
    itself a record: a chain of Lambda destinations), its bytes are spliced in, not re-encoded:
    the result is a Body sharing them, so a long chain costs time and memory linear in its hops and
    never meets Python's recursion limit. The text is the same as ``json.dumps`` of the parsed value.
    """
    payload = record["requestPayload"]
    if not isinstance(payload, Body):
        return _json(value).encode()
    record["requestPayload"] = _SPLICE
    try:
        text = _json(value)
    finally:
        record["requestPayload"] = payload
    head, tail = text.split(_SPLICE_JSON, 1)
    return Body(head.encode(), payload, tail.encode())


class _Stamp:
    """A record's ``timestamp``: the wall-clock time of a virtual second, ISO 8601 in UTC, in
    milliseconds with a ``Z`` (what :meth:`~lambdasim.engine.destinations.Destinations.timestamp`
    gives; kept apart so a :class:`RecordText` read after the run holds the scenario, not the router)."""

    __slots__ = ("start",)

    def __init__(self, scenario: Scenario) -> None:
        self.start = scenario.wall_time(0.0).replace(tzinfo=None)  # parsed once, not per record

    def __call__(self, now: float) -> str:
        return (self.start + timedelta(seconds=now)).isoformat(timespec="milliseconds") + "Z"


def invocation_record(event: AsyncEvent | Duplicate, condition: str, timestamp: str, request_id: str) -> dict:
    """The invocation record Lambda sends to a destination (docs/aws-behaviour.md §6), for a resolved event.

    An event that ran carries ``responseContext`` and ``responsePayload``: the handler's return
    value on success, the last attempt's error object (with ``functionError: Unhandled``, as the
    Python runtime reports it) on failure. An event that never ran carries neither.
    ``requestPayload`` is the event's payload; for an event that was itself a record it is that
    record's :class:`~lambdasim.records.bodies.Body` (:func:`encode` splices it in).
    """
    fn = event.fn
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": timestamp,
        "requestContext": {
            "requestId": request_id,
            "functionArn": f"{fn.arn}:{event.qualifier}",
            "condition": condition,
            "approximateInvokeCount": event.attempts,
        },
        "requestPayload": event.payload if event.payload is not None else {},
    }
    if event.attempts:
        context = {"statusCode": 200, "executedVersion": event.version}
        if condition == "Success":
            record["responseContext"] = context
            record["responsePayload"] = event.response
        else:
            failure = event.failure
            context["functionError"] = "Unhandled"
            record["responseContext"] = context
            record["responsePayload"] = error_object(failure.error_type, failure.error_message, request_id,
                                                     failure.stack_trace)
    return record


class RecordCache:
    """The run's record templates: the shared :class:`~lambdasim.records.bodies.RecordTemplates`
    and, in front of them, the templates remembered by what a record holds (:meth:`template`).

    Parameters
    ----------
    scenario
        The scenario (its ``start_time`` gives the records' timestamps).
    request_ids
        The run's request ids.
    message_ids
        The router's message ids (a record kept as its message reads its id from them).
    """

    def __init__(self, scenario: Scenario, request_ids: RequestIds, message_ids: RequestIds) -> None:
        self.templates = RecordTemplates(request_ids, _Stamp(scenario), message_ids)
        self._templates_by_content: dict[tuple, tuple[Any, RecordTemplate | None]] = {}

    def template(self, event: AsyncEvent | Duplicate, condition: str) -> RecordTemplate | None:
        """The template of ``event``'s record (None: ambiguous, see :meth:`RecordTemplates.of`).

        Looked up by what the record holds, so that the events of one workload (which share one
        payload object: handlers get a copy, nothing changes it) build and encode their record once,
        not once each. The key holds the payload's identity, and the entry the payload itself, so an
        id is never reused while its entry lives; a handler's response (any object) is not keyed."""
        ran = event.attempts > 0
        failure = event.failure if ran and condition != "Success" else None
        if ran and failure is None and event.response is not None:
            return self._encoded_template(event, condition)
        payload = event.payload
        key = (event.fn.arn, event.qualifier, condition, event.attempts, event.version if ran else None,
               id(payload), failure)
        entry = self._templates_by_content.get(key)
        if entry is not None and entry[0] is payload:
            return entry[1]
        template = self._encoded_template(event, condition)
        if len(self._templates_by_content) < _TEMPLATE_KEYS:
            self._templates_by_content[key] = (payload, template)
        return template

    def _encoded_template(self, event: AsyncEvent | Duplicate, condition: str) -> RecordTemplate | None:
        record = invocation_record(event, condition, TIMESTAMP_MARK, REQUEST_ID_MARK)
        failed = event.attempts and condition != "Success" and "requestId" in record["responsePayload"]
        return self.templates.of(_json(record), 2 if failed else 1)
