"""SQS event-source mappings on the virtual clock: pollers that read batches and invoke a function.

A mapping (:class:`Mapping`) reads its queue (:class:`~lambdasim.engine.sqs_queues.SqsQueue`) with
pollers, each working one batch at a time (docs/aws-behaviour.md §19):

- a poller receives up to 10 messages at a time (SQS's receive limit), hidden for the queue's
  visibility timeout; with ``MaximumBatchingWindowInSeconds`` it keeps receiving until the batch is
  full (``BatchSize``), the window has passed since its first message, or the event would pass
  6 MB (a message that does not fit is made visible again at once, for the next batch). One batch
  fills at a time: while it does, the mapping's other pollers wait (a choice: AWS does not say how
  its pollers share a window; this way a batch is invoked when full, as AWS describes);
- the batch is one **synchronous** invoke of the function with the SQS event AWS sends
  (``{"Records": [...]}``, the developer guide's shape), a row of kind ``esm`` in ``attempts``;
  the poller waits for it to end (cold start and duration);
- success deletes the batch. A function error or timeout deletes nothing: the messages reappear
  when their visibility timeout ends, with a higher receive count (so a queue's redrive policy
  moves a poison message to its DLQ in the end). A throttled invoke (429) deletes nothing either.
  With ``FunctionResponseTypes: ["ReportBatchItemFailures"]`` a successful response
  ``{"batchItemFailures": [{"itemIdentifier": messageId}, ...]}`` deletes every other message;
  an empty or null response or list is a complete success; an item that is not a message of the
  batch, an empty or null identifier, or a response of another shape fails the whole batch
  (AWS's rules, "Handling errors for an SQS event source in Lambda");
- idle pollers wait for a message to arrive (the queue's ``on_available`` callbacks) or for a
  hidden one to become visible (long polling: no empty receives are simulated).

Scaling (standard queues, AWS's "Configuring scaling behavior for SQS event source mappings"):
five batches at once when messages are available, then up to 300 more each minute while messages
remain visible, up to 1,000 per mapping, and never more than ``ScalingConfig.MaximumConcurrency``.
Choices where AWS gives no figures: the count is reviewed every 60 virtual seconds; a minute with
no visible message at the review scales back to five; a throttled or failed invoke halves the count
(not below five, or the cap), as AWS "scales down" on errors and throttles without saying by how
much. A FIFO queue's mapping works one batch at a time here (AWS: one batch per message group in
flight; message groups are not modelled yet), which keeps the queue's order.

:class:`Mapping` is one live mapping, the state its pollers work on; :class:`MappingPollers` is the
data plane of :class:`~lambdasim.engine.event_source_mappings.EventSourceMappings` (a base class of
it), which creates, changes and deletes mappings. The event a batch is sent as and the reading of the
response: :mod:`lambdasim.engine.esm_events`.
"""

from __future__ import annotations

import contextlib
from collections import deque
from typing import TYPE_CHECKING, Any

from lambdasim.engine.esm_events import batch_item_failures, sqs_record
from lambdasim.engine.live_function import TIMEOUT
from lambdasim.engine.sqs_queues import Received, SqsQueue
from lambdasim.model import rules
from lambdasim.model.event_source_mappings import MappingSettings

if TYPE_CHECKING:
    import simpy

__all__ = ["Mapping", "MappingPollers"]


class Mapping:
    """One live SQS event-source mapping: its settings, state and pollers."""

    def __init__(self, uuid: str, settings: MappingSettings, function: str, qualifier: str | None,
                 function_arn: str, queue: SqsQueue, now: float, state: str) -> None:
        self.uuid = uuid
        self.settings = settings
        self.function = function
        self.qualifier = qualifier
        self.function_arn = function_arn
        self.queue = queue
        self.state = state
        self.state_reason = rules.ESM_USER_INITIATED
        self.last_result = rules.ESM_NO_RECORDS
        self.last_modified = now
        self.deleted = False
        self.scale = self.floor()   # batches this mapping may work at once
        self.pollers = 0            # poller processes alive
        self.busy = 0               # pollers holding a batch (gathering or invoking)
        self.batches: list[dict] = []
        self.holding = False        # counted as a source: a run to completion waits for it
        self.gathering = False      # a poller is filling a batch within the batching window
        self.scaler = False         # its scaling process is running
        self._waiters: deque[simpy.Event] = deque()  # idle pollers' wake events, oldest first
        self._gatherer: simpy.Event | None = None      # the gathering poller's, while it waits for more

    def cap(self) -> int:
        """The most batches at once: AWS's 1,000 per mapping, MaximumConcurrency, 1 for FIFO here."""
        if self.settings.fifo:
            return 1
        cap = rules.ESM_SQS_MAX_BATCHES
        if self.settings.maximum_concurrency is not None:
            cap = min(cap, self.settings.maximum_concurrency)
        return cap

    def floor(self) -> int:
        """Where scaling starts and scales back to: five batches (or the cap, if lower)."""
        return min(rules.ESM_SQS_START_BATCHES, self.cap())

    @property
    def polling(self) -> bool:
        return not self.deleted and self.state in (rules.ESM_STATE_ENABLED, rules.ESM_STATE_DISABLING,
                                                     rules.ESM_STATE_UPDATING)

    def __repr__(self) -> str:
        source = self.settings.event_source_arn
        return f"Mapping({self.uuid!r}, {source!r} -> {self.function!r}, {self.state})"


