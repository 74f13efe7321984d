"""The async event queue: accept, dispatch, throttle, execute, retry, expire, resolve.

Each accepted event costs a few SimPy events at most: one timeout per execution (its end) and one
per wait in the queue (a throttle backoff or a retry delay). Callbacks, not a process per event,
keep that cheap; an attempt's row is written when it is dispatched, since its end is known then.

Choices where AWS is silent (design.md) are made here:

- ``aws`` dispatch: a poller takes an event as soon as it is enqueued or due; with no free
  concurrency the dispatch is throttled and the event waits ``min(base·2^(n−1), max)`` seconds,
  n counting the throttles since its last execution (optional jitter). Throttles do not use up
  ``MaximumRetryAttempts``.
- ``ideal`` dispatch: the event waits FIFO for the first free slot of its pool (an M/M/c queue),
  without throttles or the scaling rate.
- A function error is retried 60 s, then 120 s, after the failed attempt ends (optional jitter).
- Event age runs from enqueue. It is checked at every dispatch and whenever the event is put back
  in the queue: if its next dispatch could not come before ``MaximumEventAgeInSeconds``, it fails
  at once with ``EventAgeExceeded`` (AWS's recorded behaviour after a failed attempt; applied to
  throttle backoff as well).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import simpy

from lambdasim.engine.concurrency import THROTTLE_REASONS
from lambdasim.engine.live_function import SUCCESS, TIMEOUT, LiveFunction, billed_ms
from lambdasim.records import FAILED_FATES, FATES, Recorder

__all__ = ["EventQueue", "AsyncEvent", "Router", "no_destinations"]

NAN = float("nan")
# Codes of records.KINDS / OUTCOMES / FATES.
INVOKE, THROTTLE, EXPIRE, DUPLICATE = 0, 1, 2, 3
THROTTLED, EXPIRED = 3, 4
SUCCEEDED, RETRIES_EXHAUSTED, EVENT_AGE_EXCEEDED, ZERO_RESERVED, RECURSION_STOPPED = 0, 1, 2, 3, 4
# Event states.
QUEUED, WAITING, RUNNING, RESOLVED = 0, 1, 2, 3  # WAITING: in an ``ideal`` pool's FIFO

#: A routing function: given a resolved event, its fate (a records.FATES name) and the time,
#: deliver it where AWS would and return (on_success ARN, on_failure ARN, DLQ ARN, lost).
Router = Callable[["AsyncEvent", str, float], tuple[str, str, str, bool]]


def no_destinations(event: AsyncEvent, fate: str, now: float) -> tuple[str, str, str, bool]:
    """The router when nothing is configured: a failed event is discarded, so it is lost."""
    return "", "", "", fate in FAILED_FATES


class AsyncEvent:
    """An accepted event in the async queue (alive only until it is resolved)."""

    __slots__ = (
        "index", "fn", "qualifier", "qualifier_code", "payload", "size_bytes", "enqueued_at", "attempts",
        "throttles", "streak", "state", "outcome", "failure", "response", "duplicate", "chain", "version",
    )

    def __init__(self, index: int, fn: LiveFunction, qualifier: str, qualifier_code: int, payload: Any,
                 size_bytes: int, enqueued_at: float, duplicate: bool = False, chain: int = 1) -> None:
        self.index = index
        self.fn = fn
        self.qualifier = qualifier
        self.qualifier_code = qualifier_code
        self.payload = payload
        self.size_bytes = size_bytes
        self.enqueued_at = enqueued_at
        self.attempts = 0       # executions so far: approximateInvokeCount
        self.throttles = 0
        self.streak = 0         # throttles since the last execution: drives the backoff
        self.state = QUEUED
        self.outcome = SUCCESS
        self.failure = None     # failures.Failure of the last attempt
        self.response = None    # the handler's return value on success
        self.duplicate = duplicate
        self.chain = chain      # invocations so far in the chain this event belongs to (loop detection)
        self.version = fn.version_of(qualifier)  # the version that runs: executedVersion


class EventQueue:
    """The async-invocation model on a SimPy environment.

    Parameters
    ----------
    env
        The SimPy environment (virtual clock).
    queue
        :class:`~lambdasim.model.scenario.QueueSettings`: backoff, retry delays, jitter, duplicates.
    recorder
        Where rows are written.
    ideal
        Use the ``ideal`` dispatch policy instead of ``aws``.
    jitter
        A uniform [0, 1) sampler used only when jitter or duplicates are configured.
    request_id
        Maps an event index to its request id.
    router
        The routing function each resolved event is handed to.
    """

    def __init__(self, env: simpy.Environment, queue: Any, recorder: Recorder, ideal: bool,
                 jitter: Callable[[], float], duplicates: Callable[[], float],
                 request_id: Callable[[int], str], router: Router = no_destinations) -> None:
        self.env = env
        self.recorder = recorder
        self.ideal = ideal
        self.request_id = request_id
        self.router = router
        self.backoff_base = float(queue.throttle_backoff_base_s)
        self.backoff_max = float(queue.throttle_backoff_max_s)
        self.throttle_jitter = float(queue.throttle_jitter)
        self.retry_delays = tuple(float(d) for d in queue.retry_delays_s)
        self.retry_jitter = float(queue.retry_jitter_s)
        self.duplicate_probability = float(queue.duplicate_probability)
        self.duplicate_delay = float(queue.duplicate_delay_s)
        self.jitter = jitter
        self.duplicates = duplicates
        self.live: dict[int, AsyncEvent] = {}   # unresolved events by index
        self.accepted = 0
        self.duplicates_in_flight = 0
        self.sources = 0             # workloads still producing arrivals
        self.stop: simpy.Event | None = None
        self._text = recorder.text
        self._reason_codes = {r: recorder.text(r) for r in THROTTLE_REASONS.values()}
        self._expired_code = recorder.text("EventAgeExceeded")

    # -- accepting -------------------------------------------------------------------------------

    def accept(self, fn: LiveFunction, payload: Any, qualifier: str, size_bytes: int,
               chain: int = 1) -> AsyncEvent:
        """Queue an event (the 202 path) and dispatch it at once; return it.

        ``chain`` counts the invocations in the chain of events this one belongs to (1 for an
        event from outside; one more for each hop through a Lambda destination or SNS topic).
        """
        now = self.env.now
        event = AsyncEvent(self.accepted, fn, qualifier, self._text(qualifier), payload, size_bytes, now,
                           chain=chain)
        self.accepted += 1
        self.live[event.index] = event
        self.recorder.open_event(event.index, fn.code, now, size_bytes)
        if fn.recursion_limit is not None and chain > fn.recursion_limit:
            self._resolve(event, RECURSION_STOPPED, now)  # loop detection: this invocation is stopped
            return event
        if self.duplicate_probability and self.duplicates() < self.duplicate_probability:
            copy = AsyncEvent(event.index, fn, qualifier, event.qualifier_code, payload, size_bytes, now,
                              duplicate=True)
            self.duplicates_in_flight += 1
            self.env.timeout(self.duplicate_delay, copy).callbacks.append(self._on_due)
        self.dispatch(event)
        return event

    def drive(self, arrivals: Iterator, accept_arrival: Callable) -> Iterator:
        """SimPy process: feed one workload's arrivals to ``accept_arrival`` at their times.

        The caller counts the workload in ``sources`` before starting the process, so a run cannot
        be judged finished before the first arrival.
        """
        env = self.env
        try:
            for arrival in arrivals:
                delay = arrival[0] - env.now
                if delay > 0:
                    yield env.timeout(delay)
                accept_arrival(arrival)
        finally:
            self.sources -= 1
            self._check_done()

    # -- dispatching -----------------------------------------------------------------------------

    def dispatch(self, event: AsyncEvent) -> None:
        """A poller hands the event to the function, or it is throttled (or waits, when ideal)."""
        now = self.env.now
        fn = event.fn
        pool = fn.pool
        if pool.limit == 0 and fn.reserved and not event.duplicate:
            # Reserved concurrency 0: no retries, straight to the failure channels (spec §4).
            self._throttle_row(event, now, THROTTLE_REASONS["reserved"])
            event.throttles += 1
            self._resolve(event, ZERO_RESERVED, now)
            return
        if now - event.enqueued_at > fn.settings_for(event.qualifier).max_age and not event.duplicate:
            self._expire(event, now)
            return
        init, reason = self.acquire(fn, now)
        if reason is not None:
            if self.ideal and not event.duplicate:
                self._wait(event, pool)
            else:
                self._throttle(event, now, reason)
            return
        if event.duplicate:
            kind, attempt = DUPLICATE, 1
        else:
            event.attempts += 1
            event.streak = 0
            kind, attempt = INVOKE, event.attempts
        event.state = RUNNING
        start = now + init
        run, outcome, failure, response = fn.execute(
            event.payload, event.qualifier, start, self.request_id, event.index
        )
        event.outcome, event.failure, event.response = outcome, failure, response
        delay = init + run
        self.recorder.attempt(
            event.index, fn.code, event.qualifier_code, attempt, kind, event.enqueued_at, now, start,
            now + delay, init, run, billed_ms(delay), outcome,
            self._text(failure.error_type) if failure is not None else 0, fn.in_flight, fn.queued,
        )
        self.env.timeout(delay, event).callbacks.append(self._on_end)

    def acquire(self, fn: LiveFunction, now: float) -> tuple[float, str | None]:
        """Take a concurrency slot and an execution environment: ``(init_s, None)``, or
        ``(0, reason)`` when the invocation is throttled (nothing is taken then)."""
        pool = fn.pool
        if pool.in_use >= pool.limit:
            return 0.0, pool.full_reason
        if fn.envs.take_warm(now):
            init = 0.0
        elif fn.envs.can_create(now):
            init = fn.cold_start()
        else:
            return 0.0, THROTTLE_REASONS["scaling"]
        pool.in_use += 1
        if pool.in_use > pool.peak:
            pool.peak = pool.in_use
        fn.in_flight += 1
        return init, None

    def release(self, fn: LiveFunction, now: float, reset: bool) -> None:
        """Give back a slot; the environment stays warm unless the attempt reset it (a timeout)."""
        fn.pool.in_use -= 1
        fn.in_flight -= 1
        if not reset:
            fn.envs.release(now)

    def _on_end(self, timeout: simpy.Event) -> None:
        """An execution ended: free its slot, then resolve the event or schedule its retry."""
        event: AsyncEvent = timeout._value
        now = self.env.now
        fn = event.fn
        pool = fn.pool
        self.release(fn, now, reset=event.outcome == TIMEOUT)  # a timeout resets the environment
        if event.duplicate:
            self.duplicates_in_flight -= 1
            self._check_done()
        elif event.outcome == SUCCESS:
            self._resolve(event, SUCCEEDED, now)
        elif event.attempts <= fn.settings_for(event.qualifier).max_retry:
            delay = self.retry_delays[event.attempts - 1]
            if self.retry_jitter:
                delay += self.retry_jitter * self.jitter()
            self._requeue(event, now, delay)
        else:
            self._resolve(event, RETRIES_EXHAUSTED, now)
        if self.ideal and pool.waiting:
            self._serve(pool)

    def _throttle(self, event: AsyncEvent, now: float, reason: str) -> None:
        self._throttle_row(event, now, reason)
        if event.duplicate:  # an extra delivery that finds no capacity is simply not made
            self.duplicates_in_flight -= 1
            self._check_done()
            return
        event.throttles += 1
        event.streak += 1
        delay = min(self.backoff_base * 2.0 ** (event.streak - 1), self.backoff_max)
        if self.throttle_jitter:
            delay = min(delay * (1.0 + self.throttle_jitter * (2.0 * self.jitter() - 1.0)), self.backoff_max)
        self._requeue(event, now, delay)

    def _throttle_row(self, event: AsyncEvent, now: float, reason: str) -> None:
        self.recorder.attempt(
            event.index, event.fn.code, event.qualifier_code, 0, DUPLICATE if event.duplicate else THROTTLE,
            event.enqueued_at, now, NAN, NAN, 0.0, NAN, 0, THROTTLED, self._reason_codes[reason],
            event.fn.in_flight, event.fn.queued,
        )

    # -- waiting in the queue ----------------------------------------------------------------------

    def _requeue(self, event: AsyncEvent, now: float, delay: float) -> None:
        """Put the event back in the queue, due after ``delay``; expire it now if that is too late."""
        if now + delay - event.enqueued_at > event.fn.settings_for(event.qualifier).max_age:
            self._expire(event, now)
            return
        event.state = QUEUED
        event.fn.queued += 1
        self.env.timeout(delay, event).callbacks.append(self._on_due)

    def _on_due(self, timeout: simpy.Event) -> None:
        event: AsyncEvent = timeout._value
        if not event.duplicate:
            event.fn.queued -= 1
        self.dispatch(event)

    def _wait(self, event: AsyncEvent, pool: Any) -> None:
        """``ideal`` policy: wait FIFO for a slot; a timer expires the event at its age limit."""
        event.state = WAITING
        event.fn.queued += 1
        pool.waiting.append(event)
        limit_in = event.enqueued_at + event.fn.settings_for(event.qualifier).max_age - self.env.now
        self.env.timeout(limit_in, event).callbacks.append(self._on_age_limit)

    def _on_age_limit(self, timeout: simpy.Event) -> None:
        event: AsyncEvent = timeout._value
        if event.state == WAITING:  # it stays in the FIFO as a resolved entry that _serve skips
            event.fn.queued -= 1
            self._expire(event, self.env.now)

    def _serve(self, pool: Any) -> None:
        """``ideal`` policy: hand free slots to the events at the head of the FIFO."""
        while pool.waiting and pool.in_use < pool.limit:
            event = pool.waiting.popleft()
            if event.state == WAITING:
                event.fn.queued -= 1
                self.dispatch(event)

    # -- resolving ---------------------------------------------------------------------------------

    def _expire(self, event: AsyncEvent, now: float) -> None:
        self.recorder.attempt(
            event.index, event.fn.code, event.qualifier_code, 0, EXPIRE, event.enqueued_at, now, NAN, NAN,
            0.0, NAN, 0, EXPIRED, self._expired_code, event.fn.in_flight, event.fn.queued,
        )
        self._resolve(event, EVENT_AGE_EXCEEDED, now)

    def _resolve(self, event: AsyncEvent, fate: int, now: float) -> None:
        """The event's one fate: hand it to the router, write its row, and maybe end the run."""
        event.state = RESOLVED
        # The event stays live while it is routed: routing can invoke (and even resolve) other
        # events, and the run must not be judged finished in the middle of that.
        on_success, on_failure, dlq, lost = self.router(event, FATES[fate], now)
        del self.live[event.index]
        text = self._text
        self.recorder.close_event(
            event.index, now, event.attempts, event.throttles, fate,
            text(on_success) if on_success else 0, text(on_failure) if on_failure else 0,
            text(dlq) if dlq else 0, lost,
        )
        if not self.live:
            self._check_done()

    def _check_done(self) -> None:
        """End a run-until-resolved once nothing is live, in flight or still to arrive."""
        stop = self.stop
        if (stop is not None and not stop.triggered and not self.live and not self.sources
                and not self.duplicates_in_flight):
            stop.succeed()
