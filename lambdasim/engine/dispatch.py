"""Dispatch policies: what happens to an event that finds no free concurrency (docs/aws-behaviour.md §4).

- :class:`AwsDispatch` (``aws``, the default): the dispatch is throttled (a ``throttle`` row) and the
  event goes back to the queue for ``min(base·2^(n−1), max)`` seconds, n counting its throttles
  since its last execution, with optional jitter; new environments are limited by the scaling rate.
- :class:`IdealDispatch` (``ideal``): the event waits FIFO in its pool for the first free slot (an
  M/M/c queue, to teach the contrast and to check against queueing theory), with a timer that
  expires it at its age limit; no throttles, and the scaling rate does not apply.

A policy sees only async events: duplicate deliveries and synchronous invokes are never queued
again (:mod:`lambdasim.engine.duplicates`, :class:`~lambdasim.engine.queue.SyncInvoke`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lambdasim.engine.states import WAITING
from lambdasim.records.schema import KIND_THROTTLE

if TYPE_CHECKING:
    import simpy

    from lambdasim.engine.concurrency import Pool
    from lambdasim.engine.executions import AsyncEvent
    from lambdasim.engine.queue import EventQueue
    from lambdasim.model.scenario import QueueSettings

__all__ = ["AwsDispatch", "IdealDispatch", "POLICIES", "policy_for"]


class AwsDispatch:
    """Throttle and back off (AWS's behaviour); the scaling rate applies."""

    #: New environments are limited to 1,000 per 10 s per function.
    limit_scaling = True

    def __init__(self, queue: EventQueue, settings: QueueSettings) -> None:
        self.queue = queue

    def refused(self, event: AsyncEvent, now: float, reason: str) -> None:
        """No slot: a ``throttle`` row, then back to the queue after the backoff (or expiry)."""
        queue = self.queue
        fn = event.fn
        queue.recorder.throttle(KIND_THROTTLE, event.index, fn.index, event.qualifier_code, event.enqueued_at,
                                now, queue.reason_codes[reason], fn.in_flight, fn.queued)
        event.throttles += 1
        event.streak += 1
        queue.requeue(event, now, queue.backoff(event.streak))

    def serve(self, pool: Pool) -> None:
        """Nothing waits in a pool under this policy."""


class IdealDispatch:
    """Wait FIFO for a free slot; no throttles and no scaling rate."""

    limit_scaling = False

    def __init__(self, queue: EventQueue, settings: QueueSettings) -> None:
        self.queue = queue

    def refused(self, event: AsyncEvent, now: float, reason: str) -> None:
        """No slot: wait in the pool's FIFO; a timer expires the event at its age limit."""
        queue = self.queue
        pool = event.fn.pool
        event.state = WAITING
        event.fn.queued += 1
        pool.waiting.append(event)
        limit_in = event.enqueued_at + event.fn.settings_for(event.qualifier).max_age - now
        queue.env.timeout(limit_in, event).callbacks.append(self._on_age_limit)

    def _on_age_limit(self, timeout: simpy.Event) -> None:
        event: AsyncEvent = timeout._value
        if event.state == WAITING:  # it stays in the FIFO as a resolved entry that serve() skips
            event.fn.queued -= 1
            self.queue.expire(event, self.queue.env.now)

    def serve(self, pool: Pool) -> None:
        """Hand free slots to the events at the head of the pool's FIFO."""
        dispatch = self.queue.dispatch
        while pool.waiting and pool.in_use < pool.limit:
            event = pool.waiting.popleft()
            if event.state == WAITING:
                event.fn.queued -= 1
                dispatch(event)


#: The policies by their scenario name (``Scenario.dispatch``).
POLICIES = {"aws": AwsDispatch, "ideal": IdealDispatch}


def policy_for(name: str, queue: EventQueue, settings: QueueSettings) -> AwsDispatch | IdealDispatch:
    """The dispatch policy called ``name`` for ``queue``."""
    return POLICIES[name](queue, settings)
