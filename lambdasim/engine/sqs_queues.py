"""A simulated SQS queue on the virtual clock: send, receive, hide, delete, redrive, expire, move.

The messages are those of the queue's :class:`~lambdasim.engine.targets.Target`
(``target.messages``, in the order they arrived); this module keeps what happened to them
(``docs/aws-behaviour.md §7``, "The simulated SQS queues"):

- a received message is invisible until ``now + visibility timeout`` (the queue's
  ``VisibilityTimeout`` unless the receive gives one) and is received again after that unless it was
  deleted; each receive gives a new receipt handle, and only the latest one deletes (an older
  handle's delete succeeds but leaves the message: SQS API reference, DeleteMessage);
- ``DelaySeconds`` hides a new message for that long; ``MessageRetentionPeriod`` removes a message
  that old (counted in ``queue_ops`` as ``retention_expired``, never silently), measured from its
  first enqueue, also in a dead-letter queue (SQS developer guide: "the expiration of a message is
  always based on its original enqueue timestamp");
- ``RedrivePolicy``: the receive that would make a message's receive count exceed
  ``maxReceiveCount`` moves it to the dead-letter queue instead of returning it;
- FIFO queues hand out a message group's messages in order and none of a group while an earlier
  one is in flight; a send whose deduplication id (or body hash) was accepted in the last 5 minutes
  is dropped (the sender still gets the first message's id);
- a message move task (StartMessageMoveTask) moves the messages a DLQ holds when it starts, one
  every ``1 / MaxNumberOfMessagesPerSecond`` seconds, to a destination or to each message's source.

Nothing here runs as a SimPy process: each call first brings the queue up to ``now`` (expiries and
move steps are recorded at their own instants), so a queue nobody looks at costs nothing.
:meth:`SqsQueue.next_visible_at` tells a poller (an event-source mapping) when to look again; the
``on_available`` callbacks run whenever a message is added. Choices where AWS is silent: a
short-poll receive returns the oldest visible messages (AWS samples a subset of its servers and may
return fewer); a message moved to a DLQ starts there with receive count 0; a move task with no
destination leaves a message that came from no queue (a Lambda DLQ delivery) where it is.
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable
from typing import Any, NamedTuple

from lambdasim.model.queue_settings import QueueSettings
from lambdasim.model.rules import SQS_DEDUPLICATION_WINDOW_S
from lambdasim.records.schema import QUEUE_OPS

# The target and its messages are :class:`~lambdasim.engine.targets.Target` and ``Message``;
# typed as Any because destinations.py imports this module (the engine's modules form no cycle).
Message = Target = Any

__all__ = ["SqsQueue", "Received", "MoveTask"]

_OP = {name: code for code, name in enumerate(QUEUE_OPS)}
_NAN = math.nan


class Received(NamedTuple):
    """One message handed to a consumer by one receive."""

    message: Message
    receipt_handle: str
    receive_count: int  #: ``ApproximateReceiveCount``, this receive included
    first_received_at: float  #: virtual instant of the first receive
    group_id: str | None = None
    sequence_number: str | None = None
    deduplication_id: str | None = None


class _State:
    """What the queue knows of one message it holds."""

    __slots__ = (
        "arrived_at",
        "enqueued_at",
        "visible_at",
        "receive_count",
        "first_received_at",
        "handle",
        "in_flight",
        "group",
        "dedup",
        "sequence",
        "origin",
    )

    def __init__(self, arrived_at: float, enqueued_at: float, visible_at: float) -> None:
        self.arrived_at = arrived_at  # when it came into this queue
        self.enqueued_at = enqueued_at  # its first enqueue anywhere: retention counts from here
        self.visible_at = visible_at
        self.receive_count = 0
        self.first_received_at = _NAN
        self.handle = ""
        self.in_flight = False  # received, its timeout not yet recorded as run out
        self.group: str | None = None
        self.dedup: str | None = None
        self.sequence: str | None = None
        self.origin: str | None = None  # the queue whose redrive policy sent it here


class MoveTask:
    """A message move task (StartMessageMoveTask): what ListMessageMoveTasks reports."""

    def __init__(
        self,
        handle: str,
        source: SqsQueue,
        destination_arn: str | None,
        rate: int | None,
        started_at: float,
        to_move: list[Message],
        step_s: float,
    ) -> None:
        self.handle = handle
        self.source = source
        self.destination_arn = destination_arn
        self.rate = rate  #: MaxNumberOfMessagesPerSecond as given (None: not given)
        self.started_at = started_at
        self.to_move = to_move
        self.step_s = step_s
        self.moved = 0  #: ApproximateNumberOfMessagesMoved
        self.done = 0  # steps taken (a message gone meanwhile takes a step too)
        self.status = "RUNNING" if to_move else "COMPLETED"

    def next_step_at(self) -> float | None:
        """When the next message moves, or None when the task is over."""
        return self.started_at + self.done * self.step_s if self.status == "RUNNING" else None


def _no_queue(arn: str) -> None:
    """The resolver of a queue outside a simulation (or unpickled): no other queue is known."""
    return None


class SqsQueue:
    """One simulated SQS queue: its settings and what happened to its messages.

    Parameters
    ----------
    target
        The queue's target; its ``messages`` are the queue's contents.
    settings
        The queue's :class:`~lambdasim.model.queue_settings.QueueSettings` (AWS's defaults if None).
    """

    def __init__(self, target: Target, settings: QueueSettings | None = None) -> None:
        self.target = target
        self.arn = target.arn
        self.settings = settings or QueueSettings(fifo=target.fifo)
        #: Callbacks run whenever a message is added (send, redrive, move, visibility set to 0).
        self.on_available: list[Callable[[], None]] = []
        #: Where ops are recorded (a :class:`~lambdasim.records.Recorder`), and how an ARN names
        #: another queue of the simulation; set by the simulation's destinations (None: standalone).
        self.recorder: Any = None
        self.resolve: Callable[[str], SqsQueue | None] = _no_queue
        self.created_at = 0.0
        self.modified_at = 0.0
        self.tasks: list[MoveTask] = []  # the move tasks whose source this queue is, newest last
        self._incoming: list[MoveTask] = []  # tasks that may move messages here
        self._state: dict[Message, _State] = {}  # by identity
        self._handles: dict[str, Message] = {}  # every handle this queue gave -> its message
        self._dedup: dict[str, tuple[float, Message]] = {}  # FIFO: dedup id -> (accepted at, message)
        self._sequence = 0
        self._now = 0.0
        self._advancing = False

    def __getstate__(self) -> dict:
        # The callbacks and the resolver are the live run's wiring (idle pollers, the destinations
        # router): a pickled result keeps what happened to the messages, not who was waiting.
        return {**self.__dict__, "on_available": [], "resolve": _no_queue}

    # -- recording ---------------------------------------------------------------------------------

    def _record(self, at: float, op: str, message: Message, count: int, visible_at: float = _NAN) -> None:
        if self.recorder is not None:
            self.recorder.queue_op(at, self.arn, _OP[op], message, count, visible_at)

    def _available(self) -> None:
        for callback in list(self.on_available):
            callback()

    # -- adding ------------------------------------------------------------------------------------

    def _adopt(
        self, message: Message, at: float, enqueued_at: float | None = None, delay_s: int | None = None
    ) -> _State:
        delay = self.settings.delay_s if delay_s is None else delay_s
        state = _State(at, at if enqueued_at is None else enqueued_at, at + delay)
        self._state[message] = state
        return state

    def _sync(self) -> None:
        """Forget the state of messages taken out of ``target.messages`` directly (``Target.drain``)."""
        if len(self._state) > len(self.target.messages):
            held = set(self.target.messages)  # by identity: a Message keeps its id as a number
            for key in [key for key in self._state if key not in held]:
                del self._state[key]

    def _state_of(self, message: Message) -> _State:
        """The message's state, made on first need: a message that was only delivered has none (a
        DLQ of a million failed events then holds no state for them), and is read as sent at its
        ``sent_at``, visible after the queue's delay, never received."""
        state = self._state.get(message)
        return state if state is not None else self._adopt(message, message.sent_at)

    def settle(self) -> None:
        """Give every message its state (before the queue's settings change: a delivered message
        keeps the delay it was sent with)."""
        for message in self.target.messages:
            self._state_of(message)

    def added(self, message: Message, now: float) -> None:
        """A message a destination or DLQ delivery appended to ``target.messages`` at ``now``
        (its ``sent_at``)."""
        if now > self._now:
            self._now = now
        self._record(now, "send", message, 0, now + self.settings.delay_s)
        if self.on_available:
            self._available()

    def send(
        self,
        message: Message,
        now: float,
        delay_s: int | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> tuple[Message, str | None]:
        """SendMessage: add ``message`` (or, on a FIFO queue, drop it as a duplicate of a message
        accepted in the last 5 minutes). Returns the message the sender is told of and, on a FIFO
        queue, its sequence number."""
        self.advance(now)
        if self.settings.fifo:
            if deduplication_id is None:  # content-based: SHA-256 of the body (SQS developer guide)
                deduplication_id = hashlib.sha256(message.body.encode()).hexdigest()
            seen = self._dedup.get(deduplication_id)
            if seen is not None and now < seen[0] + SQS_DEDUPLICATION_WINDOW_S:
                self._record(now, "deduplicated", seen[1], 0)
                original = self._state.get(seen[1])
                return seen[1], original.sequence if original else None
            self._dedup[deduplication_id] = (now, message)
        self.target.messages.append(message)
        state = self._adopt(message, now, delay_s=delay_s)
        if self.settings.fifo:
            self._sequence += 1
            state.group, state.dedup = group_id, deduplication_id
            state.sequence = f"{self._sequence:020d}"
        self._record(now, "send", message, 0, state.visible_at)
        self._available()
        return message, state.sequence

    def _arrive(self, message: Message, now: float, previous: _State, op: str, origin: str | None) -> None:
        """A message moved here from another queue (redrive or move task): same id, same first enqueue."""
        self._sync()
        self._expire(now)
        self.target.messages.append(message)
        state = self._adopt(message, now, enqueued_at=previous.enqueued_at, delay_s=0)
        state.group, state.dedup, state.origin = previous.group, previous.dedup, origin
        if self.settings.fifo:
            self._sequence += 1
            state.sequence = f"{self._sequence:020d}"
        self._record(now, op, message, 0, state.visible_at)
        self._available()

    def _remove(self, message: Message) -> _State:
        state = self._state_of(message)
        self.target.messages.remove(message)
        del self._state[message]
        return state

    # -- the clock ---------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Bring the queue to ``now``: messages moved in, visibility timeouts run out, retention expiries."""
        if self._advancing:
            return
        self._advancing = True
        try:
            self._advance(now)
        finally:
            self._advancing = False

    def _advance(self, now: float) -> None:
        for task in self._incoming:
            if task.status == "RUNNING":
                task.source.advance(now)
        self._sync()
        for task in self.tasks:
            while task.status == "RUNNING" and task.next_step_at() <= now:
                at = task.next_step_at()
                self._expire(at)
                self._move_step(task, at)
        self._expire(now)
        self._now = max(self._now, now)

    def _expire(self, now: float) -> None:
        retention = self.settings.retention_s
        states = self._state
        if not states and (not self.target.messages or self.target.messages[0].sent_at + retention > now):
            return  # only delivered messages, oldest first, none old enough: the common case
        kept = []  # one pass, then the list rebuilt: removing one by one would be quadratic
        for message in self.target.messages:
            state = states.get(message)
            if state is None:
                if message.sent_at + retention <= now:
                    self._record(message.sent_at + retention, "retention_expired", message, 0)
                else:
                    kept.append(message)
                continue
            if state.in_flight and state.visible_at <= now:
                state.in_flight = False
                if state.visible_at < state.enqueued_at + retention:
                    self._record(state.visible_at, "visible_again", message, state.receive_count)
            if state.enqueued_at + retention <= now:
                del states[message]
                self._record(state.enqueued_at + retention, "retention_expired", message, state.receive_count)
            else:
                kept.append(message)
        if len(kept) != len(self.target.messages):
            self.target.messages[:] = kept

    def _move_step(self, task: MoveTask, at: float) -> None:
        message = task.to_move[task.done]
        task.done += 1
        if task.done == len(task.to_move):
            task.status = "COMPLETED"
        state = self._state.get(message)  # every message of a task was given its state at the start
        if state is None:
            return  # deleted or expired since the task started: not moved
        if state.in_flight and state.visible_at > at:
            return  # being processed: not moved
        destination = self.resolve(task.destination_arn or state.origin or "")
        if destination is None:
            return
        self._remove(message)
        self._record(at, "moved_back", message, state.receive_count)
        destination._arrive(message, at, state, "moved_in", None)
        task.moved += 1

    # -- consuming ---------------------------------------------------------------------------------

    def receive(
        self, now: float, max_messages: int, visibility_timeout_s: float | None = None
    ) -> list[Received]:
        """ReceiveMessage: up to ``max_messages`` visible messages, oldest first (FIFO: in group
        order, none of a group with a message in flight), each hidden until ``now + timeout``
        (``None``: the queue's ``VisibilityTimeout``). A message already received ``maxReceiveCount``
        times goes to the dead-letter queue instead."""
        self.advance(now)
        timeout = self.settings.visibility_timeout_s if visibility_timeout_s is None else visibility_timeout_s
        redrive = self.settings.redrive
        dead_letter = self.resolve(redrive[0]) if redrive else None
        blocked: set[str | None] = set()
        received: list[Received] = []
        for message in list(self.target.messages):
            if len(received) == max_messages:
                break
            state = self._state_of(message)
            if state.group is not None and state.group in blocked:
                continue
            if state.visible_at > now:
                if self.settings.fifo:
                    blocked.add(state.group)  # an earlier message of the group is in flight or delayed
                continue
            if dead_letter is not None and state.receive_count >= redrive[1]:
                self._remove(message)
                self._record(now, "dead_letter", message, state.receive_count)
                dead_letter._arrive(message, now, state, "dead_lettered", self.arn)
                continue
            state.receive_count += 1
            if state.receive_count == 1:
                state.first_received_at = now
            state.visible_at = now + timeout
            state.in_flight = True
            handle = base64.b64encode(
                f"{self.arn} {message.message_id} {state.receive_count}".encode()
            ).decode()
            state.handle = handle
            self._handles[handle] = message
            self._record(now, "receive", message, state.receive_count, state.visible_at)
            received.append(
                Received(
                    message,
                    handle,
                    state.receive_count,
                    state.first_received_at,
                    state.group,
                    state.sequence,
                    state.dedup,
                )
            )
        return received

    def is_issued(self, receipt_handle: str) -> bool:
        """Whether a receive of this queue gave ``receipt_handle`` (otherwise SQS calls it invalid)."""
        return receipt_handle in self._handles

    def _holder(self, receipt_handle: str) -> tuple[Message, _State] | None:
        """The message ``receipt_handle`` is the latest handle of, if the queue still holds it."""
        message = self._handles.get(receipt_handle)
        state = self._state.get(message) if message is not None else None
        if state is None or state.handle != receipt_handle:
            return None
        return message, state

    def delete(self, receipt_handle: str, now: float | None = None) -> bool:
        """DeleteMessage: delete the message ``receipt_handle`` is the latest handle of; False when
        it is not (an older handle, or a message already gone: SQS answers success and keeps the
        queue as it is). ``now`` defaults to the latest instant the queue has seen."""
        now = self._now if now is None else now
        self.advance(now)
        held = self._holder(receipt_handle)
        if held is None:
            return False
        message, state = held
        self._remove(message)
        self._record(now, "delete", message, state.receive_count)
        return True

    def change_visibility(self, receipt_handle: str, timeout_s: float, now: float) -> str:
        """ChangeMessageVisibility: the message becomes visible at ``now + timeout_s``. Returns
        ``"ok"``, ``"invalid"`` (no receive of this queue gave the handle), ``"gone"`` (not the
        message's latest handle, or the message is deleted or expired) or ``"not_in_flight"`` (its
        timeout already ran out)."""
        self.advance(now)
        if not self.is_issued(receipt_handle):
            return "invalid"
        held = self._holder(receipt_handle)
        if held is None:
            return "gone"
        message, state = held
        if not state.in_flight:
            return "not_in_flight"
        state.visible_at = now + timeout_s
        self._record(now, "visibility_changed", message, state.receive_count, state.visible_at)
        if timeout_s == 0:
            state.in_flight = False
            self._record(now, "visible_again", message, state.receive_count)
            self._available()
        return "ok"

    def purge(self, now: float) -> int:
        """PurgeQueue: remove every message (each a ``purged`` row); returns how many."""
        self.advance(now)
        messages = list(self.target.messages)
        for message in messages:
            state = self._remove(message)
            self._record(now, "purged", message, state.receive_count)
        return len(messages)

    # -- what the queue holds ------------------------------------------------------------------------

    def counts(self, now: float) -> tuple[int, int]:
        """(visible, in flight) at ``now``: ``ApproximateNumberOfMessages`` and ``...NotVisible``."""
        visible, in_flight, _ = self.counts3(now)
        return visible, in_flight

    def counts3(self, now: float) -> tuple[int, int, int]:
        """(visible, in flight, delayed) at ``now``; delayed: not yet received and not yet visible
        (``ApproximateNumberOfMessagesDelayed``)."""
        self.advance(now)
        visible = in_flight = delayed = 0
        delay, states = self.settings.delay_s, self._state
        for message in self.target.messages:
            state = states.get(message)
            if state is None:
                if message.sent_at + delay <= now:
                    visible += 1
                else:
                    delayed += 1
            elif state.visible_at <= now:
                visible += 1
            elif state.receive_count:
                in_flight += 1
            else:
                delayed += 1
        return visible, in_flight, delayed

    def oldest_age(self, now: float) -> float:
        """Seconds since the oldest message still held came into this queue (0 when empty); the
        CloudWatch metric ``ApproximateAgeOfOldestMessage``."""
        self.advance(now)
        states = self._state
        return max(
            (now - (s.arrived_at if (s := states.get(m)) else m.sent_at) for m in self.target.messages),
            default=0.0,
        )

    def next_visible_at(self, now: float) -> float | None:
        """The earliest virtual time (>= ``now``) a message could be received here, counting
        messages a running move task will bring; None when there is none."""
        self.advance(now)
        delay, states = self.settings.delay_s, self._state
        times = [
            max(s.visible_at if (s := states.get(m)) else m.sent_at + delay, now)
            for m in self.target.messages
        ]
        times += [t for task in self._incoming if (t := task.next_step_at()) is not None]
        return min(times, default=None)

    def sequence_of(self, message: Message) -> str | None:
        """A FIFO message's sequence number (None on a standard queue or once it is gone)."""
        state = self._state.get(message)
        return state.sequence if state else None

    # -- message move tasks ----------------------------------------------------------------------------

    def start_move(
        self, now: float, destination: SqsQueue | None, rate: int | None, default_rate: int
    ) -> MoveTask:
        """StartMessageMoveTask with this queue (a DLQ) as the source: the messages visible now move,
        oldest first, one every ``1 / rate`` seconds from ``now``, to ``destination`` or (None) each
        to the queue it came from."""
        self.advance(now)
        to_move = [m for m in self.target.messages if self._state_of(m).visible_at <= now]
        handle = base64.b64encode(f"{self.arn} task {len(self.tasks) + 1}".encode()).decode()
        task = MoveTask(
            handle,
            self,
            destination.arn if destination else None,
            rate,
            now,
            to_move,
            1.0 / (rate or default_rate),
        )
        self.tasks.append(task)
        targets = (
            [destination] if destination else [self.resolve(self._state[m].origin or "") for m in to_move]
        )
        for queue in {id(q): q for q in targets if q is not None}.values():
            queue._incoming.append(task)
        self.advance(now)  # the first message moves at once
        return task

    def cancel_move(self, handle: str, now: float) -> MoveTask | None:
        """CancelMessageMoveTask: stop the running task ``handle`` (None if there is none)."""
        self.advance(now)
        for task in self.tasks:
            if task.handle == handle and task.status == "RUNNING":
                task.status = "CANCELLED"
                return task
        return None
