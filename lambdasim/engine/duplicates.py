"""Duplicate deliveries: the extra executions of at-least-once delivery (off by default).

AWS may deliver an async event more than once (docs/aws-behaviour.md §2: "at least once"); a scenario
switches this on with ``queue.duplicate_probability``. The rules of a duplicate, written here once:

- it is drawn when its event is accepted and delivered ``duplicate_delay_s`` later;
- it goes through the queue's one execution path (:meth:`EventQueue.acquire` and
  :meth:`EventQueue.execute`) and writes a ``duplicate`` row (attempt 1; billed like any execution);
- it obeys the event-age limit like any delivery from the queue: one due after its event's
  ``MaximumEventAgeInSeconds`` (its qualifier's, at that moment) is not delivered, and writes no row
  (a copy the queue drops is not an event: the event's own fate is unchanged);
- it skips the reserved-0 check (with reserved concurrency 0 it simply finds no slot) and does not
  count toward the event's attempts, throttles or fate;
- with no concurrency it is refused (a ``duplicate`` row with outcome ``throttled``) and is not
  retried: the extra delivery simply does not happen;
- it is routed as an execution of the event: when it succeeds and the qualifier has an
  ``OnSuccess`` destination, that destination receives its invocation record (``Success``,
  ``approximateInvokeCount`` 1, the copy's own response), as a consumer of destinations sees
  duplicates. A duplicate that fails is not retried and sends nothing: the event's own attempts
  decide its failure routing. AWS is silent on both; these are the simulator's choices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lambdasim.engine.live_function import SUCCESS
from lambdasim.records.schema import KIND_DUPLICATE

if TYPE_CHECKING:
    import simpy

    from lambdasim.engine.executions import AsyncEvent
    from lambdasim.engine.live_function import LiveFunction
    from lambdasim.engine.queue import EventQueue
    from lambdasim.model.failures import Failure
    from lambdasim.model.scenario import QueueSettings

__all__ = ["Duplicate", "Duplicates"]


class Duplicate:
    """One extra delivery of an accepted event (an :class:`~lambdasim.engine.executions.Execution`)."""

    __slots__ = ("index", "fn", "qualifier", "qualifier_code", "payload", "enqueued_at", "outcome", "failure",
                 "response", "raw", "version", "chain", "attempts")

    def __init__(self, event: AsyncEvent) -> None:
        self.index = event.index
        self.fn: LiveFunction = event.fn
        self.qualifier = event.qualifier
        self.qualifier_code = event.qualifier_code
        self.payload = event.payload
        self.enqueued_at = event.enqueued_at
        self.outcome = SUCCESS
        self.failure: Failure | None = None
        self.response: Any = None
        # What routing reads, as of an AsyncEvent: the body as sent, the version, the chain, and
        # its own executions (one).
        self.raw = event.raw
        self.version = event.version
        self.chain = event.chain
        self.attempts = 1

    def ended(self, queue: EventQueue, now: float) -> None:
        """Its execution ended (the slot is released): a success is routed, then nothing follows."""
        duplicates = queue.duplicates
        if self.outcome == SUCCESS and duplicates.route is not None:
            duplicates.route(self, now)
        duplicates.done()


class Duplicates:
    """The duplicate deliveries of one queue: when they happen and how many are still to come.

    Parameters
    ----------
    queue
        The :class:`~lambdasim.engine.queue.EventQueue` they execute through.
    settings
        :class:`~lambdasim.model.scenario.QueueSettings` (``duplicate_probability``, ``duplicate_delay_s``).
    draw
        A uniform [0, 1) sampler, drawn once per accepted event when the probability is not 0.
    """

    def __init__(self, queue: EventQueue, settings: QueueSettings, draw: Callable[[], float]) -> None:
        self.queue = queue
        self.probability = float(settings.duplicate_probability)
        self.delay = float(settings.duplicate_delay_s)
        self.draw = draw
        self.in_flight = 0  # drawn and not yet finished: the run is not over while any is
        #: Where a successful duplicate is routed (``route(duplicate, now)``); None: nowhere.
        self.route: Callable[[Duplicate, float], None] | None = None

    def offer(self, event: AsyncEvent) -> None:
        """Maybe deliver ``event`` once more, ``delay`` seconds from now."""
        if self.draw() < self.probability:
            self.in_flight += 1
            self.queue.env.timeout(self.delay, Duplicate(event)).callbacks.append(self._on_due)

    def _on_due(self, timeout: simpy.Event) -> None:
        copy: Duplicate = timeout._value
        queue = self.queue
        now = queue.env.now
        fn = copy.fn
        if now - copy.enqueued_at > fn.settings_for(copy.qualifier).max_age:
            self.done()  # too old to be delivered: the queue drops the copy
            return
        init, reason = queue.acquire(fn, now)
        if reason is not None:
            reason_code = queue.reason_codes[reason]
            queue.recorder.throttle(KIND_DUPLICATE, copy.index, fn.index, copy.qualifier_code,
                                    copy.enqueued_at, now, reason_code, fn.in_flight, fn.queued)
            self.done()
            return
        queue.execute(copy, KIND_DUPLICATE, 1, now, init, queue.request_id)

    def done(self) -> None:
        """A duplicate finished or was refused."""
        self.in_flight -= 1
        self.queue._check_done()
