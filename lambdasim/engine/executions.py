"""What the queue moves: an accepted async event, a synchronous invoke, and the routing signature.

An :class:`Execution` is anything that takes a slot and runs the code; when it ends the queue calls
its :meth:`~Execution.ended`, which decides what follows (an async event is resolved or retried, a
synchronous invoke just ends). The queue (:mod:`lambdasim.engine.queue`) is passed in, not imported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lambdasim.engine.live_function import SUCCESS
from lambdasim.engine.states import QUEUED
from lambdasim.records import FAILED_FATES
from lambdasim.records.schema import FATE_RETRIES_EXHAUSTED, FATE_SUCCEEDED

if TYPE_CHECKING:
    from lambdasim.engine.live_function import LiveFunction
    from lambdasim.engine.queue import EventQueue
    from lambdasim.model.failures import Failure

__all__ = ["Execution", "AsyncEvent", "SyncInvoke", "Router", "no_destinations"]

#: A routing function: given a resolved event, its fate (a records.FATES name) and the time,
#: deliver it where AWS would and return (on_success ARN, on_failure ARN, DLQ ARN, lost).
Router = Callable[["AsyncEvent", str, float], tuple[str, str, str, bool]]


def no_destinations(event: AsyncEvent, fate: str, now: float) -> tuple[str, str, str, bool]:
    """The router when nothing is configured: a failed event is discarded, so it is lost."""
    return "", "", "", fate in FAILED_FATES


class Execution:
    """What :meth:`EventQueue.execute` runs: a function, a qualifier, a payload and a row index.

    ``index`` is the row's id: the event's index for an async event and its duplicate, the
    synchronous invoke's own index for a ``sync`` row. ``outcome``, ``failure`` and ``response``
    are those of the last execution.
    """

    __slots__ = ("index", "fn", "qualifier", "qualifier_code", "payload", "enqueued_at", "outcome", "failure",
                 "response")

    def __init__(self, index: int, fn: LiveFunction, qualifier: str, qualifier_code: int, payload: Any,
                 enqueued_at: float) -> None:
        self.index = index
        self.fn = fn
        self.qualifier = qualifier
        self.qualifier_code = qualifier_code
        self.payload = payload
        self.enqueued_at = enqueued_at
        self.outcome = SUCCESS
        self.failure: Failure | None = None  # of the last execution
        self.response: Any = None            # the handler's return value on success

    def ended(self, queue: EventQueue, now: float) -> None:
        """Called once the execution has ended and its slot is released."""


class AsyncEvent(Execution):
    """An accepted event in the async queue (alive only until it is resolved).

    ``raw`` is the request body exactly as the caller sent it (the DLQ message body, which AWS
    delivers byte for byte), or None when it is what :func:`~lambdasim.engine.live_function.request_body`
    gives for ``payload``: a payload given as data is sent as AWS's SDKs are usually handed it,
    ``json.dumps(payload)``. Kept only while the event is live.
    """

    __slots__ = ("size_bytes", "attempts", "throttles", "streak", "state", "chain", "version", "raw")

    def __init__(self, index: int, fn: LiveFunction, qualifier: str, qualifier_code: int, payload: Any,
                 size_bytes: int, enqueued_at: float, chain: int = 1, raw: bytes | None = None) -> None:
        # Execution's fields, set here rather than through its __init__: one call less per event.
        self.index = index
        self.fn = fn
        self.qualifier = qualifier
        self.qualifier_code = qualifier_code
        self.payload = payload
        self.enqueued_at = enqueued_at
        self.outcome = SUCCESS
        self.failure = None
        self.response = None
        self.size_bytes = size_bytes
        self.attempts = 0       # executions so far: approximateInvokeCount
        self.throttles = 0
        self.streak = 0         # throttles since the last execution: drives the backoff
        self.state = QUEUED
        self.chain = chain      # invocations so far in the chain this event belongs to (loop detection)
        self.version = fn.aliases.get(qualifier, qualifier)  # executedVersion (fn.version_of, inlined)
        self.raw = raw

    def ended(self, queue: EventQueue, now: float) -> None:
        """An attempt ended: the event succeeded, is retried after a delay, or has no retries left."""
        if self.outcome == SUCCESS:
            queue._resolve(self, FATE_SUCCEEDED, now)
        else:
            limits = self.fn.settings.get(self.qualifier) or self.fn.defaults  # fn.settings_for, inlined
            if self.attempts <= limits.max_retry:
                queue.retry(self, now, limits.max_age)
                return
            queue._resolve(self, FATE_RETRIES_EXHAUSTED, now)


class SyncInvoke(Execution):
    """A synchronous (``RequestResponse``) invoke: one execution, or a refusal, and nothing after.

    ``refused`` is the ``TooManyRequestsException`` reason when there was no concurrency, else None;
    ``init_s`` and ``duration_s`` are the execution's cold start and run time.
    """

    __slots__ = ("refused", "init_s", "duration_s")

    def ended(self, queue: EventQueue, now: float) -> None:
        queue.sync_in_flight -= 1
        queue._check_done()
