"""The async event queue: accept, dispatch, throttle, execute, retry, expire, resolve.

Each accepted event costs a few SimPy events at most: one timeout per execution (its end) and one
per wait in the queue (a throttle backoff or a retry delay). Callbacks, not a process per event,
keep that cheap; an attempt's row is written when it is dispatched, since its end is known then.

Every execution, whatever started it, goes through the same two steps here: :meth:`EventQueue.acquire`
then :meth:`EventQueue.execute` (a slot and an environment are taken, the attempt is decided, its
row written and its end scheduled), and :meth:`EventQueue._on_end` (the slot is released, then the
execution's own ``ended`` says what follows). Three things execute:

- an :class:`AsyncEvent` attempt (kind ``invoke``): retried or resolved when it ends;
- a duplicate delivery (kind ``duplicate``, :mod:`lambdasim.engine.duplicates`);
- a synchronous invoke (kind ``sync``, :class:`SyncInvoke`): nothing follows its end.

An event's life in the queue (``AsyncEvent.state``, :mod:`lambdasim.engine.states`)::

    accept ─► QUEUED ─dispatch─► a free slot and environment?
                ▲                  │ yes                │ no
                │                  ▼                    ├─ aws: a throttle row, then the backoff ─┐
                │               RUNNING                 └─ ideal: WAITING in the pool's FIFO ─────┤
                │                  │ the attempt ends                                             │
                │                  ├─ error, retries left: the retry delay ───────────────────────┤
                │                  └─ success, or no retries left ─► RESOLVED                     │
                └──────────── due again (ideal: dispatched as soon as a slot frees) ◄─────────────┘

A dispatch that meets a Lambda system error (500-series, kind ``system_error``) goes back to QUEUED
the same way as a throttle, under either policy, before any slot is taken.

Also RESOLVED: ``event_age_exceeded`` at a dispatch, whenever its next dispatch would come too
late, or (WAITING) when its age limit comes; ``zero_reserved_concurrency`` at a dispatch;
``recursion_stopped`` at accept.

A RESOLVED event is handed to the router (destinations, DLQ) once and its ``events`` row is
written; an event still QUEUED, WAITING or RUNNING when a horizon stops the run is ``pending``.

Provisioned concurrency (:class:`~lambdasim.engine.concurrency.Provisioned`): an async attempt or
a synchronous invoke of a provisioned version or alias first takes an idle provisioned environment
(``init_s`` 0, no scaling token, no new pool slot: its environments hold theirs while configured)
and spills over to :meth:`EventQueue.acquire` beyond the count. Choices: a duplicate delivery runs
on demand (it goes through ``acquire`` alone), and the ``ideal`` policy's FIFO is served from
on-demand slots only.

Choices where AWS is silent (docs/aws-behaviour.md §3-§5) are made here and in
:mod:`lambdasim.engine.dispatch`:

- ``aws`` dispatch: a poller takes an event as soon as it is enqueued or due; with no free
  concurrency the dispatch is throttled and the event waits ``min(base·2^(n−1), max)`` seconds,
  n counting the throttles since its last execution (optional jitter). Throttles do not use up
  ``MaximumRetryAttempts``.
- A Lambda system error (500-series, from the function's ``failures``: ``system_error_probability``,
  ``system_outages``) met at a dispatch, under either policy, is handled as AWS documents for "throttling
  errors (429) and system errors (500-series)": a ``system_error`` row, and the event goes back to the
  queue with the throttle backoff (n counts throttles and system errors since its last execution). It
  is decided after the age check and before concurrency is taken: the function does not run (an
  error "before execution", docs/aws-behaviour.md §4), so it uses no retry attempt and no
  ``approximateInvokeCount``.
- ``ideal`` dispatch: the event waits FIFO for the first free slot of its pool (an M/M/c queue),
  without throttles or the scaling rate.
- A function error is retried 60 s, then 120 s, after the failed attempt ends (optional jitter).
- Event age runs from enqueue. It is checked at every dispatch and whenever the event is put back
  in the queue: if its next dispatch could not come before ``MaximumEventAgeInSeconds``, it fails
  at once with ``EventAgeExceeded`` (AWS's recorded behaviour after a failed attempt; applied to
  throttle backoff as well).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from lambdasim.engine.concurrency import THROTTLE_REASONS
from lambdasim.engine.dispatch import policy_for
from lambdasim.engine.duplicates import Duplicates
from lambdasim.engine.executions import AsyncEvent, Execution, Router, SyncInvoke, no_destinations
from lambdasim.engine.live_function import TIMEOUT, LiveFunction, billed_ms
from lambdasim.engine.states import QUEUED, RESOLVED, RUNNING
from lambdasim.engine.timers import after, at
from lambdasim.engine.wait_calendar import WaitCalendar
from lambdasim.records import FATES, Recorder
from lambdasim.records.schema import (
    FATE_EVENT_AGE_EXCEEDED,
    FATE_RECURSION_STOPPED,
    FATE_ZERO_RESERVED_CONCURRENCY,
    KIND_INVOKE,
    KIND_SYNC,
    KIND_THROTTLE,
)

if TYPE_CHECKING:
    from lambdasim.model.scenario import QueueSettings

__all__ = ["EventQueue"]


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
    dispatch
        The dispatch policy's name: ``aws`` or ``ideal`` (:mod:`lambdasim.engine.dispatch`).
    jitter
        A uniform [0, 1) sampler used only when jitter is configured.
    duplicates
        A uniform [0, 1) sampler used only when duplicate deliveries are configured.
    request_id
        Maps an event index to its request id.
    router
        The routing function each resolved event is handed to.
    sync_ids
        Maps a synchronous invoke's index to its request id.
    """

    def __init__(self, env: simpy.Environment, queue: QueueSettings, recorder: Recorder, dispatch: str,
                 jitter: Callable[[], float], duplicates: Callable[[], float],
                 request_id: Callable[[int], str], router: Router = no_destinations,
                 sync_ids: Callable[[int], str] | None = None) -> None:
        self.env = env
        self.recorder = recorder
        self.request_id = request_id
        self.sync_ids = sync_ids if sync_ids is not None else request_id
        self.router = router
        self.retry_delays = tuple(float(d) for d in queue.retry_delays_s)
        self.retry_jitter = float(queue.retry_jitter_s)
        self.nominal_backoff = queue.throttle_backoff_s
        self.backoff_max = float(queue.throttle_backoff_max_s)
        self.throttle_jitter = float(queue.throttle_jitter)
        self.jitter = jitter
        self.live: dict[int, AsyncEvent] = {}   # unresolved events by index
        self.accepted = 0
        self.synchronous = 0         # synchronous invokes so far (their indexes)
        self.sync_in_flight = 0      # synchronous executions not yet ended
        self.sources = 0             # workloads still producing arrivals
        self.stop: simpy.Event | None = None
        self._strings = recorder.strings
        self._string_codes = recorder.strings.codes
        #: ``strings`` code of each throttle reason.
        self.reason_codes = {r: recorder.strings(r) for r in THROTTLE_REASONS.values()}
        self._reserved_code = self.reason_codes[THROTTLE_REASONS["reserved"]]
        self.policy = policy_for(dispatch, self, queue)
        self.duplicates = Duplicates(self, queue, duplicates)
        self._duplicate_probability = self.duplicates.probability
        #: Executions running on a provisioned environment, and the configuration it belongs to.
        self.on_provisioned: dict[Execution, Any] = {}
        #: Events waiting in the queue (a retry delay, a throttle or system-error backoff): (due,
        #: SimPy event id, event) in a calendar of their own (:meth:`_wait`), and the ids of those
        #: with a timer in SimPy's heap.
        self.waiting = WaitCalendar()
        self.timed: set[int] = set()

    # -- accepting -------------------------------------------------------------------------------

    def accept(self, fn: LiveFunction, payload: Any, qualifier: str, size_bytes: int,
               chain: int = 1, raw: bytes | None = None) -> AsyncEvent:
        """Queue an event (the 202 path) and dispatch it at once; return it.

        ``chain`` counts the invocations in the chain of events this one belongs to (1 for an
        event from outside; one more for each hop through a Lambda destination or SNS topic).
        ``raw`` is the request body as sent, when the caller sent bytes (:class:`AsyncEvent`).
        """
        now = self.env._now  # SimPy's clock without the property call (engine/timers.py's guard)
        code = self._string_codes.get(qualifier)  # the interner's lookup, without a call per event
        if code is None:
            code = self._strings(qualifier)
        event = AsyncEvent(self.accepted, fn, qualifier, code, payload, size_bytes, now, chain, raw)
        self.accepted += 1
        self.live[event.index] = event
        self.recorder.open_event(event.index, fn.index, now, size_bytes)
        if fn.recursion_limit is not None and chain > fn.recursion_limit:
            self._resolve(event, FATE_RECURSION_STOPPED, now)  # loop detection: this invocation is stopped
            return event
        if self._duplicate_probability:
            self.duplicates.offer(event)
        self.dispatch(event)
        return event

    def invoke_sync(self, fn: LiveFunction, qualifier: str, payload: Any,
                    kind: int = KIND_SYNC) -> SyncInvoke:
        """Run a synchronous invoke now, through the same path as every execution.

        Its ``sync`` row is written either way; when there is no concurrency it is refused
        (``refused`` holds the reason) and nothing is retried: a synchronous caller retries itself.
        """
        now = self.env.now
        job = SyncInvoke(self.synchronous, fn, qualifier, self._strings(qualifier), payload, now)
        self.synchronous += 1
        if fn.provisioned and self._take_provisioned(job):
            init, reason = 0.0, None
        else:
            init, reason = self.acquire(fn, now)
        job.refused = reason
        if reason is not None:
            job.init_s = job.duration_s = 0.0
            self.recorder.throttle(kind, job.index, fn.index, job.qualifier_code, now, now,
                                   self.reason_codes[reason], fn.in_flight, fn.queued)
            return job
        job.init_s = init
        job.duration_s = self.execute(job, kind, 1, now, init, self.sync_ids)
        self.sync_in_flight += 1  # a run-until-resolved waits for it: no execution is cut off
        return job

    # -- dispatching -----------------------------------------------------------------------------

    def dispatch(self, event: AsyncEvent) -> None:
        """A poller hands the event to the function; with no free slot the policy decides."""
        now = self.env._now
        fn = event.fn
        if fn.pool.limit == 0 and fn.reserved:
            # Reserved concurrency 0: no retries, straight to the failure channels (docs/aws-behaviour.md §4).
            self.recorder.throttle(KIND_THROTTLE, event.index, fn.index, event.qualifier_code,
                                   event.enqueued_at, now, self._reserved_code, fn.in_flight, fn.queued)
            event.throttles += 1
            self._resolve(event, FATE_ZERO_RESERVED_CONCURRENCY, now)
            return
        limits = fn.settings.get(event.qualifier) or fn.defaults  # fn.settings_for, inlined
        if now - event.enqueued_at > limits.max_age:
            self.expire(event, now)
            return
        if fn.system_active:
            error_type = fn.system_error(now)
            if error_type is not None:
                self.system_error(event, now, error_type)
                return
        if fn.provisioned and self._take_provisioned(event):
            init, reason = 0.0, None
        else:
            init, reason = self.acquire(fn, now)
        if reason is not None:
            self.policy.refused(event, now, reason)
            return
        event.attempts += 1
        event.streak = 0
        event.state = RUNNING
        self.execute(event, KIND_INVOKE, event.attempts, now, init, self.request_id)

    def acquire(self, fn: LiveFunction, now: float) -> tuple[float, str | None]:
        """Take a concurrency slot and an execution environment: ``(init_s, None)``, or
        ``(0, reason)`` when the invocation is throttled (nothing is taken then)."""
        pool = fn.pool
        if pool.in_use >= pool.limit:
            return 0.0, pool.full_reason
        if fn.envs.take_warm(now):
            init = 0.0
        elif fn.envs.take_scaling_token(now):
            init = fn.cold_start()
        else:
            return 0.0, THROTTLE_REASONS["scaling"]
        pool.in_use += 1
        if pool.in_use > pool.peak:
            pool.peak = pool.in_use
        fn.in_flight += 1
        return init, None

    def _take_provisioned(self, job: Execution) -> bool:
        """Run ``job`` on an idle provisioned environment of its qualifier (or of the version an
        alias points to), if it has one: no cold start, no scaling allowance, and no new pool slot
        (its environments already hold theirs). False: it spills over to on-demand."""
        fn = job.fn
        prov = fn.provisioned.get(job.qualifier) or fn.provisioned.get(fn.aliases.get(job.qualifier, ""))
        if prov is None or prov.busy >= prov.count:
            return False
        prov.busy += 1
        fn.in_flight += 1
        self.on_provisioned[job] = prov
        return True

    def execute(self, job: Execution, kind: int, attempt: int, now: float, init: float,
                request_ids: Callable[[int], str]) -> float:
        """Run ``job`` in the slot :meth:`acquire` gave it: decide the attempt, write its row and
        schedule its end; return its run time (the cold start ``init`` comes before it)."""
        fn = job.fn
        start = now + init
        run, outcome, failure, response = fn.execute(job.payload, job.qualifier, start, request_ids,
                                                     job.index)
        job.outcome, job.failure, job.response = outcome, failure, response
        delay = init + run
        error_code = 0
        if failure is not None:
            error_code = self._string_codes.get(failure.error_type) or self._strings(failure.error_type)
        self.recorder.execution(
            kind, job.index, fn.index, job.qualifier_code, attempt, job.enqueued_at, now, start, now + delay,
            init, run, billed_ms(delay), outcome,
            error_code, fn.in_flight, fn.queued,
        )
        if fn.provisioned:
            prov = self.on_provisioned.get(job)
            if prov is not None:
                self.recorder.ran_provisioned()
                prov.billed_ms += billed_ms(delay)
                prov.executions += 1
        after(self.env, delay, job, self._on_end)
        return run

    def _on_end(self, timeout: simpy.Event) -> None:
        """An execution ended: release its slot (the environment stays warm unless a timeout reset
        it), serve any FIFO waiter, then let the execution go on (:meth:`Execution.ended`).

        The FIFO is served first: what the execution's end sends on (a Lambda destination into the
        same pool) arrives after the events already waiting, and must queue behind them."""
        job: Execution = timeout._value
        now = self.env._now
        fn = job.fn
        pool = fn.pool
        fn.in_flight -= 1
        if self.on_provisioned and job in self.on_provisioned:
            prov = self.on_provisioned.pop(job)
            if prov.busy > prov.count:  # configured down (or deleted) while it ran: its slot goes
                pool.in_use -= 1
            prov.busy -= 1  # back to idle, still initialised
        else:
            pool.in_use -= 1
            if job.outcome != TIMEOUT:
                fn.envs.release(now)
        if pool.waiting:  # only the ``ideal`` policy keeps a FIFO
            self.policy.serve(pool)
        job.ended(self, now)

    # -- waiting in the queue ----------------------------------------------------------------------

    def backoff(self, streak: int) -> float:
        """The wait after the ``streak``-th throttle or system error since the event's last execution:
        the queue settings' nominal backoff, with the throttle jitter when one is set."""
        delay = self.nominal_backoff(streak)
        if self.throttle_jitter:
            delay = min(delay * (1.0 + self.throttle_jitter * (2.0 * self.jitter() - 1.0)), self.backoff_max)
        return delay

    def system_error(self, event: AsyncEvent, now: float, error_type: str) -> None:
        """The dispatch met a Lambda system error (500-series): a ``system_error`` row, then back to the
        queue with the throttle backoff (or expiry). Nothing ran: no slot, no attempt, no retry used."""
        fn = event.fn
        self.recorder.system_error(event.index, fn.index, event.qualifier_code, event.enqueued_at, now,
                                   self._strings(error_type), fn.in_flight, fn.queued)
        event.streak += 1
        self.requeue(event, now, self.backoff(event.streak))

    def requeue(self, event: AsyncEvent, now: float, delay: float) -> None:
        """Put the event back in the queue after a throttle or system error, due after ``delay``."""
        fn = event.fn
        self._put_back(event, now, delay, (fn.settings.get(event.qualifier) or fn.defaults).max_age)

    def retry(self, event: AsyncEvent, now: float, max_age: float) -> None:
        """A failed attempt with retries left: back to the queue after the retry delay (with its
        jitter). ``max_age`` is the event's ``MaximumEventAgeInSeconds`` in effect."""
        delay = self.retry_delays[event.attempts - 1]
        if self.retry_jitter:
            delay += self.retry_jitter * self.jitter()
        self._put_back(event, now, delay, max_age)

    def _put_back(self, event: AsyncEvent, now: float, delay: float, max_age: float) -> None:
        """Queue the event again, due after ``delay``; expire it now if that is too late."""
        if now + delay - event.enqueued_at > max_age:
            self.expire(event, now)
            return
        event.state = QUEUED
        event.fn.queued += 1
        self._wait(event, now, delay)

    # A waiting event is kept in a calendar of its own (:mod:`lambdasim.engine.wait_calendar`), not
    # with a timer each in SimPy's heap. It takes, when it is put back, the SimPy event id its own
    # timer would have taken; only the earliest (and any put back ahead of a timer already set) has
    # a timer, and when one falls due the next earliest gets its timer, with its own time and id.
    # SimPy runs every wait's end at the same time and in the same order as with a timer each,
    # while its heap, which every execution's end and every arrival goes through, holds about what
    # is in flight and not every waiting event too (about 18,000 at 100 events/s that all fail and
    # wait out 1- and 2-minute retries, against ~100; as many again under heavy throttling).

    def _wait(self, event: AsyncEvent, now: float, delay: float) -> None:
        """The event waits ``delay`` seconds from ``now`` (the clock's time), then is dispatched."""
        entry = (now + delay, next(self.env._eid), event)  # the id a timer made now would take
        if self.waiting.push(entry):  # the earliest always has its timer
            self.timed.add(entry[1])
            at(self.env, entry[0], entry[1], event, self._on_due)

    def _on_due(self, timeout: simpy.Event) -> None:
        # The earliest waiting entry has a timer and every timer's entry is still waiting, so the
        # timer SimPy runs now (the earliest of all) is the earliest entry's.
        timed = self.timed
        done, entry = self.waiting.pop_then_earliest()
        timed.discard(done[1])
        if entry is not None and entry[1] not in timed:
            timed.add(entry[1])
            at(self.env, entry[0], entry[1], entry[2], self._on_due)
        event: AsyncEvent = timeout._value
        event.fn.queued -= 1
        self.dispatch(event)

    # -- resolving ---------------------------------------------------------------------------------

    def expire(self, event: AsyncEvent, now: float) -> None:
        """The event is too old for its next dispatch: an ``expire`` row, fate ``event_age_exceeded``."""
        fn = event.fn
        self.recorder.expiry(event.index, fn.index, event.qualifier_code, event.enqueued_at, now,
                             fn.in_flight, fn.queued)
        self._resolve(event, FATE_EVENT_AGE_EXCEEDED, now)

    def _resolve(self, event: AsyncEvent, fate: int, now: float) -> None:
        """The event's one fate: hand it to the router, write its row, and maybe end the run."""
        event.state = RESOLVED
        # The event stays live while it is routed: routing can invoke (and even resolve) other
        # events, and the run must not be judged finished in the middle of that.
        on_success, on_failure, dlq, lost = self.router(event, FATES[fate], now)
        del self.live[event.index]
        fn = event.fn
        limits = fn.settings.get(event.qualifier) or fn.defaults  # fn.settings_for, inlined
        if on_success or on_failure or dlq:
            codes, strings = self._string_codes, self._strings
            self.recorder.close_event(
                event.index, now, event.attempts, event.throttles, fate, limits.max_age_s, limits.max_retry,
                # "" is code 0: a target not sent to is not looked up
                (codes.get(on_success) or strings(on_success)) if on_success else 0,
                (codes.get(on_failure) or strings(on_failure)) if on_failure else 0,
                (codes.get(dlq) or strings(dlq)) if dlq else 0, lost,
            )
        else:
            self.recorder.close_event(event.index, now, event.attempts, event.throttles, fate,
                                      limits.max_age_s, limits.max_retry, 0, 0, 0, lost)
        if not self.live:
            self._check_done()

    def _check_done(self) -> None:
        """End a run-until-resolved once nothing is live, in flight or still to arrive."""
        stop = self.stop
        if (stop is not None and not stop.triggered and not self.live and not self.sources
                and not self.duplicates.in_flight and not self.sync_in_flight):
            stop.succeed()
