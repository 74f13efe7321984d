"""The scenario's workloads fed to the running model: each arrival an async invoke of its
function (or a message sent to its SQS queue, for a producer workload) at its virtual time.

:class:`WorkloadArrivals` is a base class of :class:`~lambdasim.engine.model.Model`, as the control
plane is: it reads the model's clock, queue, recorder and targets, and invokes through the model's
own ``_enqueue`` (the same path as the API's ``Event`` invokes). Each workload is one chain of
timeouts (:func:`drive`), not a SimPy process; a refused arrival
(no such function, still ``Pending``, too large) is recorded as a rejection, not raised.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import simpy

from lambdasim.engine.live_function import payload_size
from lambdasim.engine.streams import stream
from lambdasim.engine.targets import Message
from lambdasim.engine.timers import after
from lambdasim.model import rules
from lambdasim.model.errors import (
    RequestTooLargeException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from lambdasim.model.rules import LATEST
from lambdasim.records import RequestIds

if TYPE_CHECKING:
    from lambdasim.engine.queue import EventQueue
    from lambdasim.model.workloads import Workload

__all__ = ["WorkloadArrivals", "drive"]


class WorkloadArrivals:
    """Starting the scenario's workloads (:meth:`_start_workloads`) and accepting their arrivals."""

    def _accept_arrival(self, workload: Workload, fixed_size: int | None) -> Callable:
        """The callback a workload driver feeds its arrivals to; refusals are recorded, not raised."""
        try:
            target = self._resolve_target(workload.function, workload.qualifier)
        except ResourceNotFoundException as error:
            target, refusal = None, error

        def accept(arrival: Any) -> None:
            try:
                if target is None:
                    raise refusal
                if self.env._now < target[0].active_at:  # created through the API and still Pending
                    raise rules.function_pending()
                size = arrival[2] if arrival[2] is not None else fixed_size
                self._enqueue(target[0], arrival[1], target[1], size)
            except (RequestTooLargeException, ResourceNotFoundException, ResourceConflictException) as error:
                self.recorder.reject(self.env.now, workload.function, workload.qualifier or LATEST,
                                     error.code, error.http_status, error.message)

        return accept

    def _send_arrival(self, queue_arn: str) -> Callable:
        """The callback of a producer workload: each arrival is a message sent to the queue, its
        body the payload (a str as is, other data as its JSON)."""
        target = self.target(queue_arn)
        if self._produced_ids is None:
            self._produced_ids = RequestIds(int(self.scenario.seed), stream=13)
        ids = self._produced_ids

        def send(arrival: Any) -> None:
            payload = arrival[1]
            body = payload if isinstance(payload, str) else json.dumps(payload)
            self._produced += 1
            message = Message(ids(self._produced), body, None, self.env.now, "")
            target.messages.append(message)
            target.sqs.added(message, self.env.now)  # recorded as a send; idle pollers wake

        return send

    def _start_workloads(self) -> None:
        seed = int(self.scenario.seed)
        for i, workload in enumerate(self.scenario.workloads):
            fixed = getattr(workload, "payload_size_bytes", None)
            payload = getattr(workload, "payload", None)
            if fixed is None and payload is not None and not hasattr(workload, "events"):
                fixed = payload_size(payload)  # one payload for every arrival: measure it once
            if workload.target is not None:
                accept = self._send_arrival(workload.target)
            else:
                accept = self._accept_arrival(workload, fixed)
            arrivals = workload.arrivals(stream(seed, f"arrivals:{i}"))
            self.queue.sources += 1
            drive(self.queue, arrivals, accept)


def drive(queue: EventQueue, arrivals: Iterator, accept_arrival: Callable) -> None:
    """Feed one workload's arrivals to ``accept_arrival`` at their times.

    A chain of timeouts, each carrying its arrival to one callback, rather than a SimPy process:
    no generator to resume per arrival. It starts from an urgent event now, where a process
    would start, so events happen in the same order. The caller counts the workload in
    ``queue.sources`` before, so a run cannot be judged finished before the first arrival.
    """
    env = queue.env
    arrivals = iter(arrivals)

    def feed(event: simpy.Event) -> None:
        finished = True
        try:
            if event._value is not None:  # the arrival this timeout waited for (None: the start)
                accept_arrival(event._value)
            for arrival in arrivals:
                delay = arrival[0] - env._now
                if delay > 0:
                    after(env, delay, arrival, feed)
                    finished = False
                    return
                accept_arrival(arrival)
        finally:
            if finished:
                queue.sources -= 1
                queue._check_done()

    start = env.event()
    start._ok, start._value = True, None
    start.callbacks.append(feed)
    env.schedule(start, simpy.events.URGENT)