class MappingPollers:
    """The data plane of :class:`~lambdasim.engine.event_source_mappings.EventSourceMappings` (a base
    class of it): the SimPy processes that poll, scale and invoke for each mapping. They read the
    registry's ``env``, ``model``, ``region``, ``sender_id`` and ``_epoch_ms``.
    """

    def _start(self, mapping: Mapping) -> None:
        """Start pollers up to the mapping's scale (a poller above the scale stops by itself)."""
        while mapping.pollers < mapping.scale and not mapping.deleted:
            mapping.pollers += 1
            self.env.process(self._poll(mapping, mapping.pollers - 1))
        if not mapping.scaler:
            mapping.scaler = True
            self.env.process(self._scale(mapping))

    def _wake(self, mapping: Mapping) -> None:
        """Wake every idle poller (the mapping's state changed: enabled, disabled, deleted)."""
        self._hold(mapping)
        waiters, mapping._waiters = mapping._waiters, deque()
        for event in waiters:
            event.succeed()
        if mapping._gatherer is not None:
            mapping._gatherer.succeed()
            mapping._gatherer = None

    def _arrived(self, mapping: Mapping) -> None:
        """A message was added: wake the poller filling a batch, or else one idle poller. (Waking
        them all made every idle poller poll once per message: pollers × messages receives.)"""
        self._hold(mapping)
        if mapping._gatherer is not None:
            mapping._gatherer.succeed()
            mapping._gatherer = None
        elif mapping._waiters:
            mapping._waiters.popleft().succeed()

    def _hold(self, mapping: Mapping) -> None:
        """With a horizon, a run to completion waits while a polling mapping's queue holds messages
        (a poison message without a redrive policy then runs to the horizon, as AWS would retry it
        until its retention ends). Without a horizon it does not wait: run with ``until``."""
        holds = (self.model.scenario.horizon_s is not None and mapping.polling
                 and len(mapping.queue.target.messages) > 0)
        if holds != mapping.holding:
            mapping.holding = holds
            queue = self.model.queue
            queue.sources += 1 if holds else -1
            if not holds:
                queue._check_done()

    def _idle(self, mapping: Mapping, gathering: bool = False) -> Any:
        """What an idle poller waits for: its own wake, or the next hidden message becoming visible."""
        env = self.env
        wake = env.event()
        if gathering:
            mapping._gatherer = wake
        else:
            mapping._waiters.append(wake)
        waits = [wake]
        if mapping.polling:
            at = mapping.queue.next_visible_at(env.now)
            if at is not None:
                waits.append(env.timeout(at - env.now))
        condition = env.any_of(waits)
        condition.callbacks.append(lambda _: self._resumed(mapping, wake))
        return condition

    @staticmethod
    def _resumed(mapping: Mapping, wake: simpy.Event) -> None:
        """A poller woke by its timer: its wake event leaves the queue of idle pollers."""
        if not wake.triggered:
            if mapping._gatherer is wake:
                mapping._gatherer = None
            else:
                with contextlib.suppress(ValueError):
                    mapping._waiters.remove(wake)

    def _scale(self, mapping: Mapping) -> Any:
        """Every minute: add up to 300 batches while messages wait, back to five when none do."""
        env = self.env
        while not mapping.deleted:
            yield env.timeout(rules.ESM_SQS_SCALE_INTERVAL_S)
            if not mapping.polling:
                continue
            visible, _ = mapping.queue.counts(env.now)
            if visible and mapping.busy >= mapping.scale:
                mapping.scale = min(mapping.scale + rules.ESM_SQS_SCALE_UP_PER_MINUTE, mapping.cap())
                self._start(mapping)
            elif not visible:
                mapping.scale = mapping.floor()

    def _scale_down(self, mapping: Mapping) -> None:
        mapping.scale = max(mapping.floor(), mapping.scale // 2)

    def _poll(self, mapping: Mapping, slot: int) -> Any:
        """One poller: receive a batch, invoke the function with it, delete what succeeded."""
        env = self.env
        try:
            while not mapping.deleted and slot < mapping.scale:
                if not mapping.polling or mapping.gathering:
                    yield self._idle(mapping)
                    continue
                received = self._receive(mapping, mapping.settings.batch_size)
                if not received:
                    yield self._idle(mapping)
                    continue
                mapping.busy += 1
                try:
                    received_at = env.now
                    batch, size = self._fit(mapping, [], received, 0)
                    settings = mapping.settings
                    if settings.window_s and len(batch) < settings.batch_size:
                        mapping.gathering = True  # one batch fills at a time; the others wait for it
                        try:
                            deadline = received_at + settings.window_s
                            while (len(batch) < settings.batch_size and size <= rules.ESM_BATCH_PAYLOAD_LIMIT
                                   and env.now < deadline and not mapping.deleted):
                                more = self._receive(mapping, settings.batch_size - len(batch))
                                if more:
                                    batch, size = self._fit(mapping, batch, more, size)
                                    continue
                                wait = self._idle(mapping, gathering=True)
                                yield env.any_of([wait, env.timeout(deadline - env.now)])
                                if mapping._gatherer is not None and not mapping._gatherer.triggered:
                                    mapping._gatherer = None  # the window passed: stop waiting for more
                        finally:
                            mapping.gathering = False
                            self._arrived(mapping)  # the next batch may start filling
                    yield from self._invoke(mapping, batch, received_at)
                finally:
                    mapping.busy -= 1
                self._hold(mapping)
        finally:
            mapping.pollers -= 1

    def _receive(self, mapping: Mapping, wanted: int) -> list[Received]:
        return mapping.queue.receive(self.env.now, min(wanted, rules.SQS_RECEIVE_RANGE[1]))

    def _record_size(self, received: Received) -> int:
        return len(received.message.body.encode()) + 1024  # the body and the record's other fields

    def _size(self, batch: list[Received]) -> int:
        return sum(self._record_size(r) for r in batch)

    def _fit(self, mapping: Mapping, batch: list[Received], more: list[Received], size: int,
             ) -> tuple[list[Received], int]:
        """Add ``more`` to the batch up to the 6 MB event limit; what does not fit is visible again,
        and the batch is full (its size is then reported past the limit, which ends the gathering)."""
        for received in more:
            extra = self._record_size(received)
            if size + extra > rules.ESM_BATCH_PAYLOAD_LIMIT:
                mapping.queue.change_visibility(received.receipt_handle, 0, self.env.now)
                size = rules.ESM_BATCH_PAYLOAD_LIMIT + 1
                continue
            if size <= rules.ESM_BATCH_PAYLOAD_LIMIT:
                batch.append(received)
                size += extra
        return batch, size

    def wall_ms(self, t: float) -> int:
        """Epoch milliseconds of virtual second ``t``."""
        return self._epoch_ms + int(round(t * 1000))

    def _invoke(self, mapping: Mapping, batch: list[Received], received_at: float) -> Any:
        env = self.env
        model = self.model
        settings = mapping.settings
        records = [sqs_record(r, settings.event_source_arn, self.region, self.sender_id, self.wall_ms)
                   for r in batch]
        event = {"Records": records}
        log = {"uuid": mapping.uuid, "function": mapping.function, "batch_size": len(batch),
               "message_ids": [r.message.message_id for r in batch], "received_at": received_at,
               "invoked_at": env.now, "ended_at": env.now, "request_id": None, "outcome": "throttled",
               "deleted": 0, "failed_items": []}
        mapping.batches.append(log)
        try:
            job, request_id = model.invoke_batch(mapping.function, mapping.qualifier, event)
        except Exception as error:  # noqa: BLE001 - the function is gone or Pending: the batch stays
            log["outcome"] = getattr(error, "code", type(error).__name__)
            self._scale_down(mapping)
            return
        log["request_id"] = request_id
        if job.refused is not None:
            self._scale_down(mapping)  # a throttle: messages reappear after their visibility timeout
            return
        yield env.timeout(job.init_s + job.duration_s)
        log["ended_at"] = env.now
        mapping.last_result = rules.ESM_OK
        if job.failure is not None:
            log["outcome"] = "timeout" if job.outcome == TIMEOUT else "error"
            self._scale_down(mapping)
            return
        ids = log["message_ids"]
        failed: list[str] | None = []
        if settings.report_batch_item_failures:
            failed = batch_item_failures(job.response, ids)
        if failed is None:
            log["outcome"] = "invalid_response"
            log["failed_items"] = list(ids)
            return
        log["failed_items"] = failed
        log["outcome"] = "partial" if failed else "success"
        keep = set(failed)
        deleted = 0
        for received, message_id in zip(batch, ids, strict=True):
            # at the invoke's end: the queue's own clock may still be at the receive
            if message_id not in keep and mapping.queue.delete(received.receipt_handle, self.env.now):
                deleted += 1
        log["deleted"] = deleted
